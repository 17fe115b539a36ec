"""Where one award's amounts in two of a search's combinations meet (exact.Exact._enumerate).

Within one run the tracker notes where each comparison turns (tracking.py). Two combinations
that answer the group's amounts and dates alike but its other facts differently (a
misconduct found, or not) each decide the award under its own answers; where the award's
amount moves with an answer in one and not (or otherwise) in the other, the award is
settled where the two amounts agree and turns on the other facts where they part. No run
compares them, so the answer at which they meet or part is noted here, each amount as the
function of the answer it is (`AwardEvaluation.moving`)."""

from __future__ import annotations

from itertools import combinations
from typing import Any, Iterable

from clawpolicy.evaluate.combine import compared, ordered
from clawpolicy.evaluate.tracking import Scale, Tracked, Tracker, observe, plain


def note_meets(tracker: Tracker, facts: list[str], domains: dict[str, Any],
               leaves: list[tuple[dict, Any]], awards: list[int]) -> None:
    """For each award of the group, each two combinations (`leaves`: each with its answers)
    that give the group's amounts and dates the same answers, and of which one at least
    holds the award's amount as tracked: the answer at which the two amounts meet or part."""
    tracked = [f for f in facts if isinstance(domains.get(f), Scale)]
    if not tracked:
        return
    by_samples: dict[tuple, list] = {}
    for assigned, combo in leaves:
        samples = tuple(assigned.get(f) for f in tracked)
        if None not in samples:
            by_samples.setdefault(samples, []).append(combo)
    for samples, combos in by_samples.items():
        if len(combos) < 2:
            continue
        tracker.samples.update(zip(tracked, samples))
        for i in awards:
            moving, fixed = _distinct(_amount(c.evaluation.get(i)) for c in combos)
            if not moving:
                continue
            for a, b in [*combinations(moving, 2), *((m, f) for m in moving for f in fixed)]:
                if plain(a).unit == plain(b).unit:
                    observe(tracker, ordered, a, b)


def _distinct(amounts: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """The tracked amounts, each once (a part the award memo kept is the same object in
    every combination that took it), and the fixed ones, each value once."""
    moving: dict[int, Any] = {}
    fixed: dict[Any, Any] = {}
    for m in amounts:
        if type(m) is Tracked:
            moving.setdefault(id(m), m)
        elif m is not None:
            fixed.setdefault((m.amount, m.unit), m)
    return list(moving.values()), list(fixed.values())


def _amount(e: Any) -> Any:
    """The award's decided amount in one combination, tracked where an answer moves it
    (None where it is pending: it has no amount to meet)."""
    if e is None or e.result.outcome == "pending" or e.recoverable is None:
        return None
    return compared(e)
