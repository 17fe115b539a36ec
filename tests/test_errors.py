"""The error catalogue, docs/errors.md, is exact: every example in it is run, and its output
compared, byte for byte, with what the document shows.

An example in the catalogue reads:

    <!-- example: command="check policy.claw case.yaml" -->
    <!-- file: policy.claw -->
    ```claw
    ...
    ```
    <!-- file: case.yaml -->
    ```yaml
    ...
    ```
    <!-- output: stderr exit=3 -->
    ```text
    ...
    ```

The files are written into an empty folder and `clawpolicy COMMAND` is run there: in this
process, through the same entry point as the installed command (its streams, argument
parsing and exit code), which a test checks against `python -m clawpolicy` in a process of
its own. The named stream must equal the block and the other stream must be empty. Codes whose
trigger is not a small text file (a file too large, bytes that are not UTF-8, an include
chain 17 files long, an internal error) are shown as a plain ```text block and produced here
by the tests at the end of this file."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_POLICY, ROOT

DOC = ROOT / "docs" / "errors.md"
SOURCE = ROOT / "clawpolicy"
CODE = re.compile(r"\bCP\d{4}\b")
SECTION = re.compile(r"^### (CP\d{4}): (.+)$", re.MULTILINE)
EXAMPLE = re.compile(r'^<!-- example: command="(?P<command>[^"]+)" -->$')
FILE = re.compile(r"^<!-- file: (?P<name>\S+) -->$")
OUTPUT = re.compile(r"^<!-- output: (?P<stream>stdout|stderr) exit=(?P<exit>\d+) -->$")
FENCE = re.compile(r"^```[\w-]*$")


@dataclass
class Example:
    code: str              # the section it stands in
    line: int              # where its `example:` comment is, for messages
    command: str
    files: dict[str, str] = field(default_factory=dict)
    stream: str | None = None
    exit: int | None = None
    output: str | None = None


@dataclass
class Section:
    code: str
    title: str
    line: int
    body: str
    examples: list[Example] = field(default_factory=list)

    def text_blocks(self) -> list[str]:
        """Every ```text block of the section that is not part of an example."""
        lines = self.body.splitlines()
        blocks, i = [], 0
        while i < len(lines):
            if lines[i] == "```text" and not (i > 0 and (OUTPUT.match(lines[i - 1])
                                                          or FILE.match(lines[i - 1]))):
                block, i = _fenced(lines, i)
                blocks.append(block)
            i += 1
        return blocks


def _fenced(lines: list[str], i: int) -> tuple[str, int]:
    """The body of the fenced block that opens at lines[i] (with a final newline), and the
    index of its closing fence."""
    assert FENCE.match(lines[i]), f"expected a fence, found {lines[i]!r}"
    end = i + 1
    while lines[end] != "```":
        end += 1
    return "".join(line + "\n" for line in lines[i + 1:end]), end


def parse(text: str) -> list[Section]:
    """The catalogue's sections, in document order, each with its examples."""
    matches = list(SECTION.finditer(text))
    sections = []
    for n, match in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(text)
        # The last section ends where the next level-2 heading begins.
        tail = re.search(r"^## ", text[match.end():end], re.MULTILINE)
        if tail:
            end = match.end() + tail.start()
        start_line = text.count("\n", 0, match.start()) + 1
        section = Section(match[1], match[2], start_line, text[match.start():end])
        section.examples = _examples(section)
        sections.append(section)
    return sections


def _examples(section: Section) -> list[Example]:
    lines = section.body.splitlines()
    examples: list[Example] = []
    current: Example | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := EXAMPLE.match(line):
            assert current is None, f"{section.code}: an example without output"
            current = Example(section.code, section.line + i, m["command"])
        elif m := FILE.match(line):
            assert current is not None, f"{section.code}: a file outside an example"
            body, i = _fenced(lines, i + 1)
            current.files[m["name"]] = body
        elif m := OUTPUT.match(line):
            assert current is not None, f"{section.code}: an output outside an example"
            current.output, i = _fenced(lines, i + 1)
            current.stream, current.exit = m["stream"], int(m["exit"])
            examples.append(current)
            current = None
        i += 1
    assert current is None, f"{section.code}: an example without output"
    return examples


def clawpolicy(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m clawpolicy ARGS` run in `folder`, with this checkout's package."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "clawpolicy", *args], cwd=folder,
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=120)


def in_process(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`clawpolicy ARGS` run in `folder` through the command's entry point, in this process:
    as the installed command does, with standard streams that are pipes (not terminals)."""
    import io

    from clawpolicy.cli import _main

    saved = sys.argv, sys.stdin, sys.stdout, sys.stderr, os.getcwd()
    out, err = io.BytesIO(), io.BytesIO()
    streams = [io.TextIOWrapper(b, encoding="utf-8", newline="") for b in (out, err)]
    try:
        os.chdir(folder)
        sys.argv = ["clawpolicy", *args]
        sys.stdin = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        sys.stdout, sys.stderr = streams
        code = _main()
        for stream in streams:
            stream.flush()
    finally:
        sys.argv, sys.stdin, sys.stdout, sys.stderr, cwd = saved
        os.chdir(cwd)
    return subprocess.CompletedProcess(["clawpolicy", *args], code,
                                       out.getvalue().decode("utf-8"),
                                       err.getvalue().decode("utf-8"))


def run_example(example: Example, folder: Path, runner=in_process) -> subprocess.CompletedProcess:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in example.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body.encode("utf-8"))
    return runner(folder, *shlex.split(example.command))


def _codes_in_source() -> set[str]:
    return {code for path in SOURCE.rglob("*.py")
            for code in CODE.findall(path.read_text(encoding="utf-8"))}


SECTIONS = parse(DOC.read_text(encoding="utf-8"))
EXAMPLES = [e for s in SECTIONS for e in s.examples]


# ---------------------------------------------------------------- the catalogue is complete

def test_every_code_in_the_source_has_a_section_and_every_section_a_code_in_the_source():
    in_source = _codes_in_source()
    documented = [s.code for s in SECTIONS]
    assert in_source, "no CPxxxx code found under clawpolicy/"
    assert sorted(in_source - set(documented)) == [], "codes with no section in errors.md"
    assert sorted(set(documented) - in_source) == [], "sections for codes the source never uses"


def test_sections_are_in_numeric_order_and_appear_once():
    codes = [s.code for s in SECTIONS]
    assert codes == sorted(set(codes))


def test_every_section_shows_its_code_rendered():
    """An example whose output carries the code, or (for the few codes no small text file
    can trigger) a rendered message of that code tested below."""
    for section in SECTIONS:
        rendered = [e.output for e in section.examples] + section.text_blocks()
        assert any(f"[{section.code}]: " in block for block in rendered), \
            f"{section.code} shows no rendered message"


def test_only_the_codes_no_small_text_file_can_trigger_go_without_an_example():
    without = {s.code for s in SECTIONS if not s.examples}
    assert without == {"CP0113", "CP0114", "CP0115", "CP0118", "CP0402", "CP0403", "CP0801",
                       "CP0802", "CP0803", "CP0900", "CP1400", "CP1403", "CP1404"}


def test_the_diagnostic_the_introduction_takes_apart_is_that_of_an_example():
    intro = DOC.read_text(encoding="utf-8").split("\n### ", 1)[0]
    shown = intro.split("```text\n", 1)[1].split("```", 1)[0]
    assert shown in [e.output for e in EXAMPLES]


def test_every_example_triggers_the_code_of_its_section():
    for example in EXAMPLES:
        assert f"[{example.code}]: " in example.output, \
            f"the example at errors.md:{example.line} does not show {example.code}"


# ---------------------------------------------------------------- every example, replayed

@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.code}-line{e.line}" for e in EXAMPLES])
def test_example_output_is_exact(example: Example, tmp_path: Path):
    result = run_example(example, tmp_path)
    shown = result.stdout if example.stream == "stdout" else result.stderr
    other = result.stderr if example.stream == "stdout" else result.stdout
    assert shown == example.output
    assert other == "", f"unexpected output on the other stream:\n{other}"
    assert result.returncode == example.exit


# One example of each stream and kind of command, run by the installed interpreter in a process
# of its own, gives the same bytes as in this process.
SAMPLES = [e for e in EXAMPLES if e.code in ("CP0101", "CP0410", "CP0701", "CP1001")]


@pytest.mark.parametrize("example", SAMPLES, ids=[f"{e.code}-line{e.line}" for e in SAMPLES])
def test_in_process_runs_give_the_bytes_of_a_process_of_its_own(example, tmp_path: Path):
    alone = run_example(example, tmp_path / "alone", runner=clawpolicy)
    here = run_example(example, tmp_path / "here")
    assert (here.returncode, here.stdout, here.stderr) == \
        (alone.returncode, alone.stdout, alone.stderr)


# ---------------------------------------------------------------- codes shown without an example

def _shown(code: str) -> str:
    """The one ```text block of a section without an example."""
    (section,) = [s for s in SECTIONS if s.code == code]
    blocks = section.text_blocks()
    assert len(blocks) == 1, f"{code}: expected one rendered message, found {len(blocks)}"
    return blocks[0]


# The valid policy and case of the catalogue's examples.
POLICY = EXAMPLE_POLICY
CASE = "case_id: example\nas_of: 2024-06-30\n"


def test_the_policy_and_case_the_examples_start_from_are_those_shown_and_valid(tmp_path):
    intro = DOC.read_text(encoding="utf-8").split("\n### ", 1)[0]
    assert f"```claw\n{POLICY}```" in intro
    assert f"```yaml\n{CASE}```" in intro
    (tmp_path / "policy.claw").write_text(POLICY, encoding="utf-8")
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    result = clawpolicy(tmp_path, "check", "policy.claw", "case.yaml")
    assert (result.stderr, result.returncode) == ("", 0)


def test_cp0113_a_policy_file_that_is_not_utf8(tmp_path: Path):
    # `Café` saved as Latin-1: the é is the byte 0xE9, at offset 11.
    (tmp_path / "policy.claw").write_bytes(
        POLICY.replace('"Example"', '"Café"').encode("latin-1"))
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    result = clawpolicy(tmp_path, "check", "policy.claw", "case.yaml")
    assert (result.stderr, result.stdout, result.returncode) == (_shown("CP0113"), "", 3)


def test_cp0118_a_control_character_in_a_policy_file(tmp_path: Path):
    # A NUL byte (which no page of text can show) after `Section` in the clause's name.
    policy = POLICY.replace('clause "Recovery"', 'clause "Section\x00 2(a)"')
    (tmp_path / "policy.claw").write_text(policy, encoding="utf-8")
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    result = clawpolicy(tmp_path, "check", "policy.claw", "case.yaml")
    assert (result.stderr, result.stdout, result.returncode) == (_shown("CP0118"), "", 3)


def _include_chain(folder: Path, files: int) -> subprocess.CompletedProcess:
    """`check` on a policy whose includes nest `files` files deep, the policy counting one."""
    (folder / "policy.claw").write_text(POLICY + '\ninclude "part1.claw"\n', encoding="utf-8")
    for n in range(1, files - 1):
        (folder / f"part{n}.claw").write_text(f'include "part{n + 1}.claw"\n', encoding="utf-8")
    (folder / f"part{files - 1}.claw").write_text(f"# file {files}\n", encoding="utf-8")
    (folder / "case.yaml").write_text(CASE, encoding="utf-8")
    return clawpolicy(folder, "check", "policy.claw", "case.yaml")


def test_cp0114_includes_nested_more_than_16_files_deep(tmp_path: Path):
    result = _include_chain(tmp_path, 17)
    assert (result.stderr, result.stdout, result.returncode) == (_shown("CP0114"), "", 3)


def test_cp0114_sixteen_files_are_allowed(tmp_path: Path):
    result = _include_chain(tmp_path, 16)
    assert result.returncode == 0, result.stderr


def test_cp0115_a_policy_file_over_1_mib(tmp_path: Path):
    policy = POLICY
    padding = "#" * (1024 * 1024 - len(policy.encode("utf-8"))) + "\n"  # one byte over
    (tmp_path / "policy.claw").write_text(policy + padding, encoding="utf-8")
    assert (tmp_path / "policy.claw").stat().st_size == 1024 * 1024 + 1
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    result = clawpolicy(tmp_path, "check", "policy.claw", "case.yaml")
    assert (result.stderr, result.stdout, result.returncode) == (_shown("CP0115"), "", 3)


def test_cp0402_a_case_file_over_10_mb(tmp_path: Path):
    (tmp_path / "policy.claw").write_text(POLICY, encoding="utf-8")
    padding = "#" * (10 * 1024 * 1024 - len(CASE)) + "\n"  # one byte over
    (tmp_path / "case.yaml").write_text(CASE + padding, encoding="utf-8")
    assert (tmp_path / "case.yaml").stat().st_size == 10 * 1024 * 1024 + 1
    result = clawpolicy(tmp_path, "check", "policy.claw", "case.yaml")
    assert (result.stderr, result.stdout, result.returncode) == (_shown("CP0402"), "", 4)


def test_cp0403_a_case_file_that_is_not_utf8(tmp_path: Path):
    (tmp_path / "policy.claw").write_text(POLICY, encoding="utf-8")
    # `Café` saved as Latin-1: the é is the byte 0xE9, at offset 27.
    (tmp_path / "case.yaml").write_bytes("case_id: example\ntitle: Café\nas_of: 2024-06-30\n"
                                         .encode("latin-1"))
    result = clawpolicy(tmp_path, "check", "policy.claw", "case.yaml")
    assert (result.stderr, result.stdout, result.returncode) == (_shown("CP0403"), "", 4)


def test_cp0900_an_internal_error(tmp_path: Path, monkeypatch, capsys):
    from clawpolicy import api, cli

    def defect(*args, **kwargs):
        raise RuntimeError("unexpected state")

    (tmp_path / "policy.claw").write_text(POLICY, encoding="utf-8")
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(api, "compile_policy", defect)
    monkeypatch.setattr(sys, "argv", ["clawpolicy", "check", "policy.claw", "case.yaml"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    captured = capsys.readouterr()
    assert (captured.err, captured.out, stopped.value.code) == (_shown("CP0900"), "", 70)


# ---------------------------------------------------------------- the environment (CP08xx)

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_cp0801_the_output_cannot_be_written(tmp_path: Path):
    (tmp_path / "policy.claw").write_text(POLICY, encoding="utf-8")
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "clawpolicy", "check", "policy.claw",
                                 "case.yaml"], cwd=tmp_path, stdout=full, stderr=subprocess.PIPE,
                                text=True, env=env, timeout=120)
    assert (result.stderr, result.returncode) == (_shown("CP0801"), 74)


def test_cp0802_standard_output_closed(tmp_path: Path):
    (tmp_path / "policy.claw").write_text(POLICY, encoding="utf-8")
    (tmp_path / "case.yaml").write_text(CASE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "clawpolicy", "check", "policy.claw",
                             "case.yaml"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env, timeout=120,
                            preexec_fn=lambda: os.close(1))
    assert (result.stderr, result.returncode) == (_shown("CP0802"), 74)


def test_cp0803_a_worker_process_stopped(tmp_path: Path, monkeypatch, capsys):
    from concurrent.futures.process import BrokenProcessPool

    from clawpolicy import batch, cli

    def killed(*args, **kwargs):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly while "
                                "the future was running or pending.")

    (tmp_path / "policy.claw").write_text(POLICY, encoding="utf-8")
    (tmp_path / "cases.jsonl").write_text('{"case_id": "x", "as_of": "2024-06-30"}\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(batch, "run", killed)
    monkeypatch.setattr(sys, "argv", ["clawpolicy", "check", "policy.claw", "--batch",
                                      "cases.jsonl", "--jobs", "2"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    captured = capsys.readouterr()
    assert (captured.err, stopped.value.code) == (_shown("CP0803"), 71)

