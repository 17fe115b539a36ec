"""The corpus of bad case files: each states the diagnostics it must produce, as
`# expect: CODE at LINE:COL: FIELD: MESSAGE` (`-` where there is no line or no field), in the
file or, for JSON, in a sibling `.expect` file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clawpolicy.api import CaseError, read_case
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "bad_cases"
EXPECT = re.compile(r"#\s*expect:\s*(CP\d{4}) at (\d+:\d+|-): ([^:]+|-): (.*)$")
WHERE = re.compile(r"^(?P<file>[^:]+)(?::(?P<line>\d+):(?P<col>\d+))?(?:: (?P<path>.+))?$")
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json"))


def _expected(path: Path) -> list[tuple[str, str, str, str]]:
    sidecar = path.with_name(path.name + ".expect")
    text = (sidecar if sidecar.exists() else path).read_text(encoding="utf-8")
    return sorted(m.groups() for m in map(EXPECT.search, text.splitlines()) if m)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_bad_case_gives_exactly_the_expected_diagnostics(path):
    expected = _expected(path)
    assert expected, f"{path} states no expectation"
    with pytest.raises(CaseError) as caught:
        read_case(path)
    found = []
    for d in caught.value.diagnostics:
        where = WHERE.match(d.where)
        assert where and where["file"] == str(path), d.where
        place = f"{where['line']}:{where['col']}" if where["line"] else "-"
        found.append((d.code, place, where["path"] or "-", d.message))
        assert d.help.startswith(("expected", "did you mean", "use", "check", "keep", "add", "start", "save",
                                  "give", "a case", "split", "see")), d.help
    assert sorted(found) == expected


def test_cross_references_walk_only_the_records_that_can_break_one():
    """cross_reference_errors walks only the records with a key, a link or a field naming
    items, and those leading to one: on generated cases, some given a key twice, a link to
    no item or a field naming no item, it finds what walking every record finds, and finds
    each kind."""
    from clawpolicy import vocabulary
    from clawpolicy.vocabulary.models import cross_reference_errors
    from tests.conftest import generator

    v = vocabulary.load()
    found = set()
    for i, data in enumerate(generator()(200, 13, 1, 6)):
        if i % 3 == 1 and len(data.get("statements") or ()) > 1:
            data["statements"][1]["id"] = data["statements"][0]["id"]
        if i % 3 == 2 and data.get("awards"):
            data["awards"][-1]["calculated_on"] = ["FY1900"]
        if i % 5 == 0:  # a field naming items (award_findings' award) names no award
            data["award_findings"] = [{"award": "no-such-award", "portion": "0.5"}]
        case = v.case_model.model_validate(data)
        errors = cross_reference_errors(v.declarations, case)
        assert errors == cross_reference_errors(v.declarations, case, pruned=False)
        found.update(message.split("`")[0] for _, message, _ in errors)
    assert found == {"the statement id ", "no statement has the id ", "no award has the id "}, found
