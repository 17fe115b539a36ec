"""What the ways revisions can apply to one award share (evaluate/shared.py). The
determinations it gives are held to the tree walk's, which shares nothing, by
tests/test_compiled.py; this holds what may be shared and that the sharing happens."""

from __future__ import annotations

import decimal
from collections import Counter

from clawpolicy.api import policy_facts, read_case
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.determine import ARITHMETIC
from clawpolicy.evaluate.shared import signature
from clawpolicy.revise import rules as rs
from tests.conftest import REVISION_CASES


def _revisions(policy, *names):
    return [r for r in policy.revisions if r.name in names]


def _rule(rules, kind, name):
    return next(e.rule for e in rules.of(kind) if e.rule.name == name)


def test_a_rule_reading_a_revised_amount_has_one_signature_per_amount(qualys_revised):
    """`cost_of_recovery` compares a cost with the recoverable amount, which Rule 10D-1
    replaces and California law does not: it shares its value with the policy alone under
    California law, not under Rule 10D-1."""
    policy = qualys_revised
    alone = rs.composed(policy, [])
    california = rs.composed(policy, _revisions(policy, "california_wage_law"))
    rule_10d1 = rs.composed(policy, _revisions(policy, "rule_10d1"))
    note = _rule(alone, "note", "cost_of_recovery").body
    assert signature(policy, alone, note) == signature(policy, california, note)
    assert signature(policy, alone, note) != signature(policy, rule_10d1, note)


def test_a_rule_reading_no_revised_rule_is_shared_by_every_rule_set(qualys_revised):
    policy = qualys_revised
    scope = _rule(rs.composed(policy, []), "scope", "incentive").body
    found = {signature(policy, rs.composed(policy, group), scope)
             for group in ([], _revisions(policy, "rule_10d1"),
                           _revisions(policy, "sox_304", "california_wage_law"))}
    assert len(found) == 1


def test_each_rule_set_is_decided_once_per_award(qualys_revised, monkeypatch):
    """Where a revision may or may not reach an award, the award is decided under the
    revisions known to reach it, then under those that may: a rule set both include is
    decided once (case 12: a CFO in California, under Rule 10D-1 and Section 304)."""
    decided: Counter = Counter()  # one run of one case: (award, revisions) -> times
    evaluate = Determiner.evaluate

    def counting(self, ev, rec, rules):
        decided[(rec.path, rules.revisions)] += 1
        return evaluate(self, ev, rec, rules)

    monkeypatch.setattr(Determiner, "evaluate", counting)
    most = Counter()
    for path in REVISION_CASES:
        loaded = read_case(path)
        decided.clear()
        with decimal.localcontext(ARITHMETIC):
            Determiner(qualys_revised, loaded.case, policy_facts(qualys_revised, loaded)).run()
        most[path.stem] = max(decided.values())
    assert most["12-california-cfo-10d1-and-sox"] == 1 and max(most.values()) == 1
