"""What the exactness search takes from an earlier result instead of running again, where it
can be shown that the run would give the same: an answer asked alone that is alike an
earlier one of its fact (`Leads`). A search shortcut (searching.SHORTCUTS):
tests/test_search.py holds it to the search without it."""

from __future__ import annotations

from typing import Any, Callable

from clawpolicy.evaluate import searching
from clawpolicy.evaluate.alike import representatives
from clawpolicy.evaluate.caserun import CaseRun
from clawpolicy.evaluate.questions import forced
from clawpolicy.evaluate.tracking import Tracker


def version(tracker: Tracker | None) -> int:
    """How many thresholds the tracker holds: they are only ever added to."""
    return sum(map(len, tracker.thresholds.values())) if tracker is not None else 0


class Leads:
    """Where each answer of one fact asked alone leads (settle._settled_answer, `settled`),
    for questions.fallback_answers. An answer alike an earlier one (alike.py: every test the
    policy makes on the fact treats them alike) that forces the same other facts leads where
    that one led, without a search of its own: that search settles the answer from runs
    without reasons alone, and no such run can tell the two apart, so each of its steps is the
    same under either (its thresholds and the memo's parts included)."""

    def __init__(self, settled: Callable[[Any, str, Any], CaseRun]):
        self.settled = settled
        self.led: list[tuple[Any, CaseRun]] = []

    def __call__(self, determiner: Any, fact: str, value: Any) -> CaseRun:
        if searching.SHORTCUTS:
            for other, run in self.led:
                if representatives(determiner.policy, fact, [other, value]) is not None \
                        and forced(determiner, fact, other) == forced(determiner, fact, value):
                    return run
        run = self.settled(determiner, fact, value)
        self.led.append((value, run))
        return run
