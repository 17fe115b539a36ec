"""Invariants of every determination, over generated cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings

from clawpolicy.api import evaluate
from clawpolicy.casefile import LoadedCase, validate_case
from tests.strategies import cases

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def as_case(data: dict) -> LoadedCase:
    def iso(value):
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: iso(v) for k, v in value.items()}
        if isinstance(value, list):
            return [iso(v) for v in value]
        return value
    return LoadedCase(validate_case(iso(data), "generated.yaml"), "generated.yaml", {})


@PROPERTY
@given(cases())
def test_recovery_stays_within_what_each_remedy_can_reach(qualys_2019, data):
    loaded = as_case(data)
    d = evaluate(qualys_2019, loaded)
    for award, result in zip(loaded.case.awards, d.awards):
        if result.recoverable is None:
            assert result.outcome == "pending"
            continue
        recoverable = Decimal(result.recoverable.amount)
        assert recoverable >= 0
        if result.outcome != "recovery":
            assert recoverable == 0 and result.remedies == []
            continue
        assert recoverable <= award.amount_awarded
        assert recoverable <= Decimal(result.recoverable_compensation.amount)
        caps = {r.kind: Decimal(r.up_to.amount) for r in result.remedies}
        assert caps.get("repay", 0) <= award.amount_paid
        assert caps.get("cancel", 0) <= award.amount_awarded - award.amount_paid
        assert all(0 < cap <= recoverable for cap in caps.values())
        assert recoverable <= sum(caps.values())


@PROPERTY
@given(cases())
def test_case_outcome_aggregates_award_outcomes_as_the_contract_says(qualys_2019, data):
    d = evaluate(qualys_2019, as_case(data))
    outcomes = [a.outcome for a in d.awards]
    expected = ("recovery" if "recovery" in outcomes else "pending" if "pending" in outcomes
                else "no_recovery" if any(o != "not_covered" for o in outcomes)
                else "not_covered")
    assert d.outcome == expected


@PROPERTY
@given(cases())
def test_pending_always_asks_and_each_answer_keeps_its_promise(qualys_2019, data):
    loaded = as_case(data)
    d = evaluate(qualys_2019, loaded)
    if any(a.outcome == "pending" for a in d.awards):
        assert d.open_questions, "a pending award names no open question"
    for question in d.open_questions:
        for answer in question.answers:
            if isinstance(answer.if_, bool | str) and not _is_range(answer.if_):
                answered = _answer(data, question.fact, answer.if_)
                assert evaluate(qualys_2019, as_case(answered)).outcome == answer.outcome


def _is_range(value) -> bool:
    return isinstance(value, str) and value[:1] in "<>" or value == "any value"


def _answer(data: dict, fact: str, value):
    import copy
    import re

    data = copy.deepcopy(data)
    parts = [int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", fact) if p]
    target = data
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value
    return data
