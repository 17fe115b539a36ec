"""A constraint of the vocabulary holds of the answers together, not only where one of its
facts is known: where a constraint ties two facts the case leaves unknown (received at most
as_of where amount_paid is above 0, case.toml), each fact's answers are split at the point
where the other's makes it hold or not (questions.tie_points), and a combination of answers
that breaks it is no answer the case admits: the exactness search drops it unevaluated, with
its shortcuts and without (searching.SHORTCUTS), and so does the fallback past its bound
(questions.forced). The two cases of tests/constraint_cases derive their answers by hand
in their comments; a generated family checks every answer against the case with it
applied."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clawpolicy.api import evaluate
from clawpolicy.evaluate import exact, searching, settle
from clawpolicy.input.reader import read_file
from tests.conftest import ROOT
from tests.strategies import fuzzed
from tests.test_exact import _set, keeps_its_promise
from tests.test_properties import as_case

CASES = ROOT / "tests" / "constraint_cases"


def _data(name: str) -> dict:
    return read_file(CASES / f"{name}.yaml")


def _answers(determination, fact: str) -> list[tuple]:
    (question,) = [q for q in determination.open_questions if q.fact == fact]
    return [(a.if_, a.outcome, a.recoverable.amount if a.recoverable else None,
             a.pending_on) for a in question.answers]


def _range(determination) -> tuple:
    (award,) = determination.awards
    return (award.outcome, award.recoverable_range.min.amount,
            award.recoverable_range.max.amount)


@pytest.fixture(params=[True, False], ids=["shortcuts", "reference"])
def shortcuts(request, monkeypatch):
    monkeypatch.setattr(searching, "SHORTCUTS", request.param)
    return request.param


def test_both_unknown_no_day_after_the_case_s_date_leaves_the_award_pending(
        qualys_revised, shortcuts):
    """As of 2024-06-28 (the comment of the case file derives it): after the case's date
    nothing was paid, so Section 304 recovers nothing; the answers ran on to 2025-02-07,
    pending on the amount paid."""
    determination = evaluate(qualys_revised, as_case(_data("received-and-paid-unknown")))
    assert _answers(determination, "awards[0].received") == [
        ("<= 2023-10-01", "no_recovery", None, None),
        ("> 2023-10-01 and <= 2023-12-31", "recovery", "84000.00", None),
        ("> 2023-12-31 and <= 2024-02-07", "no_recovery", None, None),
        ("> 2024-02-07 and <= 2024-06-28", "pending", None, ["awards[0].amount_paid"]),
        ("> 2024-06-28", "no_recovery", None, None)]
    assert _range(determination) == ("pending", "0.00", "480000.00")


def test_both_unknown_before_section_304_s_window_at_most_the_excess(qualys_revised,
                                                                     shortcuts):
    """As of 2024-01-15, before Section 304's window opens (2024-02-08): a day received in it
    is after the case's date, so nothing was paid and nothing is recovered. The award was
    said pending up to 480,000 and the window 'pending, on amount_paid'; the most any
    admissible answer recovers is rule_10d1's excess, 84,000."""
    determination = evaluate(qualys_revised,
                             as_case(_data("received-and-paid-unknown-early")))
    assert _answers(determination, "awards[0].received") == [
        ("<= 2023-10-01", "no_recovery", None, None),
        ("> 2023-10-01 and <= 2023-12-31", "recovery", "84000.00", None),
        ("> 2023-12-31", "no_recovery", None, None)]
    assert _range(determination) == ("pending", "0.00", "84000.00")


def test_no_combination_that_breaks_the_constraint_is_evaluated(qualys_revised, shortcuts,
                                                                monkeypatch):
    """Dropped, not evaluated and discarded: no run of the search answers a day received
    after the case's date with an amount paid above zero."""
    tried = []
    evaluate_ = exact.Exact.evaluate

    def recorded(self, group, assigned):
        tried.append(dict(assigned))
        return evaluate_(self, group, assigned)

    monkeypatch.setattr(exact.Exact, "evaluate", recorded)
    for name, as_of in (("received-and-paid-unknown", dt.date(2024, 6, 28)),
                        ("received-and-paid-unknown-early", dt.date(2024, 1, 15))):
        tried.clear()
        evaluate(qualys_revised, as_case(_data(name)))
        both = [a for a in tried
                if "awards[0].received" in a and "awards[0].amount_paid" in a]
        assert both  # the search answers both
        assert not [a for a in both if a["awards[0].received"] > as_of
                    and a["awards[0].amount_paid"] > 0]
        assert [a for a in both if a["awards[0].received"] > as_of]  # with nothing paid


@pytest.mark.parametrize("name,after", [("received-and-paid-unknown", "2024-06-28"),
                                        ("received-and-paid-unknown-early", "2023-12-31")])
def test_past_the_bound_a_day_after_the_case_s_date_leads_to_nothing_paid(
        qualys_revised, monkeypatch, name, after):
    """Past exact.BOUND each answer is found on its own (questions.fallback_answers): a day
    received after the case's date is followed with nothing paid, the one amount it admits
    (questions.forced), and the answers split at the case's date. They said '> 2024-02-07
    and <= 2025-02-07: pending, on amount_paid' in both."""
    monkeypatch.setattr(exact, "BOUND", 0)
    monkeypatch.setattr(settle, "BOUND", 0)
    answers = _answers(evaluate(qualys_revised, as_case(_data(name))), "awards[0].received")
    assert answers[-1] == (f"> {after}", "no_recovery", None, None)
    assert not any("2025" in words for words, *_ in answers)


@pytest.mark.parametrize("name", ["received-and-paid-unknown",
                                  "received-and-paid-unknown-early"])
def test_every_answer_leads_where_it_says(qualys_revised, shortcuts, name):
    assert keeps_its_promise(qualys_revised, _data(name)) >= 4  # both ends of a range


_BLANK = ["awards[0].amount_as_restated", "restatement.required_date",
          "statements[0].first_public_issuance", "participant.executive_officer_since",
          None]


@fuzzed(40)
@given(st.dates(dt.date(2023, 6, 1), dt.date(2026, 6, 30)), st.sampled_from(_BLANK),
       st.sampled_from([None, "2023-11-15", "2024-03-01", "2025-01-10"]),
       st.sampled_from([None, Decimal(0), Decimal(200000)]))
def test_generated_every_answer_leads_where_it_says(qualys_revised, as_of, blank, received,
                                                    paid):
    """Example 41's award on dates of every side of the rules' windows, with the day
    received and the amount paid each unknown or known, and one more fact perhaps unknown:
    each answer offered, applied to the case, leads where it says (a case that a known pair
    breaks is read as given, and left out: what it breaks is not the answers')."""
    data = _set(_set(_data("received-and-paid-unknown"), "as_of", as_of),
                "awards[0].received", received)
    data = _set(data, "awards[0].amount_paid", paid)
    if blank is not None:
        data = _set(data, blank, None)
    if received is not None and paid and dt.date.fromisoformat(received) > as_of:
        return
    keeps_its_promise(qualys_revised, data)
