"""Which rule an award's recoverable amount came from, and which of the award's recorded
facts computing it read (`AwardResult.recoverable_rule`): a memo heads the amount with the
policy's own term for it and lists only the facts it was computed from, so that an amount that
is all that was paid is not shown as an excess over a restated amount it never read."""

from __future__ import annotations

from typing import Any

from clawpolicy.evaluate.determination import AmountRule
from clawpolicy.evaluate.env import Env, Rec, join_path
from clawpolicy.evaluate.expressions import Evaluator


def named(rules: Any) -> AmountRule:
    """The amount's rule in force, where the amount is not computed (a pending award): the
    memo still heads the arithmetic with the policy's term for it."""
    entry = rules.recoverable
    return AmountRule._make(name=entry.rule.name, clause=entry.rule.citation.clause or "",
                            source=entry.source, reads=None,
                            label=getattr(entry.rule, "label", None) or None)


def unread(rule: AmountRule | None) -> AmountRule | None:
    """The same rule, its amount no longer computed (a range across answers)."""
    return rule.model_copy(update={"reads": None}) if rule is not None else None


def described(ev: Evaluator, env: Env, rec: Rec) -> AmountRule | None:
    """The amount's rule and the facts it read, in a run that gives reasons (the one a
    determination is written from); None in the runs that only try answers."""
    if not ev.reasons:
        return None
    entry = env.rules.recoverable
    rule = entry.rule
    outer, ev.reads = ev.reads, set()
    try:
        # Evaluated again in an environment of its own, whose rules and nodes hold no values
        # yet: each fact it reads is noted (a fact's value is still read once per evaluator).
        ev.eval(rule.body, Env(env.rules, env.award, dict(env.locals)))
    finally:
        found, ev.reads = ev.reads, outer
    if outer is not None:
        outer.update(found)
    reads = [key for key, path in ev.vocabulary.roles.item_summary
             if join_path(rec.path, path) in found]
    return AmountRule._make(name=rule.name, clause=rule.citation.clause or "",
                            source=entry.source, reads=reads,
                            label=getattr(rule, "label", None) or None)
