"""What the revised policy (policies/qualys.claw) costs beside the 2019 one, end to end, case
by case: the same generated cases under both, settled cases and pending ones apart.

    python benchmarks/revised_split.py [--single 40] [--mixed 12] [--repeats 5]
        [--skip CASE_ID ...] [--parts]

A case is "pending" where either policy's determination asks an open question (the
exactness search ran and found something to ask), else "settled". Each case is read,
determined with full reasons and written (benchmarks/common.py `end_to_end`) under the two
policies alternately, in one process, with the cyclic collector off while timed, in CPU time
(`time.process_time`); the best of the repeats is kept for each case and policy. The
single-award cases are run.py's (seed 2025), the mixed ones too (seed 2024, 1-20 awards):
the first cases of each are those of `run.py --quick`. Beside each group's ratio, the ratio
of the time outside the exactness search (`settle`, timed within the same runs: its
combinations, sub-searches and questions left out): what the revised policy would cost
beside the 2019 one if its search cost nothing, the floor that no change to the search can
go below. The cases that cost the revised policy most beyond the 2019 one are listed last,
with the questions each policy asks.

With `--parts`, each group's time is split, in the same best runs, into the first run (the
case decided as it stands: `decide.Determiner.run` outside the search), the search
(`settle.settle`), within it the sub-searches of the answers asked alone
(`questions.fallback_answers`, by fact, list indices dropped) and of those the one blank item
of a list of records (`questions._holding`), and the rest (reading, the reasons written, the
line written): ms a case under each policy, and each part's share of the revised policy's
extra time. The parts are timed by wrapping the functions, which costs a little of its own.
`--skip` leaves cases out by id (bench-000073 of seed 2025 passes the search's bound: 80% of
the revised single-award time on its own).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from generate import generate_list  # noqa: E402

from clawpolicy import api  # noqa: E402
from clawpolicy.evaluate import decide, questions  # noqa: E402
from clawpolicy.evaluate import settle as settling  # noqa: E402

POLICIES = ("qualys-2019", "qualys")


def timed(policies: dict, lines: list[bytes], repeats: int,
          parts: bool = False) -> tuple[dict, dict]:
    """The best CPU time of each case under each policy, the policies alternated; and, in the
    same best run, the CPU time of each part by name (`_Parts`): its exactness search
    (`settle.settle`, which determine.py imports where it first calls it), and with `parts`
    the others."""
    best = {name: [float("inf")] * len(lines) for name in policies}
    split: dict[str, list[dict]] = {name: [{}] * len(lines) for name in policies}
    for name, policy in policies.items():  # warm-up
        for line in lines:
            common.end_to_end(policy, line, io.StringIO())
    timing = _Parts(parts)
    gc.disable()
    try:
        for r in range(repeats):
            for i, line in enumerate(lines):
                order = list(policies.items())
                for name, policy in order if (r + i) % 2 else reversed(order):
                    timing.spent = {}
                    start = time.process_time()
                    common.end_to_end(policy, line, io.StringIO())
                    took = time.process_time() - start
                    if took < best[name][i]:
                        best[name][i], split[name][i] = took, timing.spent
    finally:
        gc.enable()
        timing.restore()
    return best, split


SEARCH, FIRST, ALONE, BLANK = "search", "first run", "  asked alone: ", "    one blank item"


class _Parts:
    """The functions whose time is a part, wrapped while the cases are timed: the outermost
    search only (its sub-searches, settle._settled_answer, call `settle` again through the
    module, so through the wrapper, and are inside its time); the first run, a run made
    outside any search; with `parts`, each answer asked alone by its fact and the blank
    item's sub-search."""

    def __init__(self, parts: bool):
        self.spent: dict[str, float] = {}
        self.depth = 0
        self.saved = [(settling, "settle", settling.settle)]
        settling.settle = self.wrap(settling.settle, lambda *a, **k: SEARCH, outer=True)
        if parts:
            self.saved += [(decide.Determiner, "run", decide.Determiner.run),
                           (settling, "fallback_answers", settling.fallback_answers),
                           (questions, "_holding", questions._holding)]
            decide.Determiner.run = self.wrap(
                decide.Determiner.run, lambda *a, **k: None if self.depth else FIRST)
            settling.fallback_answers = self.wrap(
                settling.fallback_answers,
                lambda determiner, run, fact, *a, **k: ALONE + re.sub(r"\[\d+\]", "[]", fact))
            questions._holding = self.wrap(questions._holding, lambda *a, **k: BLANK)

    def wrap(self, function, part, outer: bool = False):
        def timed(*args, **kwargs):
            name = part(*args, **kwargs)
            if name is None or (outer and self.depth):
                return function(*args, **kwargs)
            self.depth += outer
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.process_time() - start
                self.depth -= outer
        return timed

    def restore(self) -> None:
        for owner, name, function in self.saved:
            setattr(owner, name, function)


def print_parts(split: dict, best: dict, found: list[int]) -> None:
    """The group's time by part, ms a case under each policy, and each part's share of the
    revised policy's extra time; "the rest" is what no part timed."""
    sums = {n: {} for n in POLICIES}
    for n in POLICIES:
        for i in found:
            for part, spent in split[n][i].items():
                sums[n][part] = sums[n].get(part, 0.0) + spent
        sums[n]["rest"] = sum(best[n][i] for i in found) - sums[n].get(FIRST, 0.0) \
            - sums[n].get(SEARCH, 0.0)
    extra = sum(best[POLICIES[1]][i] - best[POLICIES[0]][i] for i in found)
    names = [FIRST, SEARCH, *sorted({p for n in POLICIES for p in sums[n]}
                                    - {FIRST, SEARCH, "rest"}, key=str.strip), "rest"]
    for part in names:
        a, b = (sums[n].get(part, 0.0) / len(found) * 1000 for n in POLICIES)
        print(f"      {part:<44}{a:8.3f}{b:8.3f}  {(b - a) * len(found) / 1000 / extra:6.1%}"
              " of the extra" if extra else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=40, help="single-award cases")
    parser.add_argument("--mixed", type=int, default=12, help="cases of 1-20 awards")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worst", type=int, default=5, help="costliest cases listed")
    parser.add_argument("--skip", action="append", default=[], metavar="CASE_ID",
                        help="a case left out (repeatable)")
    parser.add_argument("--parts", action="store_true",
                        help="split each group's time into its parts")
    args = parser.parse_args(argv)
    policies = {n: api.compile_policy(common.ROOT / "policies" / f"{n}.claw") for n in POLICIES}
    print(f"load average at start: {os.getloadavg()}")
    for kind, cases in (("single-award", generate_list(args.single, 2025, 1, 1)),
                        ("mixed", generate_list(args.mixed, 2024, 1, 20))):
        cases = [c for c in cases if c["case_id"] not in args.skip]
        lines = [json.dumps(c, separators=(",", ":")).encode() for c in cases]
        asked = [{n: [q.fact for q in api.evaluate(p, common.prevalidate(c)).open_questions]
                  for n, p in policies.items()} for c in cases]
        best, split = timed(policies, lines, args.repeats, args.parts)
        old, new = best[POLICIES[0]], best[POLICIES[1]]
        search = {n: [s.get(SEARCH, 0.0) for s in found] for n, found in split.items()}
        print(f"\n{kind}: {len(cases)} cases; ms a case (2019, revised), revised / 2019; "
              "the same outside the search")
        groups = {"settled": [i for i, a in enumerate(asked) if not any(a.values())]}
        groups["pending"] = [i for i in range(len(cases)) if i not in groups["settled"]]
        groups["all"] = list(range(len(cases)))
        for label, found in groups.items():
            if not found:
                continue
            a, b = sum(old[i] for i in found), sum(new[i] for i in found)
            a_out = a - sum(search[POLICIES[0]][i] for i in found)
            b_out = b - sum(search[POLICIES[1]][i] for i in found)
            print(f"  {label:<8} {len(found):>4} cases  {a / len(found) * 1000:8.3f} "
                  f"{b / len(found) * 1000:8.3f}  {b / a:5.2f}x  (share of the revised "
                  f"policy's extra time: {(b - a) / (sum(new) - sum(old)):.0%}); outside the "
                  f"search {a_out / len(found) * 1000:.3f} {b_out / len(found) * 1000:.3f} "
                  f"{b_out / a_out:5.2f}x")
            if args.parts:
                print_parts(split, best, found)
        for i in sorted(groups["all"], key=lambda i: old[i] - new[i])[:args.worst]:
            print(f"  {cases[i]['case_id']}: {old[i] * 1000:.2f} -> {new[i] * 1000:.2f} ms; "
                  f"asks {asked[i][POLICIES[0]] or 'nothing'} -> "
                  f"{asked[i][POLICIES[1]] or 'nothing'}")
    print(f"\nload average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
