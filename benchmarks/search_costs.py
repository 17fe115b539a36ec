"""Where the exactness rule's time goes, on run.py's generated mixes: per mix, the awards the
facts known leave pending, their candidates and answers, every run the search makes by kind
(the combinations of answers, the sub-searches that settle an answer past the bound or of a
fact whose answers cannot be listed, the runs that show a settled award with its reasons),
the comparisons the tracker follows, and the CPU of each, exclusive (a run inside a
sub-search counts to the sub-search). Then each search by how it ended (`endings`): run to its
end, past the bound, still moving, stopped by its watch or once its answers passed the bound,
or given back by its probe (watch.py), the determination's own apart from the sub-searches of
answers asked alone, with the runs and the CPU (inclusive) of each kind; a search that gives
its run back pays for every run it made. Last, the runs by where they are made (`places`):
the determination's first run, its own searches, a sub-search's first run, its probe and its
search, each with the awards decided afresh in them (the award memo's misses) and the CPU of
the runs (inclusive): how many runs a search makes is the search's, what a run costs the
evaluator's.

    python benchmarks/search_costs.py [--cases 60] [--mixed 12] [--seed 2024] [--repeats 3]
    PYTHONPATH=/some/snapshot python benchmarks/search_costs.py   # another commit's code

It instruments clawpolicy's internals (evaluate/exact.py, settle.py, tracking.py) by wrapping
their functions: a snapshot without one of them counts nothing for it. CPU is
time.process_time, the fastest of the repeats by total; under the wrappers everything runs
somewhat slower, so read the shares against the first run, not the milliseconds.
"""

from __future__ import annotations

import argparse
import collections
import decimal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from generate import generate_list  # noqa: E402
from clawpolicy import api  # noqa: E402
from clawpolicy.evaluate import awardmemo, decide, determine, exact, settle, tracking  # noqa: E402
from clawpolicy.evaluate import watch as watching  # noqa: E402

_SUB = "sub-searches (all their runs)"
# (owner, function name, kind): the kinds of work, innermost wins (but within a sub-search).
_KINDS = [
    (api, "evaluate", "rest: the determination built and rendered"),
    (settle, "settle", "search: groups, answers, questions"),
    (exact.Exact, "evaluate", "combination runs"),
    (exact.Exact, "representative", "runs showing a settled award"),
    (exact.Exact, "representatives", "runs showing a settled award"),
    (settle, "_settled_answer", "sub-searches (all their runs)"),
    (tracking.Tracker, "observe", "tracked comparisons (Tracker.observe)"),
]


def around(owner: object, name: str, enter: Any, leave: Any) -> None:
    """`owner.name` wrapped: `enter(its arguments)` before each call, `leave()` after (nothing
    where a snapshot has no such function)."""
    inner = getattr(owner, name, None)
    if inner is None:
        return

    def wrapped(*args, **kwargs):
        enter(args)
        try:
            return inner(*args, **kwargs)
        finally:
            leave()
    setattr(owner, name, wrapped)


class Clock:
    """Exclusive CPU and calls by kind, through wrapped functions."""

    def __init__(self) -> None:
        self.cpu: collections.Counter = collections.Counter()
        self.calls: collections.Counter = collections.Counter()
        self.stack: list[list] = []

    def wrap(self, owner: object, name: str, kind: str) -> None:
        around(owner, name, lambda args: self.enter(kind), self.leave)

    def enter(self, kind: str) -> None:
        within = any(k == _SUB for k, _ in self.stack)
        kind = _SUB if within else kind
        now = time.process_time()
        if self.stack:
            self.cpu[self.stack[-1][0]] += now - self.stack[-1][1]
        self.stack.append([kind, now])
        self.calls[kind] += not within

    def leave(self) -> None:
        now = time.process_time()
        kind, since = self.stack.pop()
        self.cpu[kind] += now - since
        if self.stack:
            self.stack[-1][1] = now


def instrument(clock: Clock) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for owner, name, kind in _KINDS:
        clock.wrap(owner, name, kind)
    run = decide.Determiner.run

    def first_run(self, overrides=None, *args, **kwargs):
        # The determination's own run (nothing answered, nothing reused, not in a search).
        first = not overrides and not kwargs.get("reuse") and len(clock.stack) == 1 \
            and clock.stack[0][0].startswith("rest")
        if first:
            clock.enter("first run: one evaluation, with reasons")
        try:
            return run(self, overrides, *args, **kwargs)
        finally:
            if first:
                clock.leave()
    decide.Determiner.run = first_run
    runs = decide.Determiner._run

    def counted(self, *args, **kwargs):
        counts["runs"] += 1
        return runs(self, *args, **kwargs)
    decide.Determiner._run = counted
    groups = exact.Exact.groups

    def counted_groups(self):
        found = groups(self)
        if not self.outcome_only:  # the determination's own search, not a sub-search
            for group in found:
                counts["groups"] += 1
                counts["candidates"] += len(group.cited)
                counts["facts searched"] += len(group.facts)
                counts["answers"] += sum(len(self.answers(group, f)) for f in group.facts
                                         if group.domains.get(f) is not None)
                counts["combinations"] += len(group.combinations)
                counts["past the bound or not listable"] += not group.combinations
        return found
    exact.Exact.groups = counted_groups
    observe = tracking.Tracker.observe

    def counted_observe(self, fact, outcome, *more, **named):
        def g(x):
            counts["tracked comparison evaluations"] += 1
            return outcome(x)
        return observe(self, fact, g, *more, **named)
    tracking.Tracker.observe = counted_observe
    return counts


def ending(group: exact.Group, probed: bool, grown: bool) -> str:
    """How a search ended, as settle.py reads it."""
    if group.combinations:
        return "run to its end"
    if group.undecided and grown:
        return "stopped, its answers past the bound (Watch.grown)"
    if group.overflow and grown:  # (its awards then searched one by one, split.py)
        return "stopped past the bound, split (Watch.grown)"
    if group.undecided:
        return "given back by its probe" if probed else "stopped by its watch"
    if group.overflow == exact.BOUND + 1:
        return "past the bound, counting to it"
    if group.overflow:
        return "past the bound, by its answers' product"
    if group.moving:
        return "still moving after its rounds"
    return "not enumerated (a whole record)"


def endings(counts: collections.Counter) -> collections.Counter:
    """Each search (exact.Exact.enumerate) by how it ended, the determination's own apart
    from the sub-searches: searches, runs (decide.Determiner._run) and CPU, inclusive, under
    `(kind, ending, what)` in the counter it returns (cleared by the caller with `counts`)."""
    found: collections.Counter = collections.Counter()
    enumerate_, probe = exact.Exact.enumerate, watching.probe
    grown = getattr(watching.Watch, "grown", None)  # (not in a snapshot before it)
    probed: list[bool] = []
    stopped: list[bool] = []

    def probing(*args, **kwargs):
        shown = probe(*args, **kwargs)
        probed.append(shown is None)
        return shown
    watching.probe = probing

    def growing(*args, **kwargs):
        past = grown(*args, **kwargs)
        stopped.append(past is not None)
        return past
    if grown is not None:
        watching.Watch.grown = growing

    def timed(self, group):
        runs, start = counts["runs"], time.process_time()
        probed.clear()
        stopped.clear()
        try:
            return enumerate_(self, group)
        finally:
            kind = "sub-searches" if self.outcome_only else "the determination's own"
            key = (kind, ending(group, any(probed), any(stopped)))
            found[key + ("searches",)] += 1
            found[key + ("runs",)] += counts["runs"] - runs
            found[key + ("cpu",)] += time.process_time() - start
    exact.Exact.enumerate = timed
    return found


def places(counts: collections.Counter) -> collections.Counter:
    """Each run (decide.Determiner._run) by where it is made, with the awards it decided afresh
    (awardmemo.AwardMemo._decided: the memo's misses) and its CPU, inclusive, under
    `(place, what)` in the counter it returns (cleared by the caller with `counts`)."""
    found: collections.Counter = collections.Counter()
    where: list[str] = []
    first = "the determination's first run (and its reasons shown)"

    def within(owner: object, name: str, place: str | None) -> None:
        around(owner, name, lambda args: where.append(
            place if place is not None else "a sub-search's search" if args[0].outcome_only
            else "the determination's own search"), where.pop)
    within(settle, "_settled_answer", "a sub-search's first run")
    within(exact.Exact, "enumerate", None)
    within(watching, "probe", "a sub-search's probe")
    runs, decided = decide.Determiner._run, awardmemo.AwardMemo._decided

    def run(*args, **kwargs):
        place = where[-1] if where else first
        start = time.process_time()
        try:
            return runs(*args, **kwargs)
        finally:
            found[(place, "runs")] += 1
            found[(place, "cpu")] += time.process_time() - start
    decide.Determiner._run = run

    def afresh(*args, **kwargs):
        found[(where[-1] if where else first, "decided")] += 1
        return decided(*args, **kwargs)
    awardmemo.AwardMemo._decided = afresh
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=60, help="single-award cases per policy")
    parser.add_argument("--mixed", type=int, default=12, help="cases of 1-20 awards")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    clock = Clock()
    counts = instrument(clock)
    ended = endings(counts)
    placed = places(counts)
    print(f"clawpolicy from {common.source()}; seed {args.seed}; CPU ms per case, exclusive, "
          f"fastest of {args.repeats}")
    for name in ("qualys-2019.claw", "qualys.claw"):
        policy = api.compile_policy(common.ROOT / "policies" / name)
        for n, hi in ((args.cases, 1), (args.mixed, 20)):
            cases = [common.prevalidate(c) for c in generate_list(n, args.seed, 1, hi)]
            with decimal.localcontext(determine.ARITHMETIC):
                pending = sum(e.result.outcome == "pending" for c in cases
                              for e in decide.Determiner(policy, c.case, {}).run().awards)
            best = None
            for _ in range(args.repeats + 1):  # the first pass warms up
                clock.cpu.clear()
                clock.calls.clear()
                counts.clear()
                ended.clear()
                placed.clear()
                for lc in cases:
                    api.evaluate(policy, lc)
                total = sum(clock.cpu.values())
                if best is None or total < best[0]:
                    best = (total, dict(clock.cpu), dict(clock.calls), dict(counts),
                            dict(ended), dict(placed))
            total, cpu, calls, found, how, at = best
            first = cpu.get("first run: one evaluation, with reasons", 0) or 1e-9
            print(f"\n{name}, {n} cases of 1-{hi} awards: {pending} awards pending as the "
                  f"facts known decide them; {total * 1000 / n:.3f} ms/case, "
                  f"{total / first:.2f}x the first run")
            print("  " + ", ".join(f"{k} {v}" for k, v in found.items()))
            for kind in sorted(cpu, key=lambda k: -cpu[k]):
                print(f"  {kind:45s} {calls[kind]:6d} calls {cpu[kind] * 1000 / n:8.3f} ms/case"
                      f" {cpu[kind] / first:6.2f}x the first run")
            print("  searches by how they ended: searches, runs, CPU (inclusive)")
            for key in sorted({k[:2] for k in how}, key=lambda k: -how[k + ("cpu",)]):
                searches, runs, spent = (how[key + (what,)] for what in ("searches", "runs", "cpu"))
                print(f"  {', '.join(key):66s} {searches:6d} {runs:7d} runs "
                      f"{spent * 1000 / n:8.3f} ms/case {spent / first:6.2f}x the first run")
            print("  runs by where they are made: runs, awards decided afresh, CPU (inclusive)")
            for place in sorted({k[0] for k in at if k[1] == "runs"},
                                key=lambda p: -at[(p, "cpu")]):
                runs, fresh, spent = (at.get((place, what), 0)
                                      for what in ("runs", "decided", "cpu"))
                print(f"  {place:53s} {runs:6d} runs {fresh:6d} afresh "
                      f"{spent * 1000 / n:8.3f} ms/case {spent / first:6.2f}x the first run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
