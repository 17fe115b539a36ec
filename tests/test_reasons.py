"""Reasons recorded as the evaluation goes and written only for the determination written out
(evaluate/reasons.py): the words are those the determination states, no others are written,
and a determination made without reasons (`clawpolicy test`, `diff`) decides the same."""

from __future__ import annotations

import decimal
import json

import pytest

from clawpolicy.api import compile_policy, evaluate, policy_facts, read_case
from clawpolicy.evaluate import reasons
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.determine import ARITHMETIC
from clawpolicy.render.json import render
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, QUALYS, QUALYS_2019, REVISION_CASES

CASES = [(QUALYS_2019, c) for c in EXAMPLE_CASES] + [(QUALYS, c) for c in REVISION_CASES] \
    + COMPANY_CASES


@pytest.fixture(scope="module")
def policies():
    return {}


def _policy(policies, path):
    if path not in policies:
        policies[path] = compile_policy(path)
    return policies[path]


def _decided(d) -> dict:
    """Everything a determination decides, without its words (and without what the memo
    explains the amount with, `recoverable_rule`: like `windows`, only where reasons are)."""
    data = json.loads(render(d))
    for award in data["awards"]:
        award.pop("notes"), award.pop("recoverable_rule", None)
        for c in award["conditions"]:
            c.pop("because"), c.pop("windows", None)
        for r in award["remedies"]:
            r.pop("because")
    for item in data["revisions_applied"] + data["other_recoverable"]:
        item.pop("because")
    return data


@pytest.mark.parametrize("policy_path,case_path", CASES, ids=lambda p: p.stem)
def test_without_reasons_the_same_is_decided_and_no_reason_is_written(
        policy_path, case_path, policies, monkeypatch):
    policy, loaded = _policy(policies, policy_path), read_case(case_path)
    said = evaluate(policy, loaded)
    monkeypatch.setattr(reasons.Reason, "words", _never)
    monkeypatch.setattr(reasons.Reason, "fields", _never)
    silent = evaluate(policy, loaded, reasons=False)
    assert _decided(silent) == _decided(said)
    assert {c.because for a in silent.awards for c in a.conditions
            if c.status in ("met", "not_met", "unknown")} <= {""}


def _never(self):
    raise AssertionError("a reason was written for a determination made without reasons")


@pytest.mark.parametrize("policy_path,case_path", CASES, ids=lambda p: p.stem)
def test_only_the_reasons_the_determination_states_are_written(
        policy_path, case_path, policies, monkeypatch):
    """No English is written for a result the determination does not show (an alternative
    not chosen, a pending award the exactness rule decides again, an answer's run)."""
    policy, loaded = _policy(policies, policy_path), read_case(case_path)
    written: list[str] = []
    words, fields = reasons.Reason.words, reasons.Reason.fields

    def counted(self):
        text = words(self)
        written.append(text)
        return text

    def counted_fields(self):
        found = fields(self)
        written.append(found["because"])
        return found
    monkeypatch.setattr(reasons.Reason, "words", counted)
    monkeypatch.setattr(reasons.Reason, "fields", counted_fields)
    output = render(evaluate(policy, loaded))
    assert written
    for text in written:
        assert json.dumps(text, ensure_ascii=False)[1:-1] in output


def test_a_reason_not_yet_written_serializes_as_written(policies):
    """A run's results hold their reasons as records until the determination is built; their
    JSON is the same whether they are written first or only when serialized."""
    policy = _policy(policies, QUALYS_2019)
    loaded = read_case(EXAMPLE_CASES[0])
    facts = policy_facts(policy, loaded)
    with decimal.localcontext(ARITHMETIC):
        recorded, written = (Determiner(policy, loaded.case, facts).run().awards[0].result
                             for _ in range(2))
        assert any(type(c.because) is reasons.Reason for c in recorded.conditions)
        reasons.rendered(written)
        assert not any(type(c.because) is reasons.Reason for c in written.conditions)
        assert recorded.model_dump_json() == written.model_dump_json()
        assert all(type(c.because) is str and c.because for c in recorded.conditions)
