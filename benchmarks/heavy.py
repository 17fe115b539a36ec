"""The exactness search's heavy tail: the generated cases of tests/heavy_cases (two to four
awards, many facts unknown, the search past its bound of 1,024 combinations) under the
revised policy, each whole determination timed against one evaluation of the same case
without its open questions (`Determiner.run`, as run.py's row (a-)). A section of run.py,
and a script of its own:

    python benchmarks/heavy.py                 # every heavy case, median of 3
    python benchmarks/heavy.py --reference     # the search without its shortcuts
    PYTHONPATH=/a/snapshot python benchmarks/heavy.py    # another commit's code, same cases

Times are CPU seconds of this process (`time.process_time`), which other work on the machine
skews less than the wall clock; the two timings of a case are interleaved."""

from __future__ import annotations

import argparse
import decimal
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from clawpolicy import api  # noqa: E402

# The cases of this checkout (a snapshot imported through PYTHONPATH may have none).
CASES = Path(__file__).resolve().parents[1] / "tests" / "heavy_cases"
REVISED = common.ROOT / "policies" / "qualys.claw"
QUICK = ("slow", "slow8", "slow13", "slow24", "slow30", "two-award-53s", "gen-0008")


def _cpu(run: Callable[[], object]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def measure(paths: list[Path], repeats: int) -> list[tuple[str, int, float, float]]:
    """(case, awards, one evaluation, the whole determination), CPU seconds, medians."""
    from clawpolicy.evaluate.decide import Determiner
    from clawpolicy.evaluate.determine import ARITHMETIC

    policy = api.compile_policy(REVISED)
    rows = []
    for path in paths:
        loaded = api.read_case(path, policy.vocabulary)

        def once() -> None:
            with decimal.localcontext(ARITHMETIC):
                Determiner(policy, loaded.case, {}).run()

        def whole() -> None:
            api.evaluate(policy, loaded)
        once()  # warm-up, not counted
        pairs = [(_cpu(once), _cpu(whole)) for _ in range(repeats)]
        rows.append((path.stem, len(loaded.case.awards), statistics.median(p[0] for p in pairs),
                     statistics.median(p[1] for p in pairs)))
    return rows


def heavy_section(out: Callable[[str], None], quick: bool, repeats: int | None = None) -> None:
    paths = sorted(CASES.glob("*.json"))
    if quick:
        paths = [p for p in paths if p.stem in QUICK]
    repeats = repeats or (1 if quick else 3)
    if not paths:
        out(f"the heavy tail: no cases in {CASES}")
        return
    rows = measure(paths, repeats)
    out(f"the heavy tail: {len(rows)} generated cases past the search's bound "
        f"(tests/heavy_cases), revised policy, CPU time, median of {repeats}")
    out(f"  {'case':<16}{'awards':>7}{'one evaluation ms':>19}{'determination ms':>18}"
        f"{'ratio':>9}")
    for name, awards, one, whole in rows:
        out(f"  {name:<16}{awards:>7}{one * 1000:>19.1f}{whole * 1000:>18.1f}"
            f"{whole / one:>8.0f}x")
    worst = max(rows, key=lambda r: r[3])
    ratios = [r[3] / r[2] for r in rows]
    out(f"  all {len(rows)}: {sum(r[3] for r in rows):.2f} s of determinations; the slowest "
        f"{worst[0]} {worst[3]:.2f} s; determination / one evaluation: median "
        f"{statistics.median(ratios):.0f}x, at most {max(ratios):.0f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--repeats", type=int, default=None, help="default 3; 1 with --quick")
    parser.add_argument("--reference", action="store_true",
                        help="the search without its shortcuts (evaluate/searching.py)")
    args = parser.parse_args(argv)
    if args.reference:
        from clawpolicy.evaluate import searching
        searching.SHORTCUTS = False
    print(f"clawpolicy from {common.source()}" + (", search shortcuts off" if args.reference
                                                    else ""))
    heavy_section(print, args.quick, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
