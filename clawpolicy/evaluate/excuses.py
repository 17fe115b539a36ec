"""The exceptions of a policy (its `excuse` rules): what the first in force excuses of an
award's recoverable amount, with the note that says so, tracked as the amount is where an
answer the exactness search tries moves it (tracking.py). Used by decide.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clawpolicy.core.values import Money, Unknown
from clawpolicy.evaluate.determination import Excused, amount
from clawpolicy.evaluate.env import Env, Rec
from clawpolicy.evaluate.expressions import Evaluator
from clawpolicy.evaluate.reasons import said
from clawpolicy.evaluate.tracking import lift, observe, plain
from clawpolicy.syntax import ast


def citation(rule: ast.Rule | ast.Revision) -> tuple[str, str]:
    return rule.citation.clause or "", " … ".join(rule.citation.quotes)


def award_money(value: Any, rec: Rec, ev: Evaluator) -> Money:
    """An amount of an award: a plain number is in the award's unit."""
    return value if isinstance(value, Money) else \
        Money(Decimal(value), ev.vocabulary.unit_of(rec.type, rec.data))


def excuse(ev: Evaluator, env: Env, rec: Rec, rc_t: Any, notes: list[str],
           bounding: bool) -> tuple[Excused | None, Any, list[Unknown]]:
    """The first exception in force that excuses part of the recoverable amount: what it
    excuses (at most that amount; tracked as `rc_t` is), or the unknown it turns on.
    `bounding` takes an exception not known to hold as not holding."""
    rc = plain(rc_t)
    if rc.amount <= 0:
        return None, Decimal(0), []
    for entry in env.rules.of("excuse"):
        rule = entry.rule
        test = ev.eval(rule.when, env)
        value = ev.eval_t(rule.body, env) if test is True else None
        for open_ in (test, value):
            if isinstance(open_, Unknown):
                if bounding:
                    break
                recoverable = env.rules.recoverable.rule.name
                notes.append(
                    said(ev, "explain", rule.when, env, f"whether {rule.name} excuses "
                         f"part of {recoverable} is not known yet: ") if open_ is test
                    else said(ev, "describe", rule.body, env, f"{rule.name} applies, but "
                              f"how much of {recoverable} it excuses is not known yet: "))
                return None, Decimal(0), [open_]
        else:
            if test is not True:
                continue
            # It moves with an answer tried as the recoverable amount does: a constant
            # here would turn the result at every answer tried.
            part_t = lift(lambda v, r: min(max(award_money(v, rec, ev).amount, Decimal(0)),
                                           r.amount), value, rc_t)
            if observe(ev.tracker, lambda p: p <= 0, part_t):
                continue
            part = plain(part_t)
            notes.append(said(ev, "explain", rule.when, env,
                              f"{rule.name} excuses {Money(part, rc.unit)} of "
                              f"{env.rules.recoverable.rule.name}: "))
            excused = amount(Money(part, rc.unit))
            return Excused._make(amount=excused.amount, unit=excused.unit,
                                 exception=rule.name, clause=citation(rule)[0]), part_t, []
    return None, Decimal(0), []
