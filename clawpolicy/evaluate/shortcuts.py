"""What the exactness search takes from an earlier result instead of running again, where it
can be shown that the run would give the same: an amount's interval whose first answer is
decided by a rule that does not hold (its last answer takes the same path, `interval_end`),
and an answer asked alone that is alike an earlier one of its fact (`Leads`). Both are search
shortcuts (searching.SHORTCUTS): tests/test_search.py holds them to the search without them."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from clawpolicy.evaluate import searching
from clawpolicy.evaluate.alike import signature
from clawpolicy.evaluate.caserun import AwardEvaluation, CaseRun
from clawpolicy.evaluate.questions import forced
from clawpolicy.evaluate.tracking import Scale, Tracker
from clawpolicy.revise import rules as rs


def version(tracker: Tracker | None) -> int:
    """What the tracker knows, by its count (tracking.Tracker.version)."""
    return tracker.version() if tracker is not None else 0


def interval_end(exact: Any, group: Any, assigned: dict, key: tuple, cache: dict) -> Any:
    """The combination at the last answer of an amount's interval (exact.Exact.answers tries
    both its ends), taken from the one at its first answer, the other answers the same, where
    that one decided every award of the group by a scope or condition rule that does not hold
    (not covered, or no recovery by a condition not met: no amount derived), noted no
    threshold, and none has been noted since. Its run compared the answer, tracked, with the
    interval's last answer at every comparison it made (tracking.Tracker.observe: the
    thresholds either side of the sample), and each gave the same there; so the run at the
    last answer takes the same path to the same rules' values and outcomes, notes no threshold
    either, and answers no amount differently. Only where one amount is answered (a value
    tracked on two is no longer followed), for the awards of a group, not the whole case, and
    under a policy without revisions (whose alternatives and bounds derive amounts) or other
    amounts (which may read the answer): else None, and the search runs it."""
    scaled = [f for f in assigned if isinstance(group.domains[f], Scale)]
    if len(scaled) != 1 or exact.run.unknowns or not _fixed(exact.determiner.policy):
        return None
    fact = scaled[0]
    if isinstance(group.domains[fact].lo, dt.date):  # a date's interval is tried once
        return None
    start = next((a for a, b in group.tracker.points(fact)
                  if b == assigned[fact] and a != b), None)
    if start is None:
        return None
    first_key = tuple(sorted({**assigned, fact: start}.items(), key=lambda kv: kv[0]))
    first = cache.get(first_key)
    now = version(group.tracker)
    if first is None or group.clean.get(first_key) != now or first.open \
            or not all(_by_rule(first.evaluation[i]) for i in group.awards):
        return None
    group.clean[key] = now  # as its run would leave it
    return first


def _fixed(policy: Any) -> bool:
    return not policy.revisions and not rs.others(policy, []).of("other")


def _by_rule(e: AwardEvaluation) -> bool:
    """Decided by a rule that does not hold: outside the scope, or a condition not met."""
    outcome = e.result.outcome
    kind = "scope" if outcome == "not_covered" else "condition"
    return outcome in ("not_covered", "no_recovery") and any(
        c.kind == kind and c.status == "not_met" for c in e.result.conditions)


class Leads:
    """Where each answer of one fact asked alone leads (settle._settled_answer, `settled`),
    for questions.fallback_answers. An answer alike an earlier one (alike.py: every test the
    policy makes on the fact gives them the same, their `signature`) that forces the same
    other facts leads where that one led, without a search of its own: that search settles
    the answer from runs without reasons alone, and no such run can tell the two apart, so
    each of its steps is the same under either (its thresholds and the memo's parts
    included)."""

    def __init__(self, settled: Callable[..., CaseRun]):
        self.settled = settled
        self.led: dict[tuple, CaseRun] = {}  # by signature and the facts forced

    def __call__(self, determiner: Any, fact: str, value: Any, *given: Any) -> CaseRun:
        # `given`: other facts the answer gives with it (a list's item with one field given,
        # questions.fallback_answers): such an answer is searched for itself.
        mark = signature(determiner.policy, fact, value) \
            if searching.SHORTCUTS and not given else None
        key = None if mark is None else (mark, tuple(forced(determiner, fact, value).items()))
        run = self.led.get(key) if key is not None else None
        if run is None:
            run = self.settled(determiner, fact, value, *given)
            if key is not None:
                self.led[key] = run
        return run
