"""Revisions that change the same rule are alternatives: decide.py decides the award under
each way they can apply, and the policy's combination (the greater amount, or the lesser)
chooses one here, never both; the tie rule of docs/revisions.md ranks the rest."""

from __future__ import annotations

from typing import Any, NamedTuple

from clawpolicy.core.values import Money, Unknown
from clawpolicy.evaluate.caserun import AwardEvaluation
from clawpolicy.evaluate.tracking import Tracker, observe
from clawpolicy.syntax import ast

COVERED = {"recovery": 2, "no_recovery": 1, "not_covered": 0}


class Seen(NamedTuple):
    """A condition of an award's result as the combination reads it (`_preference`): where
    the result is never written (decide.Determiner.run's `bare` runs, which answer a
    question for outcomes and amounts alone), this is all that is recorded of it."""
    kind: str
    status: str
    source: str


def combine(how: str, results: list[tuple[list[ast.Revision], AwardEvaluation]],
            tracker: Tracker | None = None) -> AwardEvaluation:
    """The alternative the combination `how` chooses among `results` (each group of
    revisions with the award decided under it), with a note that says so; pending where
    an alternative that could win is pending. In a run that tries an answer to an amount
    or date (`tracker`), where the choice turns with the amounts compared is noted."""
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
    if tracker is not None and any(e.moving is not None for _, e in results):
        _note_turns(tracker, how, known, undecided, best, sign)
    if undecided and not (how == "greater" and best is not None and all(
            e.bound is not None and _cannot_win(e.bound, best[2].recoverable,
                                                best[2].result.outcome)
            for e in undecided)):
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


def _cannot_win(bound: Money, best: Money, outcome: str) -> bool:
    """Whether an undecided alternative that reaches at most `bound` loses to the best known
    one (`best`, of `outcome`) whatever its open facts give: by a lesser amount, or by the
    same amount where the best is already covered (an undecided alternative of the same
    amount may be covered where the best is not, and the tie rule then prefers it: the
    outcome would change)."""
    return bound.amount < best.amount or (bound.amount == best.amount
                                          and outcome != "not_covered")


def _note_turns(tracker: Tracker, how: str, known: list, undecided: list[AwardEvaluation],
                best: Any, sign: int) -> None:
    """Note, for the answer being tried, where the alternatives' comparisons turn: which
    known alternative wins, and whether each undecided one cannot win (the amounts as
    tracked, `AwardEvaluation.moving`; the rest of each ranking as it is at this answer)."""
    ranks = [_preference(group, e, sign)[1:] for _, group, e in known]
    if len(known) > 1:
        observe(tracker, lambda *amounts: max(range(len(known)), key=lambda i: (
            sign * amounts[i].amount, *ranks[i])), *(compared(e) for _, _, e in known))
    if how != "greater" or best is None:
        return
    for e in undecided:
        if e.bound is not None:
            observe(tracker, lambda b, a, o=best[2].result.outcome: _cannot_win(b, a, o),
                    compared(e), compared(best[2]))


def ordered(a: Money, b: Money) -> int:
    """How two amounts compare (-1, 0, 1): a comparison that turns on both sides of a tie,
    which the tracker can note (an equality holds at one answer alone)."""
    return (a.amount > b.amount) - (a.amount < b.amount)


def compared(e: AwardEvaluation) -> Any:
    """The amount of `e` the alternatives compare (its bound where it is pending), tracked
    where the answer tried moves it."""
    if e.moving is not None:
        return e.moving
    return e.bound if e.result.outcome == "pending" else e.recoverable


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
