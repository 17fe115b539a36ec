"""Shipped examples with more facts left unknown, and an answer applied (`--assume`) giving
what the determination's answer says: its outcome, the case's total, what it stays pending
on. Each case is the example with the fields named set to null; the figures are derived by
hand from the example's own facts."""

from __future__ import annotations

from typing import Any

import yaml

from clawpolicy.api import compile_policy, evaluate, read_case_data
from tests.conftest import ICF_2023, QUALYS_2019, ROOT

EXAMPLES = ROOT / "examples" / "cases"


def _blanked(name: str, *paths: tuple) -> Any:
    data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    data.pop("expect", None)
    for path in paths:
        where = data
        for step in path[:-1]:
            where = where[step]
        where[path[-1]] = None
    return read_case_data(data)


def _answers(determination: Any, fact: str) -> list[tuple]:
    [question] = [q for q in determination.open_questions if q.fact == fact]
    return [(a.if_, a.outcome, a.recoverable.amount if a.recoverable is not None else None,
             a.pending_on) for a in question.answers]


def test_an_answer_that_brings_a_revision_in_counts_its_other_amounts(qualys_revised):
    """Revised example 21 (the participant's one title not in the table, so
    `participant.roles[0].role` is asked) with FY2022's bonus's receipt and the fourth stock
    sale's date not known. If the role is chief executive or chief financial officer,
    Sarbanes-Oxley 304 takes the participant in: FY2021's bonus recovers 650,000 USD, and the
    profits of the two sales known to fall in its window are recoverable too, 1,240,000 and
    615,000 USD: the case then recovers at least 2,505,000 USD, what its total says, still
    pending on FY2022's bonus and the fourth sale. The answer said 650,000 (the sales left
    out: the other amounts were taken from the case with the role unknown)."""
    case = _blanked("revisions/21-sox304-unknown-title.yaml", ("awards", 1, "received"),
                    ("stock_sales", 3, "date"))
    determination = evaluate(qualys_revised, case)
    officers, others = _answers(determination, "participant.roles[0].role")
    assert officers == (["chief_executive_officer", "chief_financial_officer"], "recovery",
                        "2505000.00", ["awards[1].received", "stock_sales[3].date"])
    assert others[1:3] == ("no_recovery", None)
    for role in officers[0]:
        applied = evaluate(qualys_revised, case, [f"participant.roles[0].role={role}"])
        assert (applied.outcome, applied.total_recoverable.amount) == ("recovery", "2505000.00")
        assert sorted(o.amount.amount for o in applied.other_recoverable) == [
            "1240000.00", "615000.00"]
        assert {q.fact for q in applied.open_questions} == set(officers[3])


def test_a_list_is_answered_with_every_word_the_policy_tests_it_against():
    """2019 example 17 (the law bars repayment) with FY2022's filing date, the amount awarded
    and the prohibited remedies not known. The first run stops at the amount awarded and never
    compares the remedies, so their words were not among its answers, and the list was never
    asked: at 18,000.01 shares or more the case was said to recover, while with both remedies
    barred nothing is recovered. The policy tests the list against `repayment` and
    `cancellation` (its remedies' `unless`): those are answers, and each is settled."""
    policy = compile_policy(QUALYS_2019)
    case = _blanked("17-law-bars-repayment.yaml", ("statements", 0, "original_filing_date"),
                    ("awards", 0, "amount_awarded"), ("law", "prohibited_remedies"))
    determination = evaluate(policy, case)
    assert _answers(determination, "awards[0].amount_awarded") == [
        ("< 18000.01 shares", "no_recovery", None, None),
        (">= 18000.01 shares", "pending", None, ["law.prohibited_remedies"])]
    assert _answers(determination, "law.prohibited_remedies") == [
        ([[], ["cancellation"], ["repayment"]], "pending", None, ["awards[0].amount_awarded"]),
        (["cancellation", "repayment"], "no_recovery", None, None)]
    applied = evaluate(policy, case, ["awards[0].amount_awarded=18000.01"])
    assert applied.outcome == "pending"
    assert [q.fact for q in applied.open_questions] == ["law.prohibited_remedies"]
    barred = evaluate(policy, case, ["law.prohibited_remedies=[cancellation, repayment]"])
    assert barred.outcome == "no_recovery"


def test_an_amount_compared_only_with_another_unknown_still_has_an_answer():
    """ICF example 23 with the amount awarded and the amount as restated both not known: the
    excess is their difference, so each is compared only with the other, and the search's
    points kept moving (a diagonal the points cannot settle): each is asked alone. The
    restated amount had no answer at all. The excess is computed from both answers, tracked
    by each (tracking.lift). For every restated amount R an amount awarded of R + 0.01
    leaves an excess and one of R none: the case turns on the amount awarded. At and past
    the search's ceiling for an amount the case bounds by nothing (10**15, exact.CEILING)
    the answer was the ceiling's ("< 10**15" pending, then no recovery: the amount awarded
    was searched up to the ceiling too); the amount awarded, whose floor the part held in a
    tax-qualified plan is not known, is now searched past it, to twice the ceiling. A
    restated amount applied at or past that is again the ceiling's: a limit, unasserted."""
    policy = compile_policy(ICF_2023)
    case = _blanked("icf-2023/23-designation-and-role-disagree.yaml",
                    ("awards", 0, "amount_awarded"), ("awards", 0, "amount_as_restated"))
    determination = evaluate(policy, case)
    assert _answers(determination, "awards[0].amount_as_restated") == [
        ("any value", "pending", None, ["awards[0].amount_awarded"])]
    for value in ("0", "50000", "9999999", "999999999999999.99", "1000000000000000"):
        applied = evaluate(policy, case, [f"awards[0].amount_as_restated={value}"])
        assert applied.outcome == "pending"
        assert [q.fact for q in applied.open_questions] == ["awards[0].amount_awarded"]


def test_an_amount_at_the_search_ceiling_is_answered_as_any_other(qualys_revised):
    """Revised example 18 (the amount paid not known) with the amount awarded not known
    either. An amount with no bound the case declares is searched up to a ceiling (10**15);
    the amount awarded is at least the amount paid, so with 10**15 paid its answers were the
    ceiling alone, and an answer of the amount paid said recovery at 10**15 (and pending past
    it) while the case with it applied was pending, on the amount awarded, as at every other
    amount paid. Past a floor at the ceiling the search goes on, and the answer's own search
    reads the floor from the answer: one answer, any value, pending on the amount awarded."""
    case = _blanked("revisions/18-10d1-amount-paid-unknown.yaml", ("awards", 0, "amount_awarded"))
    determination = evaluate(qualys_revised, case)
    assert _answers(determination, "awards[0].amount_paid") == [
        ("any value", "pending", None, ["awards[0].amount_awarded"])]
    for paid in ("500000", "1000000000000000", "1000000000000000.01"):
        applied = evaluate(qualys_revised, case, [f"awards[0].amount_paid={paid}"])
        assert applied.outcome == "pending", paid
        assert [q.fact for q in applied.open_questions] == ["awards[0].amount_awarded"], paid


def test_a_day_compared_with_another_unknown_day_is_answered_where_the_result_turns(
        qualys_revised):
    """Revised example 41 (the CFO's FY2023 bonus, the day received not known) with FY2023's
    first public issuance and period end not known either. Sarbanes-Oxley 304 reaches the
    bonus where it was received after the statements' first issuance or filing (the earlier:
    `min(issued, 2024-02-16)`), within 12 months of it, and the CFO, an executive officer
    since 2020-04-13, was one by the window's end: `2020-04-13 <= min(issued, 2024-02-16) +
    12 months`, so an issuance on or after 2019-04-13. A day received after 2019-04-13 is in
    the window of some such issuance (2019-04-14 in 2019-04-13's), so it leads to recovery or
    not as the issuance falls: pending on it. A day on or before 2019-04-13 is in none: Rule
    10D-1 reaches none before 2023-10-02 and the 2019 text needs misconduct, of which there
    was none, so nothing is recovered. The answers said `<= 2020-04-11` for no recovery: the
    days tried for the answer were those at which a comparison of the day received with a
    known date turns, and the day at which its comparison with the unknown issuance turns,
    2019-04-13, was none of them."""
    case = _blanked("revisions/41-attained-follows-received.yaml",
                    ("statements", 0, "first_public_issuance"), ("statements", 0, "period_end"))
    issued = "statements[0].first_public_issuance"
    assert _answers(evaluate(qualys_revised, case), "awards[0].received") == [
        ("<= 2019-04-13", "no_recovery", None, None),
        ("> 2019-04-13 and <= 2024-06-28", "pending", None, [issued])]
    for day, outcome in [("2019-04-13", "no_recovery"), ("2019-04-14", "pending"),
                         ("2020-04-11", "pending"), ("2024-06-28", "pending")]:
        applied = evaluate(qualys_revised, case, [f"awards[0].received={day}"])
        assert applied.outcome == outcome, day
        assert {q.fact for q in applied.open_questions} == ({issued} if outcome == "pending"
                                                            else set()), day


def test_an_amount_computed_from_two_unknown_amounts_notes_where_each_turns(qualys_revised):
    """Revised example 24 (the CTO's FY2023 bonus, 180,000 paid, 153,000 as restated, part of
    it held in a tax-qualified plan, the exception relied on) with the amount awarded and the
    part held not known. Rule 10D-1 recovers the excess, the amount awarded less 153,000,
    less what the plan holds (excused), so for every amount awarded (180,000, what was paid,
    at least) the case turns on the part held (at 180,000: 27,000 recovered where the plan
    holds nothing, nothing where it holds 27,000 or more). The excess less the part held is computed
    from both answers, and was tracked by neither: no comparison of it noted where either
    turns, and the answers said `< 180000.01 USD` recovers 27,000, not pending. Applied, the
    case is pending on the part held."""
    held = "awards[0].held_in_tax_qualified_plan"
    case = _blanked("revisions/24-10d1-tax-qualified-plan.yaml",
                    ("awards", 0, "amount_awarded"), ("awards", 0, held.split(".")[-1]))
    determination = evaluate(qualys_revised, case)
    answers = _answers(determination, "awards[0].amount_awarded")
    assert answers and all(outcome == "pending" and on == [held]
                           for _, outcome, _, on in answers), answers
    for awarded in ("180000.00", "180000.01", "250000.00"):
        applied = evaluate(qualys_revised, case, [f"awards[0].amount_awarded={awarded}"])
        assert applied.outcome == "pending", awarded
        assert [q.fact for q in applied.open_questions] == [held], awarded
    applied = evaluate(qualys_revised, case, ["awards[0].amount_awarded=180000.00",
                                              f"{held}=0.00"])
    assert (applied.outcome, applied.total_recoverable.amount) == ("recovery", "27000.00")


def test_a_list_of_one_role_names_what_the_case_with_it_then_asks(qualys_revised):
    """Revised example 19 (the CEO's time-based RSU, outside every window, whether the
    restatement came from misconduct not known) with the titles, the date the restatement
    was required and the stock sales not known. The roles are asked alone, by a list of one
    role for each word. As chief executive (or financial) officer, Sarbanes-Oxley 304 takes
    the participant in, and the case turns on the misconduct and on the sales (their profits
    in a window are recoverable). The answer named the misconduct alone: its `pending_on`
    was the unknowns the run with the role in place stopped at, not what the case with it
    then asks, which an answer of a fact asked alone names (asked.asked_answer)."""
    case = _blanked("revisions/19-uncovered-misconduct-unknown.yaml",
                    ("participant", "positions"), ("restatement", "required_date"),
                    ("stock_sales",))
    [question] = [q for q in evaluate(qualys_revised, case).open_questions
                  if q.fact == "participant.roles"]
    ceo = [{"role": "chief_executive_officer"}]
    [chief] = [a for a in question.answers if a.if_ == ceo or ceo in (a.if_ or [])]
    assert (chief.outcome, chief.pending_on) == (
        "pending", ["restatement.due_to_misconduct", "stock_sales"])
    applied = evaluate(qualys_revised, case,
                       ['participant.roles=[{"role": "chief_executive_officer"}]'])
    assert applied.outcome == "pending"
    assert [q.fact for q in applied.open_questions] == chief.pending_on


def test_an_amount_that_moves_with_the_answer_is_one_range_while_another_award_waits(
        qualys_2019):
    """2019 example 24 (the CFO's FY2023 bonus and a PSU whose restated payout is not known)
    with the bonus's basis and FY2023's filing date not known too: the bonus turns on its
    basis. The PSU's excess is its 11,000 shares awarded less the restated payout x, so for
    any x below 11,000 the case recovers 11,000 - x shares (from 11,000 down to 0.01), still
    pending on the bonus's basis; from 11,000 on nothing of the PSU. The answer is one range,
    with the least and the most it recovers (docs/cases.md). It was six answers, each end of
    three intervals (cut where the PSU's 3,667 shares delivered divide what is repaid from
    what is cancelled) said alone ("< 3667 shares (at 0 shares)"): the range was kept for an
    answer that leaves nothing pending, and no answer said what 1,000 shares leads to."""
    case = _blanked("24-recovery-and-pending-awards.yaml", ("awards", 0, "basis"),
                    ("statements", 0, "original_filing_date"))
    [question] = [q for q in evaluate(qualys_2019, case).open_questions
                  if q.fact == "awards[1].amount_as_restated"]
    below, above = question.answers
    assert (below.if_, below.outcome, below.recoverable, below.recoverable_depends_on_answer,
            below.pending_on, below.awards) == (
        "< 11000 shares", "recovery", None, True, ["awards[0].basis"], {"bonus-fy2023": "pending"})
    span = below.recoverable_range
    assert (span.min.amount, span.max.amount, span.max.unit) == ("0.01", "11000", "shares")
    assert (above.if_, above.outcome, above.pending_on) == (
        ">= 11000 shares", "pending", ["awards[0].basis"])
    for restated, total in [("0", "11000"), ("1000", "10000"), ("3667", "7333"),
                            ("10999.99", "0.01")]:
        applied = evaluate(qualys_2019, case, [f"awards[1].amount_as_restated={restated}"])
        assert (applied.outcome, applied.total_recoverable.amount) == ("recovery", total)
        assert [q.fact for q in applied.open_questions] == ["awards[0].basis"]


def test_where_an_alternative_that_may_still_win_ties_the_chosen_one_is_an_answer(
        qualys_revised):
    """Revised example 16 (the CFO's FY2023 bonus of 450,000 USD under Rule 10D-1 and
    Sarbanes-Oxley 304, combined by the greater amount) with the bonus's restated amount R
    and whether the restatement came of misconduct not known. Rule 10D-1 recovers the excess,
    450,000 - R; SOX 304, if misconduct, all 450,000 of the bonus, else nothing. At R = 0 the
    excess is the whole bonus: SOX 304 can at most tie it, so the award recovers 450,000
    whatever the misconduct (the case still waits on it, for the stock sale's profit in
    SOX 304's window). From R = 0.01 on, SOX 304 may be the greater: the award waits on the
    misconduct too. The answer was two points, 0 and 449,999.99, each said alone ("(at 0.00
    USD)"): the turn is where the two alternatives' amounts part, a comparison the search
    did not follow, and no answer said where 1,000 USD leads."""
    case = _blanked("revisions/16-cfo-10d1-and-sox-no-misconduct.yaml",
                    ("awards", 0, "amount_as_restated"), ("restatement", "due_to_misconduct"))
    misconduct = ["restatement.due_to_misconduct"]
    assert _answers(evaluate(qualys_revised, case), "awards[0].amount_as_restated") == [
        ("< 0.01 USD", "recovery", "450000.00", misconduct),
        (">= 0.01 USD", "pending", None, misconduct)]
    for restated, outcome in [("0", "recovery"), ("0.01", "pending"), ("1000", "pending"),
                              ("449999.99", "pending"), ("450000", "pending")]:
        applied = evaluate(qualys_revised, case, [f"awards[0].amount_as_restated={restated}"])
        assert applied.outcome == outcome, restated
        [bonus] = [a for a in applied.awards if a.id == "bonus-fy2023"]
        assert (bonus.outcome, bonus.recoverable.amount if bonus.recoverable else None) == (
            ("recovery", "450000.00") if restated == "0" else ("pending", None)), restated
        assert [q.fact for q in applied.open_questions] == misconduct, restated


def test_two_unknown_dates_compared_with_each_other_are_settled(qualys_revised):
    """Revised example 07 (SOX 304, the CEO) with the day the CEO became an executive officer
    and FY2021's first public issuance both not known. Section 304 compares them: the
    officer by the window's end, `executive_officer_since <= min(issued, filed) + 12
    months`. Each answer tried of one moved where the other turns by a day, so the search
    kept moving and left both awards pending with a note (tracking.Tracker.via now stops
    that). By hand: FY2021's issuance falls after its period's end (2021-12-31) and no later
    than its filing (2022-02-18), so the window ends between 2022-12-31 and 2023-02-18. An
    officer from 2022-12-31 at the latest was one by any window's end: the FY2021 bonus,
    received 2022-02-25 inside the window, is recovered whole (650,000). From 2023-02-19,
    by none: nothing. Between, as the issuance falls. The FY2022 bonus, received
    2023-02-24, is after any such window, and FY2022 is not restated: no recovery, whatever
    the answers (it was left pending)."""
    case = _blanked("revisions/07-sox304-ceo-window-and-stock-sales.yaml",
                    ("participant", "executive_officer_since"),
                    ("statements", 0, "first_public_issuance"))
    determination = evaluate(qualys_revised, case)
    assert not any("not settled" in note for a in determination.awards for note in a.notes)
    assert [a.outcome for a in determination.awards] == ["pending", "no_recovery"]
    issued = "statements[0].first_public_issuance"
    assert _answers(determination, "participant.executive_officer_since") == [
        ("<= 2022-12-31", "recovery", "650000.00", None),
        ("> 2022-12-31 and <= 2023-02-18", "pending", None, [issued]),
        ("> 2023-02-18", "no_recovery", None, None)]
    for day, outcome in (("2022-12-31", "recovery"), ("2023-01-01", "pending"),
                         ("2023-02-18", "pending"), ("2023-02-19", "no_recovery")):
        applied = evaluate(qualys_revised, case, [f"participant.executive_officer_since={day}"])
        assert applied.outcome == outcome, day


def _statement(year: int, filed: str, issued: str | None, restated: bool = True) -> dict:
    """A fiscal year's statements, the year ending 31 December."""
    return {"id": f"FY{year}", "period_end": f"{year}-12-31", "original_filing_date": filed,
            "first_public_issuance": issued, "restated": restated}


def _officer_case(case_id: str, as_of: str, positions: list[str], since: str | None,
                  statements: list[dict], restatement: dict, awards: list[dict],
                  findings: dict, **more: Any) -> dict:
    """A case of one officer of Qualys (a Section 16 officer, in the US), as the tests below
    write it: the facts each derives its figures from, and the rest (`more`: the stock
    sales, the participant's `executive_officer`)."""
    participant = {"id": "p-1", "name": "An officer", "section16_officer": True,
                   "executive_officer": more.pop("executive_officer", True),
                   "executive_officer_since": since, "positions": positions,
                   "work_location": more.pop("work_location", "US-CA")}
    return {"case_id": case_id, "as_of": as_of,
            "company": {"name": "Qualys, Inc.", "fiscal_year_end": "12-31"},
            "participant": participant, "statements": statements,
            "restatement": {"material": True, **restatement}, "awards": awards,
            "findings": findings, **more}


def _bonus(year: int, received: str, awarded: str, paid: str, restated: str | None,
           **more: Any) -> dict:
    """A cash bonus calculated on a year's results, granted early in that year."""
    return {"id": f"bonus-fy{year}", "kind": "cash_incentive",
            "basis": ["financial_results"], "granted": f"{year}-01-31", "received": received,
            "calculated_on": [f"FY{year}"], "unit": "USD", "amount_awarded": awarded,
            "amount_paid": paid, "amount_as_restated": restated, **more}


# The FY2025 bonus of the Section 304 cases below: FY2025 is not restated, so it recovers
# nothing whatever the answers.
_FY2025 = [_statement(2025, "2026-02-08", "2026-02-01", restated=False)]
_FY2025_BONUS = _bonus(2025, "2026-03-04", "495900.00", "495900.00", "495900.00")
_SOX = {"kind": "little_r", "required_date": "2025-06-04", "due_to_misconduct": True}
_CAUSED = {"misconduct": "gross_negligence", "caused_restatement": "caused"}


def test_a_date_compared_with_another_inside_a_window_the_other_opens(qualys_revised):
    """A CFO (SOX 304) whose first day as an executive officer and FY2023's first public
    issuance are both not known, with a sale of stock on 2024-02-16 (profit 236,366). By
    hand: the sale is in the window only if the issuance came before it, so on 2024-02-15
    at the latest (FY2023's period ended 2023-12-31; it was filed 2024-02-22); the window
    then ends on the issuance plus 12 months, 2025-02-15 at the latest, and the officer
    must have been one by then. An officer from 2025-02-15 at the latest: recovered if the
    issuance was early enough, so pending on it; from 2025-02-16, by no issuance the case
    admits: nothing (the FY2025 bonus, received 2026-03-04, is in no window either). The
    rows said pending up to 2025-12-30: the comparison with the officer's day is made only
    for an issuance inside the window, and the search tried that interval at its first day
    alone (2024-01-01, whose window ends 2025-01-01), so where it ends at its last day was
    never seen (tracking.Tracker.answers now tries it)."""
    case = read_case_data(_officer_case(
        "sox-window-last-day", "2026-10-08", ["CTO", "CFO"], None,
        [_statement(2023, "2024-02-22", None), *_FY2025], _SOX, [_FY2025_BONUS], _CAUSED,
        stock_sales=[{"date": "2024-02-16", "proceeds": "107315.00", "profit": "236366.00"}]))
    determination = evaluate(qualys_revised, case)
    issued = "statements[0].first_public_issuance"
    assert determination.outcome == "pending"
    assert _answers(determination, "participant.executive_officer_since") == [
        ("<= 2025-02-15", "pending", None, [issued]),
        ("> 2025-02-15", "no_recovery", None, None)]
    for day, outcome in (("2024-06-01", "pending"), ("2025-02-15", "pending"),
                         ("2025-02-16", "no_recovery"), ("2025-12-30", "no_recovery")):
        applied = evaluate(qualys_revised, case, [f"participant.executive_officer_since={day}"])
        assert applied.outcome == outcome, day
    for day, total in (("2024-02-15", "236366.00"), ("2024-02-16", "0.00")):
        applied = evaluate(qualys_revised, case, [f"{issued}={day}",
                                                  "participant.executive_officer_since=2025-02-15"])
        assert applied.total_recoverable.amount == total, day


def test_a_sale_whose_profit_is_not_known_turns_where_the_profit_does(qualys_revised):
    """A CFO (SOX 304) who sold stock on 2024-02-16, the profit not known. By hand: FY2023,
    restated for misconduct, was issued 2024-02-10, so the window runs to 2025-02-10 and the
    sale is in it; the officer served from 2020. Section 304(a)(2) takes the whole profit:
    any profit of a cent or more is recovered, as much as it is (no most to state); none
    (0.00, or a loss) leaves nothing. The FY2025 bonus is in no window (FY2025 is not
    restated): no recovery. The question said `any value (at 0.00 USD)` leads to no
    recovery and `any value (at 1000000000000000.00 USD)` to recovery: a sale's amount was
    read as a plain number, so where it turns to nothing was never noted (decide.py's
    `_others` now tracks it as an award's amount is)."""
    case = read_case_data(_officer_case(
        "sox-profit-unknown", "2026-10-08", ["CFO"], "2020-01-01",
        [_statement(2023, "2024-02-22", "2024-02-10"), *_FY2025], _SOX, [_FY2025_BONUS],
        _CAUSED, stock_sales=[{"date": "2024-02-16", "proceeds": "107315.00", "profit": None}]))
    determination = evaluate(qualys_revised, case)
    assert determination.outcome == "pending"
    [question] = determination.open_questions
    none, some = question.answers
    assert (question.fact, none.if_, none.outcome) == (
        "stock_sales[0].profit", "< 0.01 USD", "no_recovery")
    assert (some.if_, some.outcome, some.recoverable_depends_on_answer) == (
        ">= 0.01 USD", "recovery", True)
    assert (some.recoverable_range.min.amount, some.recoverable_range.max) == ("0.01", None)
    for profit, outcome, total in (("0.00", "no_recovery", "0.00"),
                                   ("0.01", "recovery", "0.01"),
                                   ("236366.00", "recovery", "236366.00")):
        applied = evaluate(qualys_revised, case, [f"stock_sales[0].profit={profit}"])
        assert (applied.outcome, applied.total_recoverable.amount) == (outcome, total), profit


def test_a_list_of_sales_holding_one_names_the_sale_s_own_fields(qualys_revised):
    """A CFO (SOX 304), the stock sales not given, whether the restatement resulted from
    misconduct not known, and the first day as an executive officer not known. FY2022 and
    FY2023, both restated, were issued 2023-02-15 and 2024-02-13: two windows. By hand: the
    awards recover nothing whatever the answers (FY2024, on which both are calculated, is
    not restated); a sale recovers its profit where the restatement resulted from
    misconduct, the sale falls in a window, the profit is more than nothing and the CFO was
    an officer by the window's end. So the list holding a sale leaves the case pending on
    the misconduct, the sale's day and profit and the officer's first day, as the case with
    one such sale in place asks; the answer named the misconduct alone (that case's search,
    past 32 combinations, was given up, asked.ASKED_ITEM)."""
    case = read_case_data(_officer_case(
        "sales-not-known", "2025-06-18", ["CFO", "CAO"], None,
        [_statement(2022, "2023-02-24", "2023-02-15"), _statement(2023, "2024-02-20", "2024-02-13"),
         _statement(2024, "2025-02-09", "2025-01-29", restated=False)],
        {"kind": "big_r", "required_date": "2024-04-20", "due_to_misconduct": None},
        [_bonus(2024, "2025-03-15", "1302300.00", "1302300.00", None, granted="2024-02-28"),
         {"id": "psu-fy2024", "kind": "performance_equity", "basis": ["tsr"],
          "granted": "2024-01-25", "received": "2025-03-16", "calculated_on": ["FY2024"],
          "unit": "USD", "amount_awarded": "1314100.00", "amount_paid": "328525.00",
          "amount_as_restated": "1314100.00", "as_restated_is_estimate": True}],
        {"caused_restatement": "partially"}))
    determination = evaluate(qualys_revised, case)
    assert [a.outcome for a in determination.awards] == ["no_recovery", "no_recovery"]
    none, some = _answers(determination, "stock_sales")
    assert none == ([], "no_recovery", None, None)
    facts = {"restatement.due_to_misconduct", "stock_sales[0].date", "stock_sales[0].profit",
             "participant.executive_officer_since"}
    assert some[:3] == ("any other", "pending", None) and set(some[3]) == facts
    applied = evaluate(qualys_revised, case, ["stock_sales=[{}]"])
    assert applied.outcome == "pending"
    assert {q.fact for q in applied.open_questions} == facts


def test_a_sale_of_no_profit_recovers_nothing_whatever_its_day(qualys_revised):
    """A CEO and CFO (SOX 304) whose FY2019-FY2021 statements were restated for misconduct;
    the FY2021 bonus was paid nothing (0.00), so it recovers nothing. A sale of stock whose
    day is not known: by hand, with no profit it recovers nothing whatever its day, the
    officer's first day or FY2021's issuance (all not known), so the case is no recovery.
    The sale's test (its day in a window) was read before its amount, and the amount never
    where the test was open: the case was pending on those three facts, each answered with
    no recovery alone. (With the profit not known too, the profit asked alone was so
    answered "any value", pending, where none leads to no recovery.)"""
    data = _officer_case(
        "sale-of-no-profit", "2022-10-11", ["CEO", "CFO"], None,
        [_statement(2019, "2020-02-20", "2020-02-13"), _statement(2020, "2021-02-10", "2021-02-03"),
         _statement(2021, "2022-02-20", None)],
        {"kind": "big_r", "required_date": "2022-04-13", "due_to_misconduct": True},
        [_bonus(2021, "2022-03-19", "228400.00", "0.00", "112590.89", granted="2021-02-16",
                basis=["financial_results", "operating_results"])],
        {"misconduct": "none", "caused_restatement": "not_caused", "should_repay": False},
        executive_officer=None, work_location="US-WA", stock_sales=[{"profit": "0.00"}])
    determination = evaluate(qualys_revised, read_case_data(data))
    assert (determination.outcome, determination.open_questions) == ("no_recovery", [])
    assert determination.total_recoverable.amount == "0.00"


def _award_notes(determination: Any) -> list[str]:
    return [note for award in determination.awards for note in award.notes]


def test_two_unknown_amounts_of_one_award_that_cap_each_other_are_settled(qualys_2019):
    """2019 example 16 (a cash LTIP of 400,000 USD, intentional misconduct found) with the
    amount paid P and the restated amount R not known. The excess is max(400,000 - R, 0);
    repayment reaches min(excess, P), cancellation min(excess, 400,000 - P), together at
    least the excess whatever P (P + (400,000 - P) is the whole award), so the award
    recovers 400,000 - R for R below 400,000, whatever P, and nothing from 400,000 on. The
    caps compare the excess with P and with 400,000 - P, so each answer of one moved where
    the other turns, a cent a round: the points were still moving after six rounds, the
    award was left pending with a "not settled exactly" note and no range, each fact asked
    alone. Two amounts compared are now noted where each turns at the other's own
    thresholds only (tracking.Tracker.relate), as two dates are."""
    case = _blanked("16-partly-paid-award.yaml", ("awards", 0, "amount_paid"),
                    ("awards", 0, "amount_as_restated"))
    determination = evaluate(qualys_2019, case)
    assert _award_notes(determination) == []
    [award] = determination.awards
    assert (award.outcome, award.recoverable_range.min.amount,
            award.recoverable_range.max.amount) == ("pending", "0.00", "400000.00")
    [question] = [q for q in determination.open_questions
                  if q.fact == "awards[0].amount_as_restated"]
    below, above = question.answers
    assert (below.if_, below.outcome, below.recoverable_depends_on_answer,
            below.recoverable_range.min.amount, below.recoverable_range.max.amount) == (
        "< 400000.00 USD", "recovery", True, "0.01", "400000.00")
    assert (above.if_, above.outcome, above.pending_on) == (">= 400000.00 USD", "no_recovery", None)
    assert _answers(determination, "awards[0].amount_paid") == [
        ("any value", "pending", None, ["awards[0].amount_as_restated"])]
    for restated, outcome, total in [("0", "recovery", "400000.00"),
                                     ("100000", "recovery", "300000.00"),
                                     ("399999.99", "recovery", "0.01"),
                                     ("400000", "no_recovery", "0.00")]:
        applied = evaluate(qualys_2019, case, [f"awards[0].amount_as_restated={restated}"])
        assert (applied.outcome, applied.total_recoverable.amount) == (outcome, total), restated
    for paid in ("0", "160000", "400000"):
        applied = evaluate(qualys_2019, case, [f"awards[0].amount_paid={paid}"])
        assert applied.outcome == "pending", paid
        assert [q.fact for q in applied.open_questions] == ["awards[0].amount_as_restated"]


def test_an_amount_awarded_and_restated_both_unknown_are_settled(qualys_2019):
    """2019 example 16 (160,000 USD paid) with the amount awarded A and the restated amount R
    not known: the excess is max(A - R, 0), and the remedies together reach it all (as
    above), so the award recovers A - R where A exceeds R. For any A (160,000 at least, what
    was paid) an R of 0 recovers A and an R of A nothing: pending on R. For any R what is
    recovered moves with A (A - R, or nothing where A is R or less): pending on A, past the
    search's ceiling for an amount (10**15) too, up to twice it (as in ICF example 23 above);
    with R = 100,000 the least is at A = 160,000, 60,000, and there is no most. The search
    passed its bound (1,680 combinations, each answer of one moving where the other turns)
    and left the award with a "not settled exactly" note and no range."""
    case = _blanked("16-partly-paid-award.yaml", ("awards", 0, "amount_awarded"),
                    ("awards", 0, "amount_as_restated"))
    determination = evaluate(qualys_2019, case)
    assert _award_notes(determination) == []
    [award] = determination.awards
    assert (award.outcome, award.recoverable_range.min.amount, award.recoverable_range.max) == (
        "pending", "0.00", None)
    assert _answers(determination, "awards[0].amount_awarded") == [
        ("any value", "pending", None, ["awards[0].amount_as_restated"])]
    assert _answers(determination, "awards[0].amount_as_restated") == [
        ("any value", "pending", None, ["awards[0].amount_awarded"])]
    for restated in ("1000000000000000", "1999999999999999.99"):  # (past the ceiling)
        applied = evaluate(qualys_2019, case, [f"awards[0].amount_as_restated={restated}"])
        assert applied.outcome == "pending", restated
    applied = evaluate(qualys_2019, case, ["awards[0].amount_as_restated=100000"])
    [award] = applied.awards
    assert (award.outcome, award.recoverable_range.min.amount, award.recoverable_range.max) == (
        "pending", "60000.00", None)
    assert [q.fact for q in applied.open_questions] == ["awards[0].amount_awarded"]
    applied = evaluate(qualys_2019, case, ["awards[0].amount_awarded=500000",
                                           "awards[0].amount_as_restated=100000"])
    assert (applied.outcome, applied.total_recoverable.amount) == ("recovery", "400000.00")
