"""Where an answer leaves the case pending, its `pending_on` names what the case is then
asked, awards outside the answer's group included (settle._elsewhere): an answer cannot move
an award of another group, so the case stays pending on every fact that award is asked on,
not only on the unknown its first run stopped at (tests/answer_cases/README.md says why for
the case used here). The exactness rule: "every open question says what each answer leads
to", so applying an answer (`--assume`) gives what it says."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from clawpolicy.api import evaluate, read_case_data
from tests.conftest import ROOT

CASE = ROOT / "tests" / "answer_cases" / "two-groups-14.json"

EXEC, BASIS = "participant.executive_officer", "awards[1].basis"
RESTATED, PROHIBITED = "awards[6].amount_as_restated", "law.prohibited_remedies"


@pytest.fixture(scope="module")
def case():
    return read_case_data(json.loads(CASE.read_text(encoding="utf-8")), name=str(CASE))


def _answers(determination, fact):
    [question] = [q for q in determination.open_questions if q.fact == fact]
    return [(a.if_, a.outcome, a.pending_on, a.awards) for a in question.answers]


def test_an_answer_names_the_facts_another_group_is_asked_on(qualys_revised, case):
    """Derived by hand (the README): either answer on the executive officer leaves
    bonus-fy2021-7 pending on its restated amount and on the remedies law prohibits."""
    determination = evaluate(qualys_revised, case)
    assert {q.fact for q in determination.open_questions} == {EXEC, BASIS, RESTATED,
                                                              PROHIBITED}
    assert _answers(determination, EXEC) == [
        (True, "pending", [BASIS, RESTATED, PROHIBITED], None),
        (False, "pending", [RESTATED, PROHIBITED], {"discretionary-fy2023-2": "not_covered"})]
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
