"""The documentation's examples are checked like policies, and the error codes it names exist.

Every ```claw block of docs/language.md and docs/cases.md must pass the checker: either as a
whole policy (it has a `policy` header), or as a fragment appended to the corpus base of
tests/bad_policies/_base.claw. A block of any kind preceded by `<!-- claw-file: PATH -->` is
also written to PATH beside the policy under test, so that an `include` or a `source` in an
example can name it. Blocks that
show a mistake on purpose are marked ```claw-error and are not checked here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clawpolicy.api import PolicyError, compile_policy
from clawpolicy.core.diagnostics import render_all
from tests.conftest import ROOT

DOCS = [ROOT / "docs" / name for name in ("language.md", "cases.md", "revisions.md")]
BASE = ROOT / "tests" / "bad_policies" / "_base.claw"
SOURCE = ROOT / "clawpolicy"

FENCE = re.compile(
    r"(?:^<!--\s*claw-file:\s*(?P<file>\S+)\s*-->\n)?^```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^```[ \t]*$",
    re.MULTILINE | re.DOTALL)
HEADER = re.compile(r'^\s*policy\s+["\']', re.MULTILINE)
CODE = re.compile(r"\bCP\d{4}\b")


def _blocks(doc: Path, lang: str | None = "claw") -> list[tuple[int, str, str | None]]:
    """Each fenced block of a document in `lang` (any, for None): (line, text, companion file
    name or None)."""
    text = doc.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        if lang is None or match["lang"] == lang:
            line = text.count("\n", 0, match.start("body")) + 1
            found.append((line, match["body"], match["file"]))
    return found


def _base() -> str:
    """The corpus base without its `include` lines (it has none today; stay exact)."""
    lines = BASE.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.lstrip().startswith("include "))


EXAMPLES = [(doc, line, body, companion) for doc in DOCS for line, body, companion in _blocks(doc)]


def test_the_documents_have_examples():
    for doc in DOCS:
        assert doc.is_file(), f"{doc} is missing"
    assert any(doc.name == "language.md" for doc, *_ in EXAMPLES)


@pytest.mark.parametrize(
    "doc, line, body, companion", EXAMPLES,
    ids=[f"{doc.name}:{line}" for doc, line, _, _ in EXAMPLES])
def test_every_claw_block_passes_the_checker(tmp_path, doc, line, body, companion):
    # Companion files of the same document (included policies, source documents).
    for _, other, name in _blocks(doc, lang=None):
        if name is not None:
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(other, encoding="utf-8")
    policy = tmp_path / "example.claw"
    policy.write_text(body if HEADER.search(body) else _base() + "\n" + body, encoding="utf-8")
    try:
        compile_policy(policy)
    except PolicyError as error:
        pytest.fail(f"the ```claw block at {doc.name}:{line} does not pass the checker:\n"
                    + render_all(error.diagnostics))


def _codes_in_source() -> set[str]:
    return {code for path in SOURCE.rglob("*.py")
            for code in CODE.findall(path.read_text(encoding="utf-8"))}


def test_every_error_code_the_docs_name_exists_in_the_source():
    known = _codes_in_source()
    assert known, "no CPxxxx code found under clawpolicy/"
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        # A range such as CP0401–CP0411 names both ends; each must exist.
        missing = sorted(set(CODE.findall(text)) - known)
        assert not missing, f"{doc.name} names codes the source never raises: {missing}"


def test_every_file_of_the_repository_the_docs_name_exists():
    """A file named in code (`benchmarks/prove.py`) is one a reader runs or opens: it must
    be there (docs/proofs.md named a benchmarks/bench_prove.py that never was). The wheel's
    clawpolicy/shipped/ is made by the build."""
    named = re.compile(r"`((?:benchmarks|tests|clawpolicy|policies|examples|docs|schema|"
                       r"grammar|editors)/[A-Za-z0-9_./-]+)`")
    missing = sorted({f"{doc.name}: {path}" for doc in ALL_DOCS
                      for path in named.findall(doc.read_text(encoding="utf-8"))
                      if not path.startswith("clawpolicy/shipped/")
                      and not (ROOT / path.rstrip("/")).exists()})
    assert missing == []


# ---------------------------------------------------------------- cross-references

ALL_DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})[ \t]+(?P<title>.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
NUMBERED = re.compile(r"^##[ \t]+(?P<number>\d+)\.[ \t]", re.MULTILINE)
SECTION_REF = re.compile(r"\bsections? (?P<numbers>\d+(?:(?:, | and | to )\d+)*)")
CODE_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _blank(match: re.Match) -> str:
    """The matched text as white space, line breaks kept, so that places stay right."""
    return re.sub(r"[^\n]", " ", match.group())


def _prose(text: str) -> str:
    """The text with code blocks, code spans and comments blanked out."""
    return CODE_SPAN.sub(_blank, CODE_FENCE.sub(_blank, COMMENT.sub(_blank, text)))


def slug(title: str) -> str:
    """A heading's anchor as GitHub makes it: links and code marks dropped, lower case,
    punctuation removed, spaces made hyphens."""
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title).replace("`", "")
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    """Every anchor of a document's headings; a repeated one gets -1, -2, ... as on GitHub."""
    found: dict[str, int] = {}
    result = set()
    for match in HEADING.finditer(CODE_FENCE.sub(_blank, doc.read_text(encoding="utf-8"))):
        base = slug(match["title"])
        count = found.get(base, 0)
        result.add(base if count == 0 else f"{base}-{count}")
        found[base] = count + 1
    return result


def sections(doc: Path) -> set[int]:
    """The numbers of a document's numbered sections (`## 12. Calendar arithmetic`)."""
    text = CODE_FENCE.sub(_blank, doc.read_text(encoding="utf-8"))
    return {int(m["number"]) for m in NUMBERED.finditer(text)}


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _cross_references(doc: Path) -> list[str]:
    """What is wrong with a document's internal links and section references."""
    text = _prose(doc.read_text(encoding="utf-8"))
    problems = []
    linked_spans = []
    for m in LINK.finditer(text):
        target, where = m["target"], f"{doc.name}:{_line(text, m.start())}"
        linked_spans.append((m.start(), m.end()))
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not ours to check
            continue
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        if not file.exists():
            problems.append(f"{where}: links to {path}, which does not exist")
            continue
        if anchor and file.suffix == ".md" and anchor not in anchors(file):
            problems.append(f"{where}: links to #{anchor}, which {file.name} has no heading for")
        said = re.search(r"\bsection (\d+)\b", m["text"])  # "Section 304" is the law's
        if said and not anchor.startswith(f"{said[1]}-"):
            problems.append(f"{where}: says section {said[1]} but links to #{anchor}")
    own = sections(doc)
    for m in SECTION_REF.finditer(text):
        if any(start <= m.start() < end for start, end in linked_spans):
            continue  # checked with its link
        where = f"{doc.name}:{_line(text, m.start())}"
        for number in map(int, re.findall(r"\d+", m["numbers"])):
            if number not in own:
                problems.append(f"{where}: refers to section {number}, which {doc.name} "
                                "does not have")
    return problems


@pytest.mark.parametrize("doc", ALL_DOCS, ids=lambda d: d.name)
def test_every_internal_link_and_section_reference_resolves(doc):
    assert _cross_references(doc) == []


def test_the_cross_reference_check_finds_what_is_wrong(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## 2. Second part\n\n## 2. Second part\n")
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Doc\n\n## 1. First\n\n"
        "See [the other](other.md#2-second-part), [again](other.md#2-second-part-1),\n"
        "[missing](missing.md), [no such part](other.md#3-third-part),\n"
        "[other.md, section 3](other.md#2-second-part), section 1 and section 4,\n"
        "`section 9` in code, [the web](https://example.com/x.md).\n")
    assert _cross_references(doc) == [
        "doc.md:6: links to missing.md, which does not exist",
        "doc.md:6: links to #3-third-part, which other.md has no heading for",
        "doc.md:7: says section 3 but links to #2-second-part",
        "doc.md:7: refers to section 4, which doc.md does not have",
    ]


def test_anchors_are_made_as_github_makes_them():
    assert slug("10. How an award's outcome is decided") == "10-how-an-awards-outcome-is-decided"
    assert slug("CP0101: syntax error: unexpected word") == "cp0101-syntax-error-unexpected-word"
    assert slug("`clawpolicy test` (CP06xx)") == "clawpolicy-test-cp06xx"
