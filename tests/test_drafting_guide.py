"""docs/drafting-guide.md, replayed from scratch in an empty folder.

The guide is walked in order. A fenced block preceded by `<!-- claw-file: PATH -->` is written
to PATH (a later block for the same path replaces the earlier one). In a ```sh block, each line
`$ clawpolicy ...` is run as `python -m clawpolicy ...` in the folder, and its exit code must
be the one the guide gives in a trailing `# exit N` comment (0 when there is none). A `> FILE`
redirect writes the command's output to FILE. `check-jsonschema --schemafile SCHEMA FILE...`
is replayed with the jsonschema library; other commands (`pip install ...`) are skipped.

Then the policy the guide ends with must lint clean, trace every operative sentence, pass its
cases and be formatted; and so must the real policy its last step walks through (Northrop
Grumman's), which must be, word for word, the one shipped in policies/."""

from __future__ import annotations

import glob
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "drafting-guide.md"
POLICY = "northwind.claw"
CASES = "cases"
# Step 10: a real policy, in a folder of its own; the guide ends with the shipped file.
NORTHROP = "northrop/northrop-grumman-2010.claw"
NORTHROP_TEXT = "northrop/sources/northrop-grumman-recoupment-2010.txt"
NORTHROP_CASES = "northrop/cases"

FENCE = re.compile(
    r"(?:^<!--\s*claw-file:\s*(?P<file>\S+)\s*-->\n)?^```(?P<lang>[\w-]*)[ \t]*\n"
    r"(?P<body>.*?)^```[ \t]*$",
    re.MULTILINE | re.DOTALL)
EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")
TRACED = re.compile(r"^(\d+) of (\d+) operative sentences encoded$", re.MULTILINE)


@dataclass
class Replay:
    folder: Path
    problems: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)  # path -> the last block written


def clawpolicy(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clawpolicy", *args], cwd=folder,
                          capture_output=True, text=True, timeout=300)


def _expand(folder: Path, argv: list[str]) -> list[str]:
    """Shell globs (`cases/*.yaml`), relative to the folder, as a shell would expand them."""
    out = []
    for arg in argv:
        matches = sorted(glob.glob(arg, root_dir=folder)) if any(c in arg for c in "*?[") else []
        out += matches or [arg]
    return out


def _has_jsonschema() -> bool:
    import importlib.util

    return importlib.util.find_spec("jsonschema") is not None


def _check_jsonschema(folder: Path, argv: list[str]) -> tuple[int, str]:
    """`check-jsonschema --schemafile SCHEMA FILE...`, with the jsonschema library: exit 0 when
    every file is valid, 1 otherwise."""
    import jsonschema
    args = argv[1:]
    schema_path = args.pop(args.index("--schemafile") + 1)
    args.remove("--schemafile")
    validator = jsonschema.Draft202012Validator(
        json.loads((folder / schema_path).read_text(encoding="utf-8")))
    errors = []
    for name in args:
        data = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        data = json.loads(json.dumps(data, default=str))  # dates as text, as in JSON
        errors += [f"{name}: {e.message}" for e in validator.iter_errors(data)]
    return (1 if errors else 0), "\n".join(errors)


def replay(guide: Path, folder: Path) -> Replay:
    text = guide.read_text(encoding="utf-8")
    result = Replay(folder)
    for match in FENCE.finditer(text):
        if match["file"]:
            target = folder / match["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(match["body"], encoding="utf-8")
            result.written[match["file"]] = match["body"]
        if match["lang"] != "sh":
            continue
        first = text.count("\n", 0, match.start("body")) + 1
        for offset, row in enumerate(match["body"].splitlines()):
            if not row.startswith("$ "):
                continue  # output, as the guide shows it
            where = f"{guide.name}:{first + offset}"
            command = row[2:].strip()
            expected = int(m.group(1)) if (m := EXIT.search(command)) else 0
            argv = _expand(folder, shlex.split(command, comments=True))
            redirect = None
            if ">" in argv:
                at = argv.index(">")
                argv, redirect = argv[:at], argv[at + 1]
            if argv[0] == "clawpolicy":
                run = clawpolicy(folder, *argv[1:])
                code, output = run.returncode, run.stdout + run.stderr
                if redirect is not None:
                    (folder / redirect).write_text(run.stdout, encoding="utf-8")
                    output = run.stderr
            elif argv[0] == "check-jsonschema" and _has_jsonschema():
                code, output = _check_jsonschema(folder, argv)
            else:
                result.skipped.append(f"{where}: {command}")
                continue
            result.ran.append(f"{where}: {command}")
            if code != expected:
                result.problems.append(
                    f"{where}: `{command}` exited with {code}, the guide says {expected}\n"
                    + output)
    return result


@pytest.fixture(scope="module")
def replayed(tmp_path_factory) -> Replay:
    assert GUIDE.is_file(), f"{GUIDE} is missing"
    return replay(GUIDE, tmp_path_factory.mktemp("northwind"))


def test_the_guide_writes_a_text_a_policy_and_cases(replayed):
    written = replayed.written
    assert "sources/northwind.txt" in written
    assert POLICY in written
    cases = [p for p in written if p.startswith(f"{CASES}/") and p.endswith(".yaml")]
    assert len(cases) >= 3, cases
    commands = " ".join(replayed.ran)
    for tool in ("lint", "trace", "test", "check", "fmt", "schema"):
        assert f"clawpolicy {tool} " in commands + " ", f"the guide never runs `{tool}`"


def test_every_command_exits_as_the_guide_says(replayed):
    assert replayed.ran, "the guide runs no command"
    assert not replayed.problems, "\n\n".join(replayed.problems)


def test_the_final_policy_is_the_guides_last_version(replayed):
    # Nothing the guide runs after showing the finished file may change it.
    on_disk = (replayed.folder / POLICY).read_text(encoding="utf-8")
    assert on_disk == replayed.written[POLICY]


def test_the_final_policy_lints_clean(replayed):
    run = clawpolicy(replayed.folder, "lint", POLICY)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == f"{POLICY}: no errors, no warnings\n"


def test_the_final_policy_traces_every_operative_sentence(replayed):
    run = clawpolicy(replayed.folder, "trace", POLICY)
    assert run.returncode == 0, run.stderr
    counts = TRACED.findall(run.stdout)
    assert counts, run.stdout
    encoded, operative = counts[-1]
    assert int(operative) > 0 and encoded == operative, run.stdout


def test_the_final_policy_passes_its_cases(replayed):
    run = clawpolicy(replayed.folder, "test", f"{CASES}/")
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^(\d+) cases: \1 passed, 0 failed", run.stdout, re.MULTILINE), run.stdout


def test_the_final_policy_is_formatted(replayed):
    run = clawpolicy(replayed.folder, "fmt", "--check", ".")
    assert run.returncode == 0, run.stdout + run.stderr


def _folded(text: str) -> str:
    return " ".join(text.split())


def test_every_fragment_is_part_of_a_version_of_the_policy():
    # The rules step 3 explains one by one must be those of a whole file the guide writes.
    text = GUIDE.read_text(encoding="utf-8")
    blocks = [(m["file"], m["body"], text.count("\n", 0, m.start()) + 1)
              for m in FENCE.finditer(text) if m["lang"] == "claw"]
    versions = [_folded(body) for name, body, _ in blocks if name in (POLICY, NORTHROP)]
    fragments = [(body, line) for name, body, line in blocks if name is None]
    assert fragments, "the guide shows no rule on its own"
    for body, line in fragments:
        assert any(_folded(body) in version for version in versions), (
            f"the ```claw block at {GUIDE.name}:{line} is in no version of {POLICY} or {NORTHROP}")


def test_the_guides_cases_are_valid_under_the_schema(replayed):
    pytest.importorskip("jsonschema")
    code, errors = _check_jsonschema(
        replayed.folder, ["check-jsonschema", "--schemafile", "case.schema.json",
                          *sorted(glob.glob(f"{CASES}/*.yaml", root_dir=replayed.folder))])
    assert code == 0, errors


def test_the_real_policy_walked_through_is_the_shipped_one(replayed):
    # Step 10 ends with policies/northrop-grumman-2010.claw, on its text, word for word: the
    # walk-through cannot drift from the policy a user runs.
    assert replayed.written[NORTHROP_TEXT] == \
        (ROOT / "policies" / "sources" / "northrop-grumman-recoupment-2010.txt").read_text()
    on_disk = (replayed.folder / NORTHROP).read_text(encoding="utf-8")
    assert on_disk == replayed.written[NORTHROP]
    assert on_disk == (ROOT / "policies" / "northrop-grumman-2010.claw").read_text()


def test_the_real_policy_lints_clean_traces_everything_and_passes_its_cases(replayed):
    lint = clawpolicy(replayed.folder, "lint", NORTHROP)
    assert (lint.returncode, lint.stdout) == (0, f"{NORTHROP}: no errors, no warnings\n")
    trace = clawpolicy(replayed.folder, "trace", NORTHROP)
    encoded, operative = TRACED.findall(trace.stdout)[-1]
    assert int(operative) > 0 and encoded == operative, trace.stdout
    cases = [p for p in replayed.written if p.startswith(f"{NORTHROP_CASES}/")]
    assert len(cases) >= 4, cases
    run = clawpolicy(replayed.folder, "test", f"{NORTHROP_CASES}/")
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(rf"^{len(cases)} cases: {len(cases)} passed, 0 failed", run.stdout,
                     re.MULTILINE), run.stdout


def test_the_real_policys_first_draft_is_caught_by_its_cases(replayed):
    # The guide shows a draft whose amount (the excess) the cases, derived from the text,
    # refuse: the draft is a version of the file that differs from the final one.
    versions = [body for name, body, _ in (
        (m["file"], m["body"], 0) for m in FENCE.finditer(GUIDE.read_text(encoding="utf-8")))
        if name == NORTHROP]
    assert len(versions) >= 2 and versions[0] != versions[-1]
    assert "is max(award.amount_awarded - award.amount_as_restated, 0)" in versions[0]
    # The final one: the payment received, or what the Board has set of it (issue 13).
    assert "is if set_for_award then as_set else award.amount_paid" in versions[-1]
