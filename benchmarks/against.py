"""This checkout against another one (a snapshot of main), interleaved, in CPU time: one
evaluation without open questions (core), the whole determination (eval), end to end (e2e:
parse, determine, render_line), and the whole determination by the reference tree walk
(eval_ref), under the 2019 and the revised policy, on single-award and mixed cases.

    python benchmarks/against.py /path/to/snapshot --rounds 4

Each round runs one fresh process per checkout, in alternating order; each process times
every workload `--passes` times (`time.process_time`) and keeps the best; the table gives
the median of the rounds and the ratio. On a shared machine the CPU-time ratios of
alternating processes are what can be read (wall clock is not); the load average is
printed beside them.
"""

from __future__ import annotations

import argparse
import decimal
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(passes: int) -> dict[str, float]:
    """In this process, with the clawpolicy it imports: ms per case of each workload."""
    sys.path.insert(0, str(HERE))
    import common
    from generate import generate_list

    from clawpolicy import api
    from clawpolicy.evaluate import compiled
    from clawpolicy.evaluate.decide import Determiner
    from clawpolicy.evaluate.determine import ARITHMETIC

    out: dict[str, float] = {}
    single, mixed = generate_list(150, 2025, 1, 1), generate_list(12, 2024, 1, 20)
    for name in ("qualys-2019", "qualys"):
        policy = api.compile_policy(common.ROOT / "policies" / f"{name}.claw")
        for kind, cases in (("single", single), ("mixed", mixed if name != "qualys"
                                                  else mixed[:6])):
            loaded = [common.prevalidate(c) for c in cases]
            lines = [json.dumps(c, separators=(",", ":")).encode() for c in cases]

            def core() -> None:
                for lc in loaded:
                    with decimal.localcontext(ARITHMETIC):
                        Determiner(policy, lc.case, {}).run()

            def whole() -> None:
                for lc in loaded:
                    api.evaluate(policy, lc)

            def e2e() -> None:
                sink = io.StringIO()
                for line in lines:
                    common.end_to_end(policy, line, sink)

            def reference() -> None:
                compiled.ENABLED = False
                try:
                    whole()
                finally:
                    compiled.ENABLED = True

            workloads = {"core": core, "eval": whole, "e2e": e2e}
            if name == "qualys-2019":
                workloads["eval_ref"] = reference
            for run in workloads.values():  # warm-up
                run()
            times: dict[str, list[float]] = {k: [] for k in workloads}
            for _ in range(passes):
                for key, run in workloads.items():
                    start = time.process_time()
                    run()
                    times[key].append(time.process_time() - start)
            for key in workloads:
                out[f"{name}/{kind}/{key}"] = min(times[key]) / len(cases) * 1000
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", help="the other checkout (its clawpolicy is imported)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.passes)))
        return 0
    if not args.base:
        parser.error("name the checkout to compare against")
    here = str(HERE.parent)
    runs: dict[str, list[dict[str, float]]] = {"base": [], "this": []}
    loads = []
    for r in range(args.rounds):
        for who in (("base", "this") if r % 2 == 0 else ("this", "base")):
            env = {**os.environ, "PYTHONPATH": args.base if who == "base" else here}
            loads.append(os.getloadavg()[0])
            done = subprocess.run([sys.executable, __file__, "--measure", "--passes",
                                   str(args.passes)], env=env, capture_output=True,
                                  text=True, cwd=HERE, check=False)
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            runs[who].append(json.loads(done.stdout.splitlines()[-1]))
    print(f"{args.rounds} rounds; load average (1 minute) {min(loads):.2f}-{max(loads):.2f}")
    print(f"{'workload':28} {'base ms':>9} {'this ms':>9} {'this/base':>9}")
    for key in runs["base"][0]:
        base = statistics.median(r[key] for r in runs["base"])
        this = statistics.median(r[key] for r in runs["this"])
        print(f"{key:28} {base:9.3f} {this:9.3f} {this / base:9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
