"""The corpus of bad policies: each file says, in `# expect:` comments beside the mistake,
exactly which diagnostics it must produce (code, line:column, message). A folder is one
case whose entry point is `main.claw`; files starting with `_` are shared, not cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clawpolicy.api import PolicyError, compile_policy
from clawpolicy.core.diagnostics import render_all
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "bad_policies"
EXPECT = re.compile(r"#\s*expect:\s*(CP\d{4}) at (\d+):(\d+): (.*)$")
CASES = sorted([p for p in CORPUS.glob("*.claw") if not p.name.startswith("_")]
               + list(CORPUS.glob("*/main.claw")))


def _expected(entry: Path) -> list[tuple[str, str, int, int, str]]:
    files = [entry] if entry.parent == CORPUS else sorted(entry.parent.glob("*.claw"))
    expected = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = EXPECT.search(line)
            if match:
                code, ln, col, message = match.groups()
                expected.append((path.name, code, int(ln), int(col), message.strip()))
    return sorted(expected)


def _case_id(entry: Path) -> str:
    return entry.stem if entry.parent == CORPUS else entry.parent.name


@pytest.mark.parametrize("entry", CASES, ids=_case_id)
def test_bad_policy_gives_exactly_the_expected_diagnostics(entry, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = _expected(entry)
    assert expected, f"{entry} states no expectation"
    with pytest.raises(PolicyError) as caught:
        compile_policy(entry.relative_to(ROOT))
    found = []
    for d in caught.value.diagnostics:
        assert d.span is not None, f"{d.code} has no location"
        line, col = d.span.line_col
        found.append((Path(d.span.file.name).name, d.code, line, col, d.message))
    assert sorted(found) == expected, render_all(caught.value.diagnostics)


def test_every_diagnostic_renders_its_place_a_caret_and_help(monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(PolicyError) as caught:
        compile_policy("tests/bad_policies/unknown_name.claw")
    assert render_all(caught.value.diagnostics) == (
        "error[CP0201]: unknown name `particpant`\n"
        " --> tests/bad_policies/unknown_name.claw:5:12\n"
        "  |\n"
        "5 |   requires particpant.section16_officer\n"
        "  |            ^^^^^^^^^^\n"
        "  = help: did you mean `participant`? (expected a definition, a case fact or a date "
        "of the header)\n"
        "\n"
        "1 error\n")


def test_three_deliberate_mistakes_give_three_located_messages(monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(PolicyError) as caught:
        compile_policy("tests/bad_policies/three_mistakes.claw")
    located = [str(d.span) for d in caught.value.diagnostics]
    assert located == ["tests/bad_policies/three_mistakes.claw:6:51",
                       "tests/bad_policies/three_mistakes.claw:12:49",
                       "tests/bad_policies/three_mistakes.claw:15:11"]


def test_a_syntax_error_says_what_could_come_next(monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(PolicyError) as caught:
        compile_policy("tests/bad_policies/syntax_error.claw")
    (d,) = caught.value.diagnostics
    assert d.help == "expected `requires` here"
