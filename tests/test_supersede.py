"""A policy that supersedes another for compensation received after a date (docs/language.md,
section 11): the newer policy includes the older one and one revision reaches the awards
attained from the date. The two blocks of the documentation are evaluated here, as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from clawpolicy.api import compile_policy, evaluate, read_case_data
from tests.test_docs import BASE, _blocks
from tests.conftest import ROOT

LANGUAGE = ROOT / "docs" / "language.md"
OLDER = "discretionary-2010.claw"


@pytest.fixture(scope="module")
def newer(tmp_path_factory) -> object:
    folder: Path = tmp_path_factory.mktemp("supersede")
    blocks = _blocks(LANGUAGE)
    (older,) = [body for _, body, name in blocks if name == OLDER]
    (main,) = [body for _, body, name in blocks if f'include "{OLDER}"' in body]
    (folder / OLDER).write_text(older, encoding="utf-8")
    (folder / "newer.claw").write_text(BASE.read_text(encoding="utf-8") + "\n" + main,
                                       encoding="utf-8")
    return compile_policy(folder / "newer.claw")


def _award(award_id: str, attained: str | None) -> dict:
    return {"id": award_id, "kind": "cash_incentive", "basis": ["financial_results"],
            "granted": "2023-01-15", "received": attained, "unit": "USD",
            "amount_awarded": "100000", "amount_paid": "100000", "amount_as_restated": "80000"}


def _case(*awards: dict, section16_officer: bool = True) -> object:
    return read_case_data({
        "case_id": "supersede", "as_of": "2024-06-30",
        "participant": {"section16_officer": section16_officer,
                        "executive_officer": section16_officer},
        "restatement": {"material": True}, "awards": list(awards),
        "findings": {"should_repay": False}}, "supersede.yaml")


def test_the_older_policy_governs_before_the_date_and_the_newer_from_it(newer):
    d = evaluate(newer, _case(_award("before", "2023-06-30"), _award("on", "2023-12-01"),
                              _award("after", "2024-02-15")))
    outcomes = {a.id: (a.outcome, str(a.recoverable.amount)) for a in d.awards}
    assert outcomes == {"before": ("no_recovery", "0.00"), "on": ("recovery", "20000.00"),
                        "after": ("recovery", "20000.00")}


def test_a_date_not_known_is_asked_where_the_two_policies_differ(newer):
    d = evaluate(newer, _case(_award("undated", None)))
    (award,) = d.awards
    assert award.outcome == "pending"
    # Left out, the attainment is the day of receipt (same_as): one date is asked, the one
    # the case can give.
    assert [q.fact for q in d.open_questions] == ["awards[0].received"]


def test_where_the_two_policies_agree_nothing_is_asked(newer):
    # Neither a Section 16 officer nor an executive officer: outside both scopes, any date.
    d = evaluate(newer, _case(_award("undated", None), section16_officer=False))
    (award,) = d.awards
    assert award.outcome == "not_covered" and d.open_questions == []
