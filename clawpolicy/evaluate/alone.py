"""Where the answers to an amount or a date asked alone turn (questions.fallback_answers'
`turns`): where a search saw them turn (`seen`), and where nothing else says (`turns`): the
policy names no point of it (it is compared only with amounts or dates the case computes),
and no search saw it turn (its group's search stopped before answering it, at a record left
unknown as a whole). The fact is tracked alone (tracking.py), the case's other unknowns left
unknown: each interval between the points found so far is sampled, in rounds, until no new
point appears (exact.ROUNDS at most), as the exactness search does for its facts. Without
these points the fact's question had no answer to give."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clawpolicy.evaluate import searching
from clawpolicy.evaluate.expressions import EvaluationError
from clawpolicy.evaluate.tracking import Scale, Tracker

if TYPE_CHECKING:
    from clawpolicy.evaluate.exact import Exact, Group


def seen(turns: dict[str, list], group: "Group", fact: str) -> None:
    """The points at which the group's search saw an answer to `fact` turn, added to those
    `fact` is asked alone at."""
    tracker = group.tracker
    if fact in tracker.scales:
        turns.setdefault(fact, []).extend(tracker.scales[fact].point(i + 1)
                                          for i in tracker.thresholds.get(fact, []))


def turns(exact: "Exact", fact: str) -> list[Any]:
    """The first answer past each point at which an answer to `fact` turns (as `seen`
    gives a search's); none where it is no amount or date."""
    from clawpolicy.evaluate.exact import ROUNDS

    domain = exact.domain(fact)
    if not isinstance(domain, Scale):
        return []
    tracker = Tracker({fact: domain}, given=searching.SHORTCUTS)
    exact._seed(tracker, fact, domain)
    for _ in range(ROUNDS):
        before = list(tracker.thresholds.get(fact, []))
        for first, _ in tracker.points(fact):
            try:
                exact.searcher.run({fact: tracker.wrap(fact, first)}, reasons=False,
                                   reuse=exact.run, tracker=tracker)
            except EvaluationError:  # an answer at which the evaluation fails: not one
                continue
        if tracker.thresholds.get(fact, []) == before:
            break
    return [domain.point(i + 1) for i in tracker.thresholds.get(fact, [])]


def needed(exact: "Exact", facts: list[str]) -> tuple[list[str], set[str]]:
    """The facts to ask alone that need a question, and those that need none: one with a
    single admissible answer (a record the policy reads only through its fields, given with
    its fields not known, exact.Exact.domain) cannot change anything; its fields are asked."""
    from clawpolicy.evaluate.exact import Finite

    def one(fact: str) -> bool:
        domain = exact.domain(fact)
        return isinstance(domain, Finite) and len(domain.answers) == 1
    skipped = {f for f in facts if one(f)}
    return [f for f in facts if f not in skipped], skipped


def named(facts: list[str] | None, skipped: set[str], asked: set[str]) -> list[str] | None:
    """The facts an answer leaves the case pending on, a record not asked (`needed`) named
    by its fields that are."""
    if not facts or not skipped.intersection(facts):
        return facts
    found = [g for f in facts for g in
             (sorted(a for a in asked if a.startswith(f + ".")) if f in skipped else [f])]
    return list(dict.fromkeys(found)) or None
