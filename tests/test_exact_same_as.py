"""A fact declared `same_as` another (the award's `attained` takes its `received` where left
out) is no unknown of its own where the case leaves it out: it follows the answer given to
the other, so the exactness search asks the other alone, and each answer to it says truly
where it leads. Where the case gives it, it is its own fact.

Found by the long profile of tests/test_exact.py (`received` unknown, `attained` left out): the
question on `received` said "<= 2021-01-20 -> pending on awards[0].attained", while the case
with that answer applied is not_covered."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from clawpolicy.api import evaluate
from clawpolicy.input.reader import read_file
from tests.conftest import ROOT
from tests.test_exact import _past_bound, _set, _values
from tests.test_properties import as_case

d = dt.date


def _statement(year: int, restated) -> dict:
    return {"id": f"FY{year}", "period_end": f"{year}-12-31",
            "original_filing_date": d(year + 1, 2, 1),
            "first_public_issuance": d(year + 1, 1, 20), "restated": restated}


def _award(ident: str, **more) -> dict:
    return {"id": ident, "kind": "cash_incentive", "basis": ["financial_results"],
            "granted": d(2017, 1, 1), "received": None, "calculated_on": ["FY2021"],
            "unit": "USD", "amount_awarded": 100000, "amount_paid": 50000,
            "amount_as_restated": 80000, "as_restated_is_estimate": False, **more}


def _case(*awards: dict) -> dict:
    """The case the long profile found (a CEO, not an executive officer by the flag, whose
    award's `received` is unknown), with the awards given."""
    return {
        "case_id": "generated", "as_of": d(2024, 1, 1),
        "company": {"name": "Qualys, Inc.", "fiscal_year_end": "12-31"},
        "participant": {"section16_officer": False, "executive_officer": False,
                        "executive_officer_since": d(2017, 1, 1), "positions": ["CEO"],
                        "work_location": "US-CA"},
        "statements": [_statement(2020, None), _statement(2021, None), _statement(2022, False)],
        "restatement": None,
        "awards": list(awards),
        "findings": {"misconduct": "fraud", "caused_restatement": "caused",
                     "should_repay": False, "impracticable": None, "recovery_cost": 0},
        "law": {"recovery_prohibited": False, "prohibited_remedies": []},
        "stock_sales": []}


SINGLE = _case(_award("award-0"))
TWO = _case(_award("award-0"), _award("award-1", calculated_on=["FY2020"],
                                      amount_as_restated=60000))


def _keeps_its_promises(policy, data: dict) -> list[str]:
    """Every answer of every question leads where it says (checked at each end of a range);
    the facts asked."""
    found = evaluate(policy, as_case(data))
    assert not _past_bound(found)
    for question in found.open_questions:
        for answer in question.answers:
            values = list(answer.if_) if isinstance(answer.if_, list) and all(
                isinstance(v, bool) for v in answer.if_) else \
                _values(answer.if_, question.fact, data)  # (several booleans: each)
            for value in values:
                if isinstance(value, str) and re.fullmatch(r"-?[\d.]+", value):
                    value = Decimal(value)
                got = evaluate(policy, as_case(_set(data, question.fact, value)))
                assert got.outcome == answer.outcome, (question.fact, answer.if_, value)
                if answer.recoverable is not None:
                    assert got.total_recoverable == answer.recoverable, (question.fact, value)
    return [q.fact for q in found.open_questions]


@pytest.mark.parametrize("data", [SINGLE, TWO], ids=["one award", "two awards"])
def test_a_date_left_out_follows_the_date_it_takes_the_value_of(qualys_revised, data):
    asked = _keeps_its_promises(qualys_revised, data)
    for i in range(len(data["awards"])):
        assert f"awards[{i}].received" in asked
        assert f"awards[{i}].attained" not in asked
    found = evaluate(qualys_revised, as_case(data))
    pending_on = {f for q in found.open_questions for a in q.answers
                  for f in (a.pending_on or [])}
    assert not any(f.endswith(".attained") for f in pending_on)


def test_the_single_award_case_answers_received_as_applying_it_gives(qualys_revised):
    (question,) = [q for q in evaluate(qualys_revised, as_case(SINGLE)).open_questions
                   if q.fact == "awards[0].received"]
    first = question.answers[0]
    # Received (and so attained) on or before FY2020's first issuance: not covered; the
    # answer does not wait on `attained`, which it settles too.
    assert (first.if_, first.outcome, first.pending_on) == \
        ("<= 2021-01-20", "not_covered", None)


def test_a_date_the_case_gives_is_its_own_fact(qualys_revised):
    # Example 25 (a CFO's bonus attained 2023-12-31, paid 2024-02-23) with the day it was
    # paid unknown: rule_10d1 still reads the attained day the case gives (84000 USD, inside
    # the look-back) whatever `received` is answered; only sox_304's window turns on it.
    # Paid as of 2024-06-28, the bonus was received by then: no later day is an answer (the
    # answers ran to 2025-02-07 and past it, back to 84000).
    data = read_file(ROOT / "examples" / "cases" / "revisions" /
                     "25-attained-and-paid-both-read.yaml")
    data.pop("expect")
    data["awards"][0]["received"] = None
    assert _keeps_its_promises(qualys_revised, data) == ["awards[0].received"]
    (question,) = evaluate(qualys_revised, as_case(data)).open_questions
    assert [(a.if_, a.outcome, a.recoverable.amount) for a in question.answers] == [
        ("<= 2024-02-07", "recovery", "84000.00"),
        ("> 2024-02-07 and <= 2024-06-28", "recovery", "480000.00")]
