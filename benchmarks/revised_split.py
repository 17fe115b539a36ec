"""What the revised policy (policies/qualys.claw) costs beside the 2019 one, end to end, case
by case: the same generated cases under both, settled cases and pending ones apart.

    python benchmarks/revised_split.py [--single 40] [--mixed 12] [--repeats 5]

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
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from generate import generate_list  # noqa: E402

from clawpolicy import api  # noqa: E402
from clawpolicy.evaluate import settle as settling  # noqa: E402

POLICIES = ("qualys-2019", "qualys")


def timed(policies: dict, lines: list[bytes], repeats: int) -> tuple[dict, dict]:
    """The best CPU time of each case under each policy, the policies alternated; and, in the
    same best run, the CPU time its exactness search took (`settle.settle`, which
    determine.py imports where it first calls it)."""
    best = {name: [float("inf")] * len(lines) for name in policies}
    search = {name: [0.0] * len(lines) for name in policies}
    spent = [0.0]
    settle = settling.settle
    depth = [0]

    def timed_settle(*args, **kwargs):
        # Only the outermost search is timed: its sub-searches (settle._settled_answer, which
        # calls `settle` again through the module, so through this) are inside its time.
        if depth[0]:
            return settle(*args, **kwargs)
        depth[0] += 1
        start = time.process_time()
        try:
            return settle(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - start
            depth[0] -= 1
    for name, policy in policies.items():  # warm-up
        for line in lines:
            common.end_to_end(policy, line, io.StringIO())
    settling.settle = timed_settle
    gc.disable()
    try:
        for r in range(repeats):
            for i, line in enumerate(lines):
                order = list(policies.items())
                for name, policy in order if (r + i) % 2 else reversed(order):
                    spent[0] = 0.0
                    start = time.process_time()
                    common.end_to_end(policy, line, io.StringIO())
                    took = time.process_time() - start
                    if took < best[name][i]:
                        best[name][i], search[name][i] = took, spent[0]
    finally:
        gc.enable()
        settling.settle = settle
    return best, search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=40, help="single-award cases")
    parser.add_argument("--mixed", type=int, default=12, help="cases of 1-20 awards")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--worst", type=int, default=5, help="costliest cases listed")
    args = parser.parse_args(argv)
    policies = {n: api.compile_policy(common.ROOT / "policies" / f"{n}.claw") for n in POLICIES}
    print(f"load average at start: {os.getloadavg()}")
    for kind, cases in (("single-award", generate_list(args.single, 2025, 1, 1)),
                        ("mixed", generate_list(args.mixed, 2024, 1, 20))):
        lines = [json.dumps(c, separators=(",", ":")).encode() for c in cases]
        asked = [{n: [q.fact for q in api.evaluate(p, common.prevalidate(c)).open_questions]
                  for n, p in policies.items()} for c in cases]
        best, search = timed(policies, lines, args.repeats)
        old, new = best[POLICIES[0]], best[POLICIES[1]]
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
        for i in sorted(groups["all"], key=lambda i: old[i] - new[i])[:args.worst]:
            print(f"  {cases[i]['case_id']}: {old[i] * 1000:.2f} -> {new[i] * 1000:.2f} ms; "
                  f"asks {asked[i][POLICIES[0]] or 'nothing'} -> "
                  f"{asked[i][POLICIES[1]] or 'nothing'}")
    print(f"\nload average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
