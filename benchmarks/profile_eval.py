"""cProfile of clawpolicy's evaluation-only path, (a) of run.py: the compiled policy reused,
the cases validated beforehand, one whole determination per case.

    python benchmarks/profile_eval.py --cases 150 --top 15 [--sort tottime] [--out FILE.prof]

The same seeded batch as run.py by default. One warm-up pass is not profiled. Under the
profiler everything runs some 2-3 times slower; read the shares, not the seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from generate import generate_list  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=150)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--awards-min", type=int, default=1)
    parser.add_argument("--awards-max", type=int, default=20)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--sort", default="cumulative", help="cumulative (default) or tottime")
    parser.add_argument("--out", help="also save the raw profile (for snakeviz, pstats)")
    args = parser.parse_args(argv)

    policy = common.compile_policy()
    cases = generate_list(args.cases, args.seed, args.awards_min, args.awards_max)
    loaded = [common.prevalidate(c) for c in cases]
    for lc in loaded:  # warm-up, not profiled
        common.evaluate(policy, lc)
    start = time.perf_counter()
    for lc in loaded:
        common.evaluate(policy, lc)
    plain = time.perf_counter() - start

    profiler = cProfile.Profile()
    profiler.enable()
    for lc in loaded:
        common.evaluate(policy, lc)
    profiler.disable()
    if args.out:
        profiler.dump_stats(args.out)

    awards = sum(len(c["awards"]) for c in cases)
    print(f"{len(cases)} cases, {awards} awards, seed {args.seed}; unprofiled pass "
          f"{plain:.2f}s ({plain / len(cases) * 1000:.2f} ms/case)")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    # Keep the table; drop pstats' preamble of blank lines.
    print("\n".join(line for line in text.getvalue().splitlines() if line.strip()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
