"""What an open question answers where the case leaves a whole list or record unknown, or an
answer the case's own constraints rule out (the acceptance audit of issue 10): every award is
searched as with the list known, and every answer is one the case admits."""

from __future__ import annotations

import copy
from typing import Any

from clawpolicy.api import evaluate, read_case_data

CFO: dict[str, Any] = {
    "format_version": 6, "case_id": "cfo", "as_of": "2024-09-30",
    "company": {"name": "Qualys, Inc.", "fiscal_year_end": "12-31"},
    "participant": {"id": "p1", "name": "X", "section16_officer": True,
                    "executive_officer": True, "executive_officer_since": "2020-01-01",
                    "positions": ["CFO"], "work_location": "US-NY"},
    "statements": [
        {"id": "FY2022", "period_end": "2022-12-31", "original_filing_date": "2023-02-17",
         "first_public_issuance": "2023-02-08", "restated": True},
        {"id": "FY2023", "period_end": "2023-12-31", "original_filing_date": "2024-02-16",
         "first_public_issuance": "2024-02-07", "restated": True}],
    "restatement": {"material": True, "kind": "big_r", "required_date": "2024-05-10",
                    "due_to_misconduct": None},
    "awards": [{"id": "bonus-fy2023", "kind": "cash_incentive",
                "basis": ["financial_results"], "granted": "2023-02-01",
                "received": "2024-03-01", "attained": "2023-12-31",
                "performance_period": {"start": "2023-01-01", "end": "2023-12-31"},
                "calculated_on": ["FY2023"], "unit": "USD", "amount_awarded": "600000",
                "amount_paid": "500000", "amount_as_restated": "200000",
                "as_restated_is_estimate": False}],
    "findings": {"decided_by": "compensation_committee", "misconduct": "none",
                 "caused_restatement": "not_caused", "should_repay": False,
                 "impracticable": None, "recovery_cost": None},
    "law": {"recovery_prohibited": False, "prohibited_remedies": []},
    "facts": {},
}


def _case(**changes: Any) -> Any:
    data = copy.deepcopy(CFO)
    data.update(changes)
    return read_case_data(data)


def _answers(determination: Any) -> dict[str, list[tuple]]:
    return {q.fact: [(a.if_, a.outcome, a.recoverable.amount if a.recoverable else None,
                      a.recoverable_range.min.amount if a.recoverable_range else None,
                      a.recoverable_range.max.amount if a.recoverable_range
                      and a.recoverable_range.max else None,
                      a.pending_on) for a in q.answers]
            for q in determination.open_questions}


def test_stock_sales_unknown_leaves_the_awards_as_with_none(qualys_revised):
    """Stock sales only add to the case's other amounts: with the list unknown, the award is
    searched, ranged and asked as with `stock_sales: []`, and the list's own answers say what
    the case still turns on."""
    unknown = evaluate(qualys_revised, _case())
    empty = evaluate(qualys_revised, _case(stock_sales=[]))
    [award], [known] = unknown.awards, empty.awards
    assert award.outcome == known.outcome == "pending"
    assert award.recoverable_range == known.recoverable_range
    assert (award.recoverable_range.min.amount, award.recoverable_range.max.amount) == (
        "400000.00", "500000.00")
    assert not [n for n in award.notes if "stock_sales" in n]
    asked = _answers(unknown)
    assert asked["restatement.due_to_misconduct"] == \
        _answers(empty)["restatement.due_to_misconduct"]
    one_sale = ["restatement.due_to_misconduct", "stock_sales[0].date", "stock_sales[0].profit"]
    assert asked["stock_sales"] == [
        ([], "pending", None, None, None, ["restatement.due_to_misconduct"]),
        # (never pending on the list it answers: on what the case with one sale whose
        # details are not known asks, the cause of the restatement and that sale's date and
        # profit, which matter for a sale in Section 304's window)
        ("any other", "pending", None, None, None, one_sale)]
    one = evaluate(qualys_revised, _case(stock_sales=[
        {"date": None, "proceeds": None, "profit": None}]))
    assert [q.fact for q in one.open_questions] == one_sale


def test_an_amount_asked_with_stock_sales_unknown_lists_its_ranges(qualys_revised):
    awards = copy.deepcopy(CFO["awards"])
    awards[0]["amount_paid"] = None
    restatement = {**CFO["restatement"], "due_to_misconduct": True}
    unknown = evaluate(qualys_revised, _case(awards=awards, restatement=restatement))
    empty = evaluate(qualys_revised, _case(awards=awards, restatement=restatement,
                                           stock_sales=[]))
    paid = _answers(unknown)["awards[0].amount_paid"]
    assert paid == _answers(empty)["awards[0].amount_paid"]
    # Rule 10D-1 recovers the excess, 400,000; Sarbanes-Oxley 304 (misconduct) what was
    # paid, at most the 600,000 awarded; the greater is taken. Up to 400,000 paid (a tie at
    # 400,000) the award recovers 400,000; from 400,000.01 on, what was paid, which moves
    # with the answer. The cut is where the two alternatives part; it was one cent lower,
    # where the amount paid meets its own comparisons (400,000 recovers 400,000 either way).
    assert paid == [("< 400000.01 USD", "recovery", "400000.00", None, None, None),
                    (">= 400000.01 USD and < 600000.00 USD", "recovery", None, "400000.01",
                     "599999.99", None),
                    (">= 600000.00 USD", "recovery", "600000.00", None, None, None)]


def test_an_amount_asked_is_answered_only_within_the_case_constraints(qualys_2019):
    """The vocabulary declares an amount paid at most the amount awarded: with 300,000 paid
    and the amount awarded unknown, no answer below 300,000 is offered, so none leads to
    no_recovery, and the least any admissible answer recovers is 50,000."""
    awards = copy.deepcopy(CFO["awards"])
    awards[0].update(amount_awarded=None, amount_paid="300000", amount_as_restated="250000",
                     granted="2022-02-01", received="2022-03-01", attained="2022-03-01",
                     calculated_on=["FY2022"])
    findings = {**CFO["findings"], "misconduct": "fraud", "caused_restatement": "caused",
                "should_repay": True}
    determination = evaluate(qualys_2019, _case(awards=awards, findings=findings,
                                                stock_sales=[]))
    [award] = determination.awards
    assert award.outcome == "pending"
    assert award.recoverable_range.min.amount == "50000.00"
    [answers] = _answers(determination).values()
    assert "no_recovery" not in [a[1] for a in answers]
    assert answers[0][:3] == ("< 300000.01 USD", "recovery", "50000.00")


def _general_counsel(period: Any, since: str = "2023-06-01") -> Any:
    """An executive officer since 2023-06-01 (no CFO: Section 304 does not reach), whose
    award's performance period is `period` (left out where it is "absent")."""
    awards = copy.deepcopy(CFO["awards"])
    awards[0].update(received="2023-12-31", amount_awarded="300000", amount_paid="300000",
                     amount_as_restated="250000")
    del awards[0]["performance_period"]
    if period != "absent":
        awards[0]["performance_period"] = period
    participant = {**CFO["participant"], "positions": ["General Counsel"],
                   "executive_officer_since": since}
    restatement = {**CFO["restatement"], "due_to_misconduct": False}
    return _case(awards=awards, participant=participant, restatement=restatement,
                 stock_sales=[])


def test_a_record_left_unknown_as_a_whole_is_asked_through_its_fields(qualys_revised):
    """Rule 10D-1 reads only the period's end: a period left out, or null, is asked as one
    whose dates are unknown is."""
    dates = evaluate(qualys_revised, _general_counsel({"start": None, "end": None}))
    expected = [("<= 2023-05-31", "no_recovery", None, None, None, None),
                ("> 2023-05-31", "recovery", "50000.00", None, None, None)]
    assert _answers(dates) == {"awards[0].performance_period.end": expected}
    for period in ("absent", None):
        determination = evaluate(qualys_revised, _general_counsel(period))
        assert _answers(determination) == _answers(dates)
        assert determination.awards[0].recoverable_range == dates.awards[0].recoverable_range


def test_a_record_asked_through_its_fields_is_no_note_of_its_own(qualys_revised):
    """Where no answer to the period's end matters, the award is decided, and the note names
    the field, not the record (which has only the one answer)."""
    determination = evaluate(qualys_revised, _general_counsel(None, since="1900-01-01"))
    [award] = determination.awards
    assert award.outcome == "recovery"
    assert [n.split(" —")[0] for n in award.notes if n.startswith("not needed")] == [
        "not needed: awards[0].performance_period.end"]


def test_two_dates_compared_with_each_other_are_both_answered(qualys_revised):
    """Rule 10D-1 compares the award's attainment with the date the restatement was
    required: with both unknown, where each turns moves with the other (tracking.Tracker's
    via keeps that from cutting both into days). Nothing is paid yet, so the day
    received is not bounded by the case's date (paid, the search settles:
    tests/test_case_constraints.py). By hand: the rule reaches what was received from
    2023-10-02 on, in the three fiscal years (calendar years here) completed before the
    required date. A date required in 2023 or before looks back no later than 2022: no
    recovery. A later one looks back at some day from 2023-10-02 on: pending on the day
    received. Received before 2023-10-02, nothing is reached; received from then to the end
    of 2198, some required date (in the next three years) reaches it; received in 2199, the
    required date would be in 2200 or later, past the calendar a case can name (2199-12-31):
    no recovery."""
    awards = copy.deepcopy(CFO["awards"])
    awards[0].update(received=None, attained=None, amount_awarded="200000",
                     amount_paid="0", amount_as_restated="150000")
    participant = {**CFO["participant"], "positions": ["General Counsel"]}
    restatement = {**CFO["restatement"], "required_date": None, "due_to_misconduct": False}
    determination = evaluate(qualys_revised, _case(awards=awards, participant=participant,
                                                   restatement=restatement, stock_sales=[]))
    assert not any("not settled" in note for a in determination.awards for note in a.notes)
    asked = _answers(determination)
    # The attainment, not known, is the day of receipt (same_as; null reads as left out):
    # the one date asked of the award is `received`, which settles both.
    assert asked["restatement.required_date"] == [
        ("<= 2023-12-31", "no_recovery", None, None, None, None),
        ("> 2023-12-31", "pending", None, None, None, ["awards[0].received"])]
    assert asked["awards[0].received"] == [
        ("<= 2023-10-01", "no_recovery", None, None, None, None),
        ("> 2023-10-01 and <= 2198-12-31", "pending", None, None, None,
         ["restatement.required_date"]),
        ("> 2198-12-31", "no_recovery", None, None, None, None)]
    assert "awards[0].attained" not in asked


def test_neighbouring_ranges_pending_on_the_same_facts_are_one_answer(qualys_2019):
    """The second filing's date turns the three-year look-back at 2021-01-14, and where the
    search also split it at 2021-01-15 both sides stay pending on whether those statements
    were restated: one answer, as the docs say of ranges that lead to the same result."""
    statements = [{"id": "FY2019", "period_end": "2019-12-31",
                   "original_filing_date": "2020-02-29", "restated": True},
                  {"id": "FY2020", "period_end": "2020-12-31", "original_filing_date": None,
                   "restated": None}]
    awards = copy.deepcopy(CFO["awards"])
    awards[0].update(id="ltip-2019-2020", granted="2019-03-01", received="2021-03-15",
                     attained="2021-03-15", calculated_on=["FY2019", "FY2020"],
                     performance_period={"start": "2019-01-01", "end": "2020-12-31"},
                     amount_awarded="400000", amount_paid="400000",
                     amount_as_restated="300000")
    findings = {**CFO["findings"], "misconduct": "gross_negligence",
                "caused_restatement": "caused", "should_repay": True}
    participant = {**CFO["participant"], "positions": ["General Counsel"]}
    restatement = {**CFO["restatement"], "due_to_misconduct": False}
    determination = evaluate(qualys_2019, _case(
        as_of="2024-01-15", statements=statements, awards=awards, findings=findings,
        participant=participant, restatement=restatement, stock_sales=[]))
    # No filing before the period's end, 2020-12-31 (the vocabulary's constraint): the first
    # answer says where it starts.
    assert _answers(determination)["statements[1].original_filing_date"] == [
        ("> 2020-12-30 and <= 2021-01-14", "no_recovery", None, None, None, None),
        ("> 2021-01-14", "pending", None, None, None, ["statements[1].restated"])]


def test_an_answer_that_leaves_another_award_pending_says_on_what(qualys_revised):
    """Two awards, each pending on its own restated amount (two searches): an answer that
    settles one without recovery leaves the case pending on the other's fact, and says so."""
    awards = [dict(copy.deepcopy(CFO["awards"][0]), id=ident, amount_as_restated=None)
              for ident in ("a", "b")]
    restatement = {**CFO["restatement"], "due_to_misconduct": False}
    determination = evaluate(qualys_revised, _case(awards=awards, restatement=restatement,
                                                   stock_sales=[]))
    asked = _answers(determination)
    for mine, other in (("awards[0]", "awards[1]"), ("awards[1]", "awards[0]")):
        pending = [a for a in asked[f"{mine}.amount_as_restated"] if a[1] == "pending"]
        assert [(a[0], a[5]) for a in pending] == [
            (">= 600000.00 USD", [f"{other}.amount_as_restated"])]


def test_a_set_of_words_asked_alone_is_answered_as_its_search_answers_it(qualys_revised,
                                                                         monkeypatch):
    """A set of words asked alone (here its search past a bound of one combination) is
    answered as the search answers it: none, each word the policy names alone, and all of
    them, those that lead alike one answer; the same answers the search gives within the
    bound. Only `[]` was answered, so what a measure leads to was not said."""
    from clawpolicy.evaluate import exact

    data = copy.deepcopy(CFO)
    data["awards"][0]["basis"] = None
    data["restatement"]["due_to_misconduct"] = False
    searched = _answers(evaluate(qualys_revised, read_case_data(data)))["awards[0].basis"]
    monkeypatch.setattr(exact, "BOUND", 1)
    determination = evaluate(qualys_revised, read_case_data(data))
    assert any(n.startswith("not settled exactly") for n in determination.awards[0].notes)
    alone = _answers(determination)["awards[0].basis"]
    assert alone == searched
    # Rule 10D-1 reaches an award a financial reporting measure determined: not operating
    # results alone (policies/revisions/rule-10d-1.claw); the 2019 text needs misconduct.
    assert [a[0] for a in alone] == [[[], ["operating_results"]],
                                     [["financial_results"], ["stock_price"], ["tsr"],
                                      ["financial_results", "operating_results",
                                       "stock_price", "tsr"]]]
    assert [a[1:3] for a in alone] == [("no_recovery", None), ("recovery", "400000.00")]
