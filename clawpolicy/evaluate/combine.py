"""Revisions that change the same rule are alternatives: decide.py decides the award under
each way they can apply, and the policy's combination (the greater amount, or the lesser)
chooses one here, never both; the tie rule of docs/revisions.md ranks the rest."""

from __future__ import annotations

from typing import Any, NamedTuple

from clawpolicy.core.values import Unknown
from clawpolicy.evaluate.caserun import AwardEvaluation
from clawpolicy.syntax import ast

COVERED = {"recovery": 2, "no_recovery": 1, "not_covered": 0}


class Seen(NamedTuple):
    """A condition of an award's result as the combination reads it (`_preference`): where
    the result is never written (decide.Determiner.run's `bare` runs, which answer a
    question for outcomes and amounts alone), this is all that is recorded of it."""
    kind: str
    status: str
    source: str


def combine(how: str, results: list[tuple[list[ast.Revision], AwardEvaluation]]) \
        -> AwardEvaluation:
    """The alternative the combination `how` chooses among `results` (each group of
    revisions with the award decided under it), with a note that says so; pending where
    an alternative that could win is pending."""
    summary = "; ".join(
        f"{' + '.join(r.name for r in group) or 'the policy alone'} gives "
        + (str(e.recoverable) if e.recoverable is not None else
           f"up to {e.bound} once its open facts are settled" if e.bound is not None
           else "an amount not known yet")
        for group, e in results)
    known = [(i, group, e) for i, (group, e) in enumerate(results)
             if e.result.outcome != "pending"]
    undecided = [e for _, e in results if e.result.outcome == "pending"]
    # The tie rule (docs/revisions.md): the policy's combination first; then the most
    # specific covered result (recovery over no_recovery over not_covered); then the
    # alternative whose revisions changed more of the rules that decided the result;
    # then the one with fewer revisions that decided nothing; then by the revisions'
    # names. Never the position of a revision in the policy.
    sign = 1 if how == "greater" else -1
    best = max(known, key=lambda k: _preference(k[1], k[2], sign), default=None)
    if undecided and not (how == "greater" and best is not None and all(
            e.bound is not None and _cannot_win(e.bound.amount, best[2]) for e in undecided)):
        unknowns = [u for e in undecided for u in e.unknowns]
        return pending(undecided[0], unknowns,
                       f"the revisions are alternatives ({summary}); which gives "
                       f"the {how} amount is not known yet")
    _, group, evaluation = best
    names = " + ".join(r.name for r in group) or "the policy alone"
    evaluation.result.notes.append(
        f"alternatives that change the same rules, combined by the {how} amount, never "
        f"both: {summary}; {names} applies")
    return evaluation


def _cannot_win(bound: Any, best: AwardEvaluation) -> bool:
    """Whether an undecided alternative that reaches at most `bound` loses to `best` whatever
    its open facts give: by a lesser amount, or by the same amount where `best` is already
    covered (an undecided alternative of the same amount may be covered where `best` is not,
    and the tie rule then prefers it: the outcome would change)."""
    amount = best.recoverable.amount
    return bound < amount or (bound == amount and best.result.outcome != "not_covered")


def pending(evaluation: AwardEvaluation, unknowns: list[Unknown], note: Any,
            **result: Any) -> AwardEvaluation:
    """The award left pending on `unknowns`, with `note` saying why; `result` sets more
    fields of the award's result."""
    result = evaluation.result.model_copy(update={
        "outcome": "pending", "recoverable": None, "remedies": [], "excused": None,
        "outstanding": None,
        "notes": evaluation.result.notes + [note], **result})
    return AwardEvaluation(result, unknowns, None, evaluation.notes)


def _preference(group: list[ast.Revision], e: AwardEvaluation, sign: int) -> tuple:
    """How an alternative ranks among others (the greater wins)."""
    r = e.result
    if r.outcome == "not_covered":
        deciding = [c.source for c in r.conditions if c.kind == "scope" and c.status == "not_met"]
    elif r.outcome == "no_recovery" and any(c.status == "not_met" for c in r.conditions):
        deciding = [c.source for c in r.conditions if c.status == "not_met"]
    else:
        deciding = [c.source for c in r.conditions if c.status == "met"] + \
            [r.recoverable_from] + [m.modality_from or m.source for m in r.remedies]
    changed = [d for d in deciding if d != "policy"]
    idle = [g.name for g in group if g.name not in changed]
    return (sign * e.recoverable.amount, COVERED[r.outcome], len(changed), -len(idle),
            sorted((g.name for g in group), reverse=True))
