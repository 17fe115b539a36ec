"""Where an answer leaves the case pending, its `pending_on` names what the case is then
asked, awards outside the answer's group included (settle._elsewhere): an answer cannot move
an award of another group, so the case stays pending on every fact that award is asked on,
not only on the unknown its first run stopped at; and a fact two groups come to answer is
asked once (exact.Exact._joined). tests/answer_cases/README.md says why for each case used
here. The exactness rule: "every open question says what each answer leads to", so applying
an answer (`--assume`) gives what it says."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from clawpolicy.api import evaluate, read_case_data
from clawpolicy.evaluate import exact
from tests.conftest import ROOT
from tests.test_exact import _past_bound

CASES = ROOT / "tests" / "answer_cases"
CASE = CASES / "two-groups-14.json"

EXEC, BASIS = "participant.executive_officer", "awards[1].basis"
RESTATED, PROHIBITED = "awards[6].amount_as_restated", "law.prohibited_remedies"


@pytest.fixture(scope="module")
def case():
    return read_case_data(json.loads(CASE.read_text(encoding="utf-8")), name=str(CASE))


def _answers(determination, fact):
    [question] = [q for q in determination.open_questions if q.fact == fact]
    return [(a.if_, a.outcome, a.pending_on, a.awards) for a in question.answers]


def test_an_answer_names_the_facts_another_award_is_asked_on(qualys_revised, case):
    """Derived by hand (the README): either answer on the executive officer leaves
    bonus-fy2021-7 pending on its restated amount and on the remedies law prohibits."""
    determination = evaluate(qualys_revised, case)
    assert {q.fact for q in determination.open_questions} == {EXEC, BASIS, RESTATED,
                                                              PROHIBITED}
    assert [(if_, outcome, set(on), awards) for if_, outcome, on, awards
            in _answers(determination, EXEC)] == [
        (True, "pending", {BASIS, RESTATED, PROHIBITED}, None),
        (False, "pending", {RESTATED, PROHIBITED}, {"discretionary-fy2023-2": "not_covered"})]
    # And the other way: an answer on the restated amount leaves discretionary-fy2023-2
    # pending on both its facts, the basis too (its first run stopped at the officer).
    for _, outcome, pending_on, _ in _answers(determination, RESTATED):
        assert outcome == "pending" and {EXEC, BASIS} <= set(pending_on)


# Each answer of the case, as `--assume` writes it (an interval by a value inside it).
APPLIED = [(EXEC, "true"), (EXEC, "false"), (BASIS, "[]"), (BASIS, "[stock_price]"),
           (RESTATED, "100000"), (RESTATED, "130000"), (PROHIBITED, "[]"),
           (PROHIBITED, "[cancellation]")]


@pytest.mark.parametrize("fact, value", APPLIED)
def test_applying_an_answer_gives_what_it_says(qualys_revised, case, fact, value):
    determination = evaluate(qualys_revised, case)
    assumed = evaluate(qualys_revised, case, [f"{fact}={value}"])
    [question] = [q for q in determination.open_questions if q.fact == fact]
    said = [a for a in question.answers if _holds(a.if_, value)]
    assert len(said) == 1, (fact, value, question.answers)
    [answer] = said
    assert assumed.outcome == answer.outcome
    assert {q.fact for q in assumed.open_questions} == set(answer.pending_on or ())


def test_a_fact_two_groups_come_to_answer_is_asked_once(qualys_2019, case):
    """Under the 2019 policy the case's first runs leave bonus-fy2021-7 pending on its
    restated amount and psu-fy2022-12 on the remedies law prohibits; bonus-fy2021-7's search
    then answers those remedies too. Searched apart, each group asked
    `law.prohibited_remedies`, and the first said `[]` leaves the case pending, which
    applying it disproves. Derived by hand (the README): psu-fy2022-12 (1,431,800.00 USD
    awarded, 950,487.54 as restated, all paid) is reached only by repayment, so it recovers
    481,312.46 USD unless repayment is prohibited; bonus-fy2021-7 (120,600.00 awarded,
    48,240.00 paid) recovers nothing at a restated amount of 120,600.00 or more, and below it
    is reached by repayment (what was paid) and cancellation (what was not)."""
    determination = evaluate(qualys_2019, case)
    facts = [q.fact for q in determination.open_questions]
    assert sorted(facts) == [RESTATED, PROHIBITED]
    assert _answers(determination, PROHIBITED) == [
        ([[], ["cancellation"]], "recovery", [RESTATED], {"bonus-fy2021-7": "pending"}),
        (["repayment"], "pending", [RESTATED], {"psu-fy2022-12": "no_recovery"}),
        (["cancellation", "repayment"], "no_recovery", None, None)]
    [question] = [q for q in determination.open_questions if q.fact == PROHIBITED]
    [answer] = [a for a in question.answers if a.outcome == "recovery"]
    assert answer.recoverable.amount == "481312.46"
    for value, outcome in (("[]", "recovery"), ("[cancellation]", "recovery"),
                           ("[repayment]", "pending"), ("[cancellation, repayment]",
                                                        "no_recovery")):
        assert evaluate(qualys_2019, case, [f"{PROHIBITED}={value}"]).outcome == outcome


def _holds(label, value: str) -> bool:
    """Whether the answer's label covers the value written as `--assume` writes it."""
    if isinstance(label, bool):
        return json.dumps(label) == value
    if isinstance(label, list) and label and isinstance(label[0], list):
        return any(_holds(one, value) for one in label)
    if isinstance(label, list):
        return "[" + ", ".join(label) + "]" == value
    amount = Decimal(value)  # an interval of amounts: "< 120600.00 USD", ">= 120600.00 USD"
    op, bound = label.split()[:2]
    return amount < Decimal(bound) if op == "<" else amount >= Decimal(bound)


def test_a_fact_asked_alone_names_what_the_awards_it_cannot_move_are_asked_on(
        qualys_revised):
    """tests/answer_cases/README.md: the stock sales, asked alone, cannot move the one award,
    which is asked on its grant date and on when the participant became an executive
    officer; each answer leaving the case pending names both, and applying `[]` asks both."""
    path = CASES / "stock-sales-unknown-4.json"
    case = read_case_data(json.loads(path.read_text(encoding="utf-8")), name=str(path))
    determination = evaluate(qualys_revised, case)
    award_facts = {"awards[0].granted", "participant.executive_officer_since"}
    assert {q.fact for q in determination.open_questions} == award_facts | {"stock_sales"}
    [question] = [q for q in determination.open_questions if q.fact == "stock_sales"]
    assert [a.if_ for a in question.answers] == [[], "any other"]
    for answer in question.answers:
        assert answer.outcome == "pending" and award_facts <= set(answer.pending_on)
    assumed = evaluate(qualys_revised, case, ["stock_sales=[]"])
    assert assumed.outcome == "pending"
    assert {q.fact for q in assumed.open_questions} == award_facts == set(
        question.answers[0].pending_on)


def _read(name: str):
    path = CASES / name
    return read_case_data(json.loads(path.read_text(encoding="utf-8")), name=str(path))


def test_an_answer_names_the_facts_of_an_award_in_another_group(qualys_2019):
    """tests/answer_cases/README.md, elsewhere-212: an answer on bonus-fy2021-1's grant date
    leaves psu-fy2020-16 pending on its amount paid, as the case with it applied asks."""
    case = _read("elsewhere-212.json")
    determination = evaluate(qualys_2019, case)
    assert _answers(determination, "awards[0].granted") == [
        ("<= 2019-02-07", "pending", ["restatement.material", "awards[15].amount_paid"],
         {"bonus-fy2021-1": "not_covered"}),
        ("> 2019-02-07", "pending", ["restatement.material", "awards[15].amount_paid"],
         {"bonus-fy2021-1": "no_recovery"})]
    for day in ("2019-02-07", "2019-02-08"):
        assumed = evaluate(qualys_2019, case, [f"awards[0].granted={day}"])
        assert {q.fact for q in assumed.open_questions} == {"restatement.material",
                                                            "awards[15].amount_paid"}


def test_groups_that_pass_the_bound_together_are_joined_award_by_award(qualys_revised):
    """tests/answer_cases/README.md, apart-93: the two groups pass the bound searched
    together; each award searched alone and their combinations joined (split.py), both are
    settled exactly, and the date they share is asked once, each answer saying where each
    award goes."""
    case = _read("apart-93.json")
    determination = evaluate(qualys_revised, case)
    facts = [q.fact for q in determination.open_questions]
    assert facts.count("participant.executive_officer_since") == 1
    for award in determination.awards:
        assert not any(n.startswith("not settled exactly") for n in award.notes)
    ranges = {a.id: a.recoverable_range for a in determination.awards
              if a.outcome == "pending"}
    assert set(ranges) == {"bonus-fy2024-2", "award-fy2024-5"}
    assert all(r.min.amount == r.max.amount == "0.00" for r in ranges.values())
    assert _answers(determination, "participant.executive_officer_since") == [
        ("<= 2026-02-02", "recovery", ["awards[4].kind"],
         {"bonus-fy2024-2": "no_recovery", "award-fy2024-5": "pending"}),
        ("> 2026-02-02", "recovery", ["awards[1].basis"],
         {"bonus-fy2024-2": "pending", "award-fy2024-5": "not_covered"})]
    for day, asked, second in [("2020-01-01", "awards[4].kind", "no_recovery"),
                               ("2026-02-02", "awards[4].kind", "no_recovery"),
                               ("2026-02-03", "awards[1].basis", "pending")]:
        assumed = evaluate(qualys_revised, case, [f"participant.executive_officer_since={day}"])
        assert assumed.outcome == "recovery"
        assert assumed.total_recoverable.amount == "1343915.72"
        assert [q.fact for q in assumed.open_questions] == [asked]
        assert {a.id: a.outcome for a in assumed.awards}["bonus-fy2024-2"] == second


def test_past_the_bound_together_each_answer_says_what_its_award_then_is(qualys_revised):
    """tests/answer_cases/README.md, past-bound-100: five awards pass the bound together;
    each searched alone (split.py), every award is settled exactly, and an answer on
    `awards[14].basis` says what award-fy2024-15 then is and names what the case with it
    applied asks."""
    case = _read("past-bound-100.json")
    determination = evaluate(qualys_revised, case)
    for award in determination.awards:
        assert not any(n.startswith("not settled exactly") for n in award.notes)
    answers = _answers(determination, "awards[14].basis")
    assert [(if_, outcome, set(on), awards) for if_, outcome, on, awards in answers] == [
        ([], "pending", {RESTATED_5, SINCE}, {"award-fy2024-15": "not_covered"}),
        ([["financial_results"], ["stock_price"], ["tsr"],
          ["financial_results", "operating_results", "stock_price", "tsr"]],
         "pending", {RESTATED_5, SINCE}, None),
        (["operating_results"], "pending", {RESTATED_5, SINCE, "awards[14].kind"}, None)]
    for value, asked, outcome in [("[]", {RESTATED_5, SINCE}, "not_covered"),
                                  ("[tsr]", {RESTATED_5, SINCE}, "pending"),
                                  ("[operating_results]", {RESTATED_5, SINCE, "awards[14].kind"},
                                   "pending")]:
        assumed = evaluate(qualys_revised, case, [f"awards[14].basis={value}"])
        assert assumed.outcome == "pending"
        assert {q.fact for q in assumed.open_questions} == asked
        assert {a.id: a.outcome for a in assumed.awards}["award-fy2024-15"] == outcome


RESTATED_5, SINCE = "awards[4].amount_as_restated", "participant.executive_officer_since"


def test_past_the_bound_an_answer_names_no_fact_the_case_then_leaves(qualys_revised):
    """tests/answer_cases/README.md, past-bound-31: a group of the whole case (its stock
    sales not known) passes the bound, and `stock_sales` is asked alone. Which facts move
    which of the group's awards is not known, so an answer names the unknowns their first
    runs stopped at (differ.Unmoved, for groups searched whole only), not every fact the
    group asks: `awards[4].granted`, which the case with `stock_sales: []` applied no longer
    asks, is not named."""
    case = _read("past-bound-31.json")
    determination = evaluate(qualys_revised, case)
    [question] = [q for q in determination.open_questions if q.fact == "stock_sales"]
    [empty] = [a for a in question.answers if a.if_ == []]
    assumed = evaluate(qualys_revised, case, ["stock_sales=[]"])
    assert empty.outcome == assumed.outcome == "pending"
    asked = {q.fact for q in assumed.open_questions}
    assert set(empty.pending_on) <= asked and "awards[4].granted" not in asked
    assert set(empty.pending_on) == {SINCE, "awards[2].amount_as_restated"}


@pytest.mark.parametrize("name, fact, said, applied", [
    ("past-bound-144.json", "findings.recovery_cost",
     [("< 0.01 USD", [("18688", "shares"), ("1576875.00", "USD")]),
      (">= 0.01 USD", [("1576875.00", "USD")])],
     [("0", [("18688", "shares"), ("1576875.00", "USD")]), ("0.01", [("1576875.00", "USD")])]),
    ("turn-after-78.json", "awards[2].amount_paid",
     [("< 1466.01 shares", [("1466", "shares"), ("132333.82", "USD")]),
      (">= 1466.01 shares", [("132333.82", "USD")])],
     [("1466", [("1466", "shares"), ("132333.82", "USD")]), ("1466.01", [("132333.82", "USD")])]),
])
def test_an_amount_asked_alone_is_tried_where_it_turns(qualys_revised, name, fact, said, applied):
    """tests/answer_cases/README.md, past-bound-144 and turn-after-78.

    past-bound-144: the recovery's cost and the share's price are compared only with amounts
    the case computes (what the cost exceeds), so the policy names no point of either. The
    group passed the bound, and asked alone, each was answered at the points its search
    found before it stopped (it had no answer at all before); since the answering runs
    evaluate no note (a note's comparison of the cost gave the search thresholds of its
    own), the group's search settles it: the same ranges, said with their unit, each saying
    what stays open (the test below). turn-after-78 is then this test's amount asked alone.

    turn-after-78: the amount paid of psu-fy2024-3 (11,800 shares awarded, 10,334 as
    restated) is asked alone. A search saw it turn at 1,466.00 (the first answer past a
    point), with the other facts answered; with them unknown, the case turns at the answer
    after it. Tried at the point and on both sides of it, the answers say where it does.

    Every question has answers; each range recovers what it says, as the case with a value
    of it applied does."""
    case = _read(name)
    determination = evaluate(qualys_revised, case)
    assert all(q.answers for q in determination.open_questions)
    [question] = [q for q in determination.open_questions if q.fact == fact]
    assert [(a.if_, a.outcome, _amounts(a.recoverable)) for a in question.answers] == [
        (words, "recovery", total) for words, total in said]
    for value, total in applied:
        assumed = evaluate(qualys_revised, case, [f"{fact}={value}"])
        assert assumed.outcome == "recovery"
        assert _amounts(assumed.total_recoverable) == total


def test_a_notes_comparison_gives_the_search_no_threshold(qualys_revised):
    """tests/answer_cases/README.md, past-bound-144: the note `cost_of_recovery` compares the
    cost with the Recoverable Compensation. Evaluated in the search's runs, it gave the cost
    thresholds at which nothing the search reads turns, and the group passed the bound
    (1,638 combinations): psu-fy2023-1 was left as the facts known decide it, and an answer
    of a cost above 0 said the case recovers the cash awards, not that the share award
    stays pending. The runs that answer a question now evaluate no note (decide.Determiner
    .run): the search settles the group, and each answer says what stays open."""
    determination = evaluate(qualys_revised, _read("past-bound-144.json"))
    assert not _past_bound(determination)
    [cost] = [q for q in determination.open_questions if q.fact == "findings.recovery_cost"]
    [none, some] = cost.answers
    assert (none.if_, none.awards, none.pending_on) == ("< 0.01 USD", None, None)
    assert some.if_ == ">= 0.01 USD" and some.awards == {"psu-fy2023-1": "pending"}
    assert some.pending_on == ["findings.decided_by", "findings.recovery_attempt_documented",
                               "awards[0].share_price"]
    [by] = [q for q in determination.open_questions if q.fact == "findings.decided_by"]
    assert [(a.if_, a.awards) for a in by.answers] == [
        (["compensation_committee", "independent_directors"], {"psu-fy2023-1": "pending"}),
        ("board", None)]


def test_an_amount_asked_alone_is_said_in_its_unit(qualys_revised, monkeypatch):
    """An amount of no record's unit (the cost of recovery, a share's price: the
    vocabulary's default unit, USD) asked alone past the bound was said without its unit
    (`< 0.01`), where its group's search says it with it (`< 0.01 USD`): past-bound-144 with
    the bound lowered to 64 combinations, so that the group passes it again."""
    case = _read("past-bound-144.json")
    said = {}
    for bound in (1024, 64):
        monkeypatch.setattr(exact, "BOUND", bound)
        determination = evaluate(qualys_revised, case)
        said[bound] = {q.fact: [a.if_ for a in q.answers] for q in determination.open_questions
                       if q.fact in ("findings.recovery_cost", "awards[0].share_price")}
        assert _past_bound(determination) == (bound == 64)
    assert said[64] == said[1024] == {
        "findings.recovery_cost": ["< 0.01 USD", ">= 0.01 USD"],
        "awards[0].share_price": ["< 53510273972.61 USD", ">= 53510273972.61 USD"]}


def _amounts(total) -> list[tuple[str, str]]:
    """A total as (amount, unit) pairs: one amount, or one for each unit."""
    return [(m.amount, m.unit) for m in (total if isinstance(total, list) else [total])]


def test_a_text_and_a_date_asked_alone_have_answers(qualys_revised):
    """tests/answer_cases/README.md, asked-alone-text-date (found by test_exact's property):
    the participant's roles are not known as a whole, so the search is not made and its
    facts are asked alone. The work location is a text: each the policy names (US-CA, for
    California's wage law) and any other, here one answer. FY2020's filing date is compared
    only with dates the case computes, and no search saw it turn: tracked alone, it turns at
    2021-12-31, where the case stops turning on the work location too (pending either way,
    on other facts: each range says which). Both had no answer."""
    determination = evaluate(qualys_revised, _read("asked-alone-text-date.json"))
    asked = {q.fact: [(a.if_, a.outcome) for a in q.answers]
             for q in determination.open_questions}
    # (both lead to the same place, so they are one answer, as the search's questions say it)
    assert asked["participant.work_location"] == [(["US-CA", "any other"], "pending")]
    assert asked["statements[0].original_filing_date"] == [
        ("> 2020-12-30 and < 2021-12-31", "pending"), (">= 2021-12-31", "pending")]


def test_a_record_read_through_its_fields_is_not_asked_alone(qualys_revised):
    """tests/answer_cases/README.md, asked-alone-record: an award's performance period is not
    known, and the policy reads it only through its fields. Asked alone, the record itself
    has one admissible answer (given, its fields not known), so it is not asked (it was, with
    no answer); its end, which the search came to answer, is, and an answer names the end
    where its run stopped at the record."""
    case = _read("asked-alone-record.json")
    determination = evaluate(qualys_revised, case)
    facts = [q.fact for q in determination.open_questions]
    assert "awards[0].performance_period" not in facts
    assert "awards[0].performance_period.end" in facts
    assert all(q.answers for q in determination.open_questions)
    # An answer leaving the case pending on the record names its field instead (alone.named),
    # as the case with the answer applied asks.
    [officer] = [q for q in determination.open_questions
                 if q.fact == "participant.executive_officer"]
    [true] = [a for a in officer.answers if a.if_ is True]
    assumed = evaluate(qualys_revised, case, ["participant.executive_officer=true"])
    assert true.outcome == assumed.outcome == "pending"
    assert true.pending_on == [q.fact for q in assumed.open_questions] == [
        "participant.executive_officer_since", "awards[0].performance_period.end"]


@pytest.mark.parametrize("name, fact, said", [
    ("apart-seen-94.json", "restatement.required_date", [
        ("< 2026-01-01", "pending"), (">= 2026-01-01 and < 2027-01-01", "pending"),
        (">= 2027-01-01 and < 2030-01-01", "recovery"), (">= 2030-01-01", "pending")]),
    ("named-and-seen-97.json", "participant.executive_officer_since", [
        ("<= 2023-12-31", "recovery"), ("> 2023-12-31 and <= 2024-02-08", "recovery"),
        ("> 2024-02-08 and <= 2025-02-09", "recovery"), ("> 2025-02-09", "recovery")]),
])
def test_a_date_asked_alone_turns_where_every_search_saw_it_turn(qualys_revised, name, fact,
                                                                  said):
    """tests/answer_cases/README.md, apart-seen-94 and named-and-seen-97: a date asked alone
    is tried at every point any group's search saw it turn (each award apart, split.py),
    beside those the policy names; with one group's points alone, or the policy's alone,
    answers that lead apart were one range. Each range's first and last day, applied,
    lead where it says, with the amount it says, pending on what it names (a range ends
    where that changes too: differ.Unmoved.moved, ranges.shape)."""
    case = _read(name)
    determination = evaluate(qualys_revised, case)
    [question] = [q for q in determination.open_questions if q.fact == fact]
    assert [(a.if_, a.outcome) for a in question.answers] == said
    for answer in question.answers:
        for day in _days(answer.if_):
            assumed = evaluate(qualys_revised, case, [f"{fact}={day}"])
            assert assumed.outcome == answer.outcome, (answer.if_, day)
            if answer.recoverable is not None:
                assert _amounts(assumed.total_recoverable) == _amounts(answer.recoverable)
            if answer.outcome == "pending":  # on what the case with it applied asks
                assert set(answer.pending_on) == {q.fact for q in assumed.open_questions}


def _days(label: str) -> list[str]:
    """A range's first and last day, as far as its words bound it (a year past an open
    end)."""
    import datetime as dt

    low, high = dt.date(2020, 1, 1), dt.date(2035, 1, 1)
    for part in label.split(" and "):
        op, day = part.split(" ")
        at = dt.date.fromisoformat(day)
        if op in (">=", ">"):
            low = at if op == ">=" else at + dt.timedelta(days=1)
        else:
            high = at - dt.timedelta(days=1) if op == "<" else at
    return [low.isoformat(), high.isoformat()]


@pytest.mark.parametrize("fact, value", [
    ("findings.should_repay", "true"), ("findings.should_repay", "false"),
    ("findings.misconduct", "fraud"), ("findings.misconduct", "none"),
    ("findings.caused_restatement", "caused"), ("findings.caused_restatement", "not_caused")])
def test_a_shared_fact_asked_alone_names_what_the_awards_it_moves_are_asked(qualys_2019, fact,
                                                                            value):
    """tests/answer_cases/README.md, moved-19: seven awards pending on the findings, kept
    apart (split.py), the findings asked alone. An answer that moves an award names what
    that award's own search, with the answer kept, still turns on (differ.Unmoved.moved),
    not only the unknowns its run under the answer stopped at: the case with the answer
    applied asks exactly those."""
    case = _read("moved-19.json")
    determination = evaluate(qualys_2019, case)
    [question] = [q for q in determination.open_questions if q.fact == fact]
    [answer] = [a for a in question.answers if _holds_word(a.if_, value)]
    assumed = evaluate(qualys_2019, case, [f"{fact}={value}"])
    assert assumed.outcome == answer.outcome == "pending"
    assert set(answer.pending_on) == {q.fact for q in assumed.open_questions}


def _holds_word(label, value: str) -> bool:
    words = label if isinstance(label, list) else [label]
    return any(json.dumps(w) == value or w == value for w in words)


def test_past_the_bound_an_answer_names_what_the_case_with_it_then_asks():
    """tests/answer_cases/README.md, asked-past-bound-14: Northrop Grumman's example 14 with
    the payment's receipt, the role's start and whether FY2008 was restated not known. Its
    one award passes the bound (2,080 combinations), so each fact is asked alone. The
    receipt's answers name what the case with each in place asks, found by that case's own
    search (asked.asked_answer), not every unknown the award's run stopped at: from
    2010-02-11, outside FY2008's twelve months whatever its issuance, the role's start
    alone. Each range's first and last day, applied, asks exactly what it names."""
    from clawpolicy.api import compile_policy
    from tests.conftest import NORTHROP_2010

    policy = compile_policy(NORTHROP_2010)
    case = _read("asked-past-bound-14.json")
    determination = evaluate(policy, case)
    assert any("past the bound" in n for n in determination.awards[0].notes)
    [question] = [q for q in determination.open_questions if q.fact == "awards[0].received"]
    assert [(a.if_, a.pending_on) for a in question.answers] == [
        ("< 2010-01-01", ["participant.roles[0].since", "statements[0].restated"]),
        (">= 2010-01-01 and < 2010-02-11", ["participant.roles[0].since",
                                            "statements[0].restated",
                                            "statements[0].first_public_issuance"]),
        (">= 2010-02-11 and <= 2010-06-30", ["participant.roles[0].since"])]
    days = [["2008-02-14", "2009-06-30", "2009-12-31"], ["2010-01-01", "2010-02-10"],
            ["2010-02-11", "2010-06-30"]]
    for answer, some in zip(question.answers, days):
        for day in some:
            assumed = evaluate(policy, case, [f"awards[0].received={day}"])
            assert assumed.outcome == answer.outcome == "pending", (answer.if_, day)
            assert set(answer.pending_on) == {q.fact for q in assumed.open_questions}, day


def test_an_amount_turns_where_two_combinations_of_the_search_meet(qualys_revised):
    """tests/answer_cases/README.md, meets-112: the fifth award recovers the greater of its
    excess (365,218.26) and what was paid where there was misconduct, its excess where there
    was not. Up to 365,218.26 paid the two agree and the award is settled; from 365,218.27 on
    it waits on the misconduct. No comparison in one run turns there; the two combinations'
    amounts meet there. The answer was two points of one interval, said "(at ...)"."""
    case = _read("meets-112.json")
    determination = evaluate(qualys_revised, case)
    [question] = [q for q in determination.open_questions
                  if q.fact == "awards[4].amount_paid"]
    settled, waits = question.answers
    assert (settled.if_, settled.outcome, settled.recoverable.amount, settled.pending_on) == (
        "< 365218.27 USD", "recovery", "365218.26", ["restatement.due_to_misconduct"])
    assert (waits.if_, waits.outcome) == (">= 365218.27 USD", "pending")
    for paid, award in [("0", "recovery"), ("365218.26", "recovery"),
                        ("365218.27", "pending"), ("473000", "pending"),
                        ("946000", "pending")]:
        applied = evaluate(qualys_revised, case, [f"awards[4].amount_paid={paid}"])
        assert applied.awards[4].outcome == award, paid
        assert applied.outcome == ("recovery" if award == "recovery" else "pending"), paid
        if award == "recovery":
            assert applied.awards[4].recoverable.amount == "365218.26", paid
