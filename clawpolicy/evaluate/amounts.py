"""An award's amounts and the policy's notes, for decide.Determiner: once its conditions
are met (or, bounding, as if its open ones were), the recoverable amount, what an exception
excuses of it (tracked, as the amount is, where an answer the search tries moves it) and the
remedies that reach it, with the notes that say why (`derive`); the
most a pending award could recover (`bound`); and the policy's notes whose `when` holds for
the award (`policy_notes`). Each takes the determiner `d` deciding the award: its `_rule`, `_at`,
`_result` and `_amounts` (which searching.Searching keeps apart) are the determiner's own."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from clawpolicy.revise import rules as rs
from clawpolicy.evaluate import amountrule
from clawpolicy.evaluate.caserun import AwardEvaluation
from clawpolicy.evaluate.determination import Condition, Excused, Note, Remedy, amount
from clawpolicy.evaluate.env import Env, Rec
from clawpolicy.evaluate.expressions import Evaluator
from clawpolicy.evaluate.reasons import made, said
from clawpolicy.evaluate.tracking import Tracked, lift, observe, plain
from clawpolicy.syntax import ast
from clawpolicy.core.values import Money, Unknown


def citation(rule: ast.Rule | ast.Revision) -> tuple[str, str]:
    return rule.citation.clause or "", " … ".join(rule.citation.quotes)


def money(value: Any, rec: Rec, ev: Evaluator) -> Money:
    """An amount of an award: a plain number is in the award's unit."""
    return value if isinstance(value, Money) else \
        Money(Decimal(value), ev.vocabulary.unit_of(rec.type, rec.data))


def derive(d: Any, ev: Evaluator, env: Env, rec: Rec, conditions: list[Condition],
             notes: list[str], bounding: bool = False) -> AwardEvaluation:
    rules = env.rules
    rc_entry = rules.recoverable
    # The amounts are read as the evaluator computed them, tracked where an answer being
    # tried moves them (tracking.py): the comparisons below note where they turn too.
    rc_t = ev.eval_t(rc_entry.rule.body, env)
    if isinstance(rc_t, Unknown):
        return d._result(rec, rules, "pending", conditions, [], notes, [rc_t], None, None)
    rc_t = lift(lambda v: money(v, rec, ev), rc_t)
    rc = plain(rc_t)
    excused, part_t, unknowns = _excuse(ev, env, rec, rc_t, notes, bounding)
    excusing = notes[-1] if excused is not None else None
    part = plain(part_t)
    if part:
        rc_t = lift(lambda r, p: Money(r.amount - p, r.unit), rc_t, part_t)
    owed = plain(rc_t)
    # The note that decides the amount, for an award that recovers nothing: the exception's
    # (where it excuses all of it), else an amount of nothing, else remedies that reach less.
    deciding = excusing if owed.amount <= 0 else None
    reachable: list[tuple[rs.Sourced, Money]] = []
    caps: list[Any] = []
    # Where an exception excuses all that is owed, no remedy has anything to reach.
    for entry in rules.of("remedy") if owed.amount > 0 or not part else ():
        rule = entry.rule
        barred = ev.eval(rule.unless, env) if rule.unless is not None else False
        if isinstance(barred, Unknown):
            unknowns.append(barred)
            continue
        if barred:
            notes.append(said(ev, "explain", rule.unless, env,
                              f"{rule.name} is not available: "))
            continue
        cap_t = ev.eval_t(rule.body, env)
        if isinstance(cap_t, Unknown):
            unknowns.append(cap_t)
            continue
        cap_t = lift(lambda v: money(v, rec, ev), cap_t)
        cap = plain(cap_t)
        # No remedy reaches what is excused: each is capped by what is owed (tracked).
        if part and observe(ev.tracker, lambda c, o: c.amount > o.amount, cap_t, rc_t):
            cap_t = lift(lambda c, o: Money(min(c.amount, o.amount), c.unit), cap_t, rc_t)
            cap = plain(cap_t)
        if observe(ev.tracker, lambda c: c.amount <= 0, cap_t):
            notes.append(said(ev, "describe", rule.body, env,
                              f"{rule.name} reaches nothing in this award: "))
            continue
        reachable.append((entry, cap))
        caps.append(cap_t)
    for r in rules.removed:
        if r.kind == "remedy":
            notes.append(f"{r.name} is removed for this participant by revision {r.source}")
    if unknowns:
        return d._result(rec, rules, "pending", conditions, [], notes, unknowns, None, rc)
    reach_t = lift(lambda *cs: sum((c.amount for c in cs), Decimal(0)), *caps)
    observe(ev.tracker, lambda r, s: r.amount <= s, rc_t, reach_t)
    recoverable_t = lift(lambda r, s: Money(max(Decimal(0), min(r.amount, s)), r.unit),
                         rc_t, reach_t)
    observe(ev.tracker, lambda r: r.amount > 0, recoverable_t)
    recoverable = plain(recoverable_t)
    if rc.amount <= 0:
        notes.append(said(ev, "describe", rc_entry.rule.body, env,
                          f"nothing is recoverable: {rc_entry.rule.name} = "))
        deciding = notes[-1]
    elif recoverable.amount < owed.amount:
        notes.append(f"{rc_entry.rule.name} is {owed}"
                     + (" once excused" if part else "")
                     + f", but the available remedies reach only {recoverable}")
        deciding = notes[-1] if deciding is None else deciding
    outcome = "recovery" if recoverable.amount > 0 else "no_recovery"
    shown = [made(
        Remedy, "because", said(ev, "describe", e.rule.body, env, after=(
            f", less {Money(part, rc.unit)} excused by {excused.exception}"
            if excused is not None and cap.amount >= owed.amount else "")),
        kind=e.rule.name, modality=e.rule.modality, up_to=amount(cap),
        clause=citation(e.rule)[0], quote=citation(e.rule)[1], source=e.source,
        modality_from=e.modality_from, enforced_by=e.rule.enforced_by)
        for e, cap in reachable] if outcome == "recovery" else []
    evaluation = d._result(rec, rules, outcome, conditions, shown, notes, [], recoverable, rc,
                           excused)
    evaluation.result.__dict__["recoverable_rule"] = amountrule.described(ev, env, rec)
    if type(recoverable_t) is Tracked:
        evaluation.moving = recoverable_t
    if deciding is not None:
        evaluation.result.deciding(deciding)
    return evaluation


def bound(d: Any, ev: Evaluator, env: Env, rec: Rec) -> tuple[Money | None, Any]:
    """The most this award could recover if every open condition were met: the amount the
    remedies reach, if the amount and the remedies are known already; and that amount as
    tracked where an answer tried moves it (AwardEvaluation.moving), else None."""
    trial = d._amounts(ev, env, rec, [], [], bounding=True)
    if trial.result.outcome == "pending":
        return None, None
    return trial.recoverable, trial.moving


def _excuse(ev: Evaluator, env: Env, rec: Rec, rc_t: Any, notes: list[str],
            bounding: bool) -> tuple[Excused | None, Any, list[Unknown]]:
    """The first exception in force that excuses part of the recoverable amount: what it
    excuses (at most that amount; tracked as `rc_t` is), or the unknown it turns on.
    `bounding` (the most the award could recover) takes an exception not known to hold as
    not holding."""
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
            # It moves with an answer tried as the recoverable amount does (what the whole
            # of 500,000 - R excuses is 500,000 - R, not the amount at the answer tried): a
            # constant here would turn the result at every answer tried.
            part_t = lift(lambda v, r: min(max(money(v, rec, ev).amount, Decimal(0)),
                                           r.amount), value, rc_t)
            if observe(ev.tracker, lambda p: p <= 0, part_t):
                continue
            part = plain(part_t)
            notes.append(said(ev, "explain", rule.when, env,
                              f"{rule.name} excuses {Money(part, rc.unit)} of "
                              f"{env.rules.recoverable.rule.name}: "))
            excused = amount(Money(part, rc.unit))
            clause, quote = citation(rule)
            return Excused._make(amount=excused.amount, unit=excused.unit, exception=rule.name,
                                 clause=clause, quote=quote, source=entry.source), part_t, []
    return None, Decimal(0), []


def policy_notes(d: Any, ev: Evaluator, env: Env, rec: Rec) -> list[Note]:
    """The policy's notes whose `when` holds for this covered award, evaluated apart from its
    decision: the facts they read and the points at which they compare an unknown
    (`ev.reads`, `ev.pivots`) are no part of it, as in a run that answers a question, which
    evaluates no note (decide.Determiner.run); the awards such a run takes from one that
    evaluated them are then as deciding them there gives them (settle._answered_run)."""
    rules, own = env.rules, d.shared is None  # (`_at` is `env` then, as decide.py's loop)
    reads, pivots = ev.reads, ev.pivots
    ev.reads, ev.pivots = None, {}
    try:
        return [Note._make(award=rec.ident, rule=e.rule.name,
                           clause=e.rule.citation.clause or "", text=e.rule.text or "",
                           source=e.source)
                for e in rules.of("note") for body in (e.rule.body,)
                if d._rule(ev, body, env if own else d._at(rules, rec, body, env), rules) is True]
    finally:
        ev.reads, ev.pivots = reads, pivots

