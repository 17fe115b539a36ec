"""A case at the documented limits is decided in seconds: this measures how the time to read,
decide and render one case grows with its number of awards, up to the limit of 10,000, for
three shapes of case:

- known: every fact known, each award decided once;
- case-level unknowns: the Committee's findings not known yet, so every award is pending and
  each answer to each open question decides every award again;
- award-level unknowns: each award's restated amount not known, so there are as many open
  questions as awards, each answered by deciding its one award again.

It prints seconds, seconds per award, and the growth from 1,000 awards to the largest size:
about 10 at 10,000 means linear growth; 100 would mean quadratic (what a question per
award cost before it decided only its own award). Read the ratios; the seconds belong to one
machine. Never asserted in the tests.

    .venv/bin/python benchmarks/limits.py            # 1,000 to 10,000 awards, a few minutes
    .venv/bin/python benchmarks/limits.py --quick    # 250 to 1,000 awards

PYTHONPATH=/path/to/a/snapshot measures another commit's clawpolicy (see common.py)."""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import common  # noqa: F401  (puts benchmarks/ on the path, finds the policy)
from common import POLICY, api, parse_case, source

SHAPES = ("known", "case-level unknowns", "award-level unknowns")


def case_yaml(awards: int, shape: str) -> bytes:
    lines = ["case_id: limits", "as_of: 2024-06-30", "participant: {section16_officer: true}",
             "statements:", "  - {id: FY2022, original_filing_date: 2023-02-20, restated: true}",
             "restatement: {material: true}"]
    if shape != "case-level unknowns":
        lines.append("findings: {misconduct: fraud, caused_restatement: caused, "
                     "should_repay: true}")
        lines.append("law: {recovery_prohibited: false, prohibited_remedies: []}")
    lines.append("awards:")
    restated = "" if shape == "award-level unknowns" else ", amount_as_restated: 900"
    for i in range(awards):
        lines.append(f"  - {{id: a{i}, kind: cash_incentive, basis: [financial_results], "
                     f"granted: 2022-01-01, calculated_on: [FY2022], amount_awarded: {1000 + i}, "
                     f"amount_paid: {500 + i}{restated}}}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def measure(policy, raw: bytes) -> dict[str, float]:
    from clawpolicy.render import json as json_render

    start = time.perf_counter()
    loaded = parse_case(raw, "limits.yaml")
    read = time.perf_counter()
    determination = api.evaluate(policy, loaded)
    decided = time.perf_counter()
    json_render.render(determination)
    done = time.perf_counter()
    return {"read": read - start, "decide": decided - read, "render": done - decided,
            "total": done - start}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="250 to 1,000 awards")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each size (median)")
    args = parser.parse_args()
    sizes = [250, 500, 1000] if args.quick else [1000, 2000, 5000, 10_000]
    print(f"clawpolicy from {source()}")
    print(f"policy {POLICY.name}; sizes {sizes}; median of {args.repeats}\n")
    policy = api.compile_policy(POLICY)
    measure(policy, case_yaml(10, "known"))  # warm-up: caches, imports
    for shape in SHAPES:
        print(f"{shape}:")
        totals = {}
        for size in sizes:
            raw = case_yaml(size, shape)
            runs = [measure(policy, raw) for _ in range(args.repeats)]
            median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            totals[size] = median["total"]
            print(f"  {size:>6} awards: {median['total']:7.2f} s  (read {median['read']:.2f}, "
                  f"decide {median['decide']:.2f}, render {median['render']:.2f}); "
                  f"{1000 * median['total'] / size:.2f} ms per award", flush=True)
        first, last = sizes[0], sizes[-1]
        print(f"  growth from {first} to {last} awards: x{totals[last] / totals[first]:.1f} "
              f"(linear: x{last / first:.0f}, quadratic: x{(last / first) ** 2:.0f})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
