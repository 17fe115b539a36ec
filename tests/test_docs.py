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
