"""How fast is clawpolicy, against a hand-written floor and a Rego peer? One run, one process.

    python benchmarks/run.py            # about four minutes on 2 cores (idle)
    python benchmarks/run.py --quick    # a smoke run of about a minute

For the same seeded cases (benchmarks/generate.py: 1 to 20 awards each, every outcome):
  (a) clawpolicy, evaluation alone: the compiled policy reused, the cases validated
      beforehand; each case's whole determination (reasons, open questions) is made;
  (b) clawpolicy end to end, per case: one JSON line read and validated, the determination
      made with full reasons, one JSON line written to an in-memory sink;
  (c) the floor: the same rules by hand in plain Python over the case dict (floor.py),
      outcomes and amounts only; (c') the same end to end, JSON line to JSON line;
  (d) the peer: the same rules in Rego (qualys_2019.rego) through regopy, outcomes and amounts;
then the ratios; the end-to-end rates for single-award cases; the start-up time of
`clawpolicy check` on one case (with no cache, and with the policy kept as a second run
keeps it) against `python -c "import typer, pydantic, lark"`; the cost
per case at 1, 2, 5, 10 and 20 awards per case; and the peak memory (RSS) of a batch run.
benchmarks/scaling.py adds, in the same run: the revised policy (qualys.claw) beside the
2019 one on the same cases; `check --batch --jobs 2` against `--jobs 1` as whole commands;
the peak RSS of `--batch - --jobs 2` fed 20,000 generated cases (1,000,000 with --long).
benchmarks/heavy.py times the heavy tail: the determinations of tests/heavy_cases, whose
exactness search runs past its bound, against one evaluation of each.
A diagnostic row, (a-), times clawpolicy's determination without its open questions
(clawpolicy.evaluate.decide.Determiner.run, an internal API: the row is left out if that changes), to
show what the open questions cost; and (a ref) times (a) with the compiled evaluator off
(clawpolicy.evaluate.compiled.ENABLED), the tree walk that stays the executable reference.

Honest numbers: every workload is warmed up first (not counted); the outcomes and amounts of
(a), (c) and (d) are checked to agree before anything is timed; repeats are interleaved
across the workloads, in a rotating order, so drift hits all alike; each rate is the median
of the repeats, with their range beside it. A timing runs whole passes over its batch until
at least --min-time seconds have passed, so a fast workload is not timed on a few
milliseconds. Speeds are ratios measured in this one process on this machine: do not compare
absolute rates across machines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from clawpolicy import api  # noqa: E402
import floor  # noqa: E402
import heavy  # noqa: E402
import scaling  # noqa: E402
from scaling import clawpolicy_command, rss_child, wall_times  # noqa: E402
from generate import generate_list  # noqa: E402
from rego_peer import RegoPeer, available  # noqa: E402

POLICY_SIZES = (0, 10, 20, 40, 80)
CURVE = (1, 2, 5, 10, 20)


# ---------------------------------------------------------------------------- timing

class Workload:
    def __init__(self, label: str, run: Callable[[], int], cases: int, awards: int):
        self.label, self.run = label, run
        self.cases, self.awards = cases, awards
        self.rates: list[float] = []      # cases per second, one per repeat

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    def row(self) -> str:
        per_case = self.awards / self.cases
        return (f"{self.label:<50}{self.median:>10,.1f}{self.median * per_case:>11,.0f}"
                f"{1000 / self.median:>10.3f}   {min(self.rates):,.1f}-{max(self.rates):,.1f}")


def timed(run: Callable[[], int], min_time: float) -> float:
    """Cases per second: whole passes until at least `min_time` seconds have passed."""
    gc.collect()
    done, start = 0, time.perf_counter()
    while True:
        done += run()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return done / elapsed


def measure(workloads: list[Workload], repeats: int, min_time: float) -> None:
    """Warm each up once (not counted), then interleaved repeats in a rotating order."""
    for w in workloads:
        w.run()
    for r in range(repeats):
        k = r % len(workloads)
        for w in workloads[k:] + workloads[:k]:
            w.rates.append(timed(w.run, min_time))


# ---------------------------------------------------------------------------- the workloads

def _core_runner(policy):
    """clawpolicy's determination without open questions (internal API), or None."""
    try:
        import decimal

        from clawpolicy.evaluate.determine import ARITHMETIC
        from clawpolicy.evaluate.decide import Determiner
    except ImportError:
        return None

    def core(loaded) -> None:
        with decimal.localcontext(ARITHMETIC):
            Determiner(policy, loaded.case, {}).run()
    return core


def _has_compiled() -> bool:
    try:
        from clawpolicy.evaluate import compiled
    except ImportError:  # a snapshot from before the compiled evaluator
        return False
    return compiled.ENABLED


def workloads_for(cases: list[dict], policy, peer: RegoPeer | None, which: set[str],
                  suffix: str = "") -> dict[str, Workload]:
    lines = [json.dumps(c, separators=(",", ":")).encode() for c in cases]
    loaded = [common.prevalidate(c) for c in cases]
    n, awards = len(cases), sum(len(c["awards"]) for c in cases)
    core = _core_runner(policy)

    def claw_eval() -> int:
        for lc in loaded:
            common.evaluate(policy, lc)
        return n

    def claw_reference() -> int:
        """(a) with the compiled evaluator off: the tree walk, the executable reference."""
        from clawpolicy.evaluate import compiled
        compiled.ENABLED = False
        try:
            return claw_eval()
        finally:
            compiled.ENABLED = True

    def claw_core() -> int:
        for lc in loaded:
            core(lc)
        return n

    def claw_e2e() -> int:
        sink = io.StringIO()
        for line in lines:
            common.end_to_end(policy, line, sink)
        return n

    def floor_eval() -> int:
        for c in cases:
            floor.evaluate(c)
        return n

    def floor_e2e() -> int:
        sink = io.StringIO()
        for line in lines:
            case = json.loads(line)
            result = [{"id": i, "outcome": o, "recoverable": None if a is None else str(a)}
                      for i, o, a in floor.evaluate(case)]
            sink.write(json.dumps({"case_id": case["case_id"], "awards": result},
                                  separators=(",", ":")))
            sink.write("\n")
        return n

    def rego_eval() -> int:
        for c in cases:
            peer.evaluate(c)
        return n

    table = {
        "claw_eval": ("(a) clawpolicy, evaluation alone", claw_eval),
        "claw_core": ("(a-) clawpolicy, without open questions", claw_core),
        "claw_ref": ("(a ref) clawpolicy eval, reference tree walk", claw_reference),
        "claw_e2e": ("(b) clawpolicy, end to end", claw_e2e),
        "floor_eval": ("(c) floor, plain Python", floor_eval),
        "floor_e2e": ("(c') floor, end to end", floor_e2e),
        "rego_eval": ("(d) Rego peer via regopy", rego_eval),
    }
    if core is None:
        which = which - {"claw_core"}
    if not _has_compiled():
        which = which - {"claw_ref"}
    if peer is None:
        which = which - {"rego_eval"}
    return {name: Workload(label + suffix, run, n, awards)
            for name, (label, run) in table.items() if name in which}


def check_agreement(cases: list[dict], policy, peer: RegoPeer | None) -> str:
    """Before timing: (a) and (c) give the same outcomes and amounts; (d), which computes the
    three-valued evaluation alone (no exactness rule), the same as the floor's three-valued
    evaluation (Rego's amounts rounded to cents)."""
    from check_agreement import cents, rego_amount

    bad = 0
    for case in cases:
        ours = common.award_results(common.evaluate(policy, common.prevalidate(case)))
        if floor.evaluate(case) != ours:
            bad += 1
        elif peer is not None and [(r["id"], r["outcome"], rego_amount(r["recoverable"]))
                                   for r in peer.evaluate(case)] != \
                [(i, o, cents(a)) for i, o, a in floor.evaluate(case, exact=False)]:
            bad += 1
    if bad:
        raise SystemExit(f"error: the implementations disagree on {bad} of {len(cases)} cases; "
                         "run benchmarks/check_agreement.py to see them")
    return (f"the floor agrees with clawpolicy on every award of all {len(cases)} cases"
            + ("; the Rego peer with the floor's three-valued evaluation (Rego does not apply "
               "the exactness rule: it does less work than (a) and (c))" if peer is not None
               else ""))


def outcome_mix(cases: list[dict]) -> str:
    """Award outcomes, by the floor (checked to agree with clawpolicy)."""
    counts: dict[str, int] = {}
    for case in cases:
        for _, outcome, _ in floor.evaluate(case):
            counts[outcome] = counts.get(outcome, 0) + 1
    total = sum(counts.values())
    return ", ".join(f"{o} {counts.get(o, 0) / total:.0%}"
                     for o in ("recovery", "no_recovery", "pending", "not_covered"))


# ---------------------------------------------------------------------------- report

def header(args: argparse.Namespace) -> list[str]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return [
        f"clawpolicy benchmark, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
        + (" (--quick)" if args.quick else ""),
        f"python {platform.python_version()} ({platform.python_implementation()}) on "
        f"{platform.platform()}",
        f"cpu: {cpu}; cpu count {os.cpu_count()}"
        + (f" ({usable} usable)" if usable is not None else ""),
        f"clawpolicy {version('clawpolicy')} from {common.source()}",
        f"pydantic {version('pydantic')}, lark {version('lark')}, typer {version('typer')}, "
        f"regopy {version('regopy')}",
        f"seed {args.seed}; {args.repeats} repeats (median, range beside it); each timing "
        f"at least {args.min_time}s",
        f"load average at start: {_load()} (other work on the machine skews every rate)",
    ]


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=None,
                        help="cases in the main batch (default 150; 12 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a smoke run of about a minute")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=None, help="default 5; 3 with --quick")
    parser.add_argument("--min-time", type=float, default=None,
                        help="least seconds per timing (default 0.3; 0.05 with --quick)")
    parser.add_argument("--no-rego", action="store_true", help="leave out the Rego peer")
    parser.add_argument("--long", action="store_true",
                        help="the peak RSS of a 1,000,000-case batch (about 10 minutes; "
                             "default 20,000 cases, 2,000 with --quick)")
    parser.add_argument("--rss-child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        rss_child(*args.rss_child)
        return 0
    quick = args.quick
    args.cases = args.cases or (12 if quick else 150)
    args.repeats = args.repeats or (3 if quick else 5)
    args.min_time = args.min_time if args.min_time is not None else (0.05 if quick else 0.3)
    single_cases = max(10, args.cases // 2)
    curve_cases = 3 if quick else 30
    curve_repeats = 3
    startup_runs = 3 if quick else 7
    rss_cases = 30 if quick else 400

    started = time.perf_counter()
    out = print
    for line in header(args):
        out(line)

    peer = None
    if not args.no_rego:
        why = available()
        if why:
            out(f"note: the Rego peer is left out: {why}")
        else:
            peer = RegoPeer()
    policy = common.compile_policy()

    # ---- the main batch: agreement first, then the interleaved timings
    cases = generate_list(args.cases, args.seed, 1, 20)
    single = generate_list(single_cases, args.seed + 1, 1, 1)
    n_awards = sum(len(c["awards"]) for c in cases)
    out(f"batch: {len(cases)} cases, {n_awards} awards ({n_awards / len(cases):.1f} per case; "
        f"{outcome_mix(cases)}); and {len(single)} single-award cases")
    out("check: " + check_agreement(cases + single, policy, peer))
    main_w = workloads_for(cases, policy, peer, {"claw_eval", "claw_core", "claw_ref",
                                                 "claw_e2e", "floor_eval", "floor_e2e",
                                                 "rego_eval"})
    single_w = workloads_for(single, policy, peer, {"claw_eval", "claw_e2e", "floor_e2e",
                                                    "rego_eval"}, ", 1 award per case")
    everything = list(main_w.values()) + list(single_w.values())
    measure(everything, args.repeats, args.min_time)

    out("")
    out(f"{'throughput':<50}{'cases/s':>10}{'awards/s':>11}{'ms/case':>10}   range of cases/s")
    for w in everything:
        out(w.row())

    out("")
    out("ratios of median rates (same cases, same process)")

    def ratio(a: Workload | None, b: Workload | None, text: str) -> None:
        if a is None or b is None:
            return
        r = a.median / b.median
        words = f"takes {1 / r:,.1f}x the time" if r < 1 else f"{r:,.1f}x as fast"
        out(f"  {text:<58}{r:>10.4f}   ({words})")

    get = main_w.get
    ratio(get("claw_eval"), get("floor_eval"), "clawpolicy eval (a) / floor (c)")
    ratio(get("claw_eval"), get("rego_eval"), "clawpolicy eval (a) / Rego (d)")
    ratio(get("claw_e2e"), get("floor_e2e"), "clawpolicy end to end (b) / floor end to end (c')")
    ratio(get("rego_eval"), get("floor_eval"), "Rego (d) / floor (c)")
    ratio(get("claw_core"), get("rego_eval"), "clawpolicy without open questions (a-) / Rego (d)")
    ratio(get("claw_eval"), get("claw_core"), "clawpolicy eval (a) / without open questions (a-)")
    ratio(get("claw_e2e"), get("claw_eval"), "clawpolicy end to end (b) / eval alone (a)")
    ratio(get("claw_eval"), get("claw_ref"), "compiled evaluator (a) / reference tree walk")
    ratio(single_w.get("claw_e2e"), single_w.get("floor_e2e"),
          "1 award per case: clawpolicy end to end / floor end to end")
    ratio(single_w.get("claw_eval"), single_w.get("rego_eval"),
          "1 award per case: clawpolicy eval / Rego")

    # ---- the revised policy beside the 2019 one (benchmarks/scaling.py)
    out("")
    scaling.revised_section(out, cases, single, policy, workloads_for, measure,
                            args.repeats, args.min_time)

    # ---- start-up
    out("")
    with tempfile.TemporaryDirectory() as tmp:
        case_file = Path(tmp) / "case.json"
        case_file.write_text(json.dumps(generate_list(1, args.seed + 2, 1, 1)[0]),
                             encoding="utf-8")
        check = clawpolicy_command() + ["check", str(common.POLICY), str(case_file),
                                        "--format", "json"]
        # The policy parsed and checked on every run (no cache), and kept as a second run of
        # the command keeps it (check/cache.py: a private cache, filled by the uncounted run).
        no_cache = wall_times(check, startup_runs, {"CLAWPOLICY_CACHE_DIR": "off"})
        kept = wall_times(check, startup_runs, {"CLAWPOLICY_CACHE_DIR": str(Path(tmp) / "cache")})
        imports = wall_times([sys.executable, "-c", "import typer, pydantic, lark"], startup_runs)
        runs = [("clawpolicy check POLICY one-case.json, no cache", no_cache),
                ("  the same, the policy kept", kept),
                ('python -c "import typer, pydantic, lark"', imports),
                ('python -c "pass"', wall_times([sys.executable, "-c", "pass"], startup_runs))]
    out(f"start-up, wall clock, median of {startup_runs} runs (range)")
    for text, times in runs:
        out(f"  {text:<48}{statistics.median(times) * 1000:>7.0f} ms   "
            f"({min(times) * 1000:.0f}-{max(times) * 1000:.0f})")
    base = statistics.median(imports)
    out(f"  clawpolicy check / the imports alone: {statistics.median(no_cache) / base:.1f}x no "
        f"cache, {statistics.median(kept) / base:.1f}x the policy kept")

    # ---- cost curve
    out("")
    out(f"cost by awards per case ({curve_cases} cases at each point, median of {curve_repeats})")
    out(f"  {'awards':>6}{'(a) ms/case':>13}{'ms/award':>10}{'(a-) ms/case':>14}{'ms/award':>10}"
        f"{'(c) ms/case':>13}   award outcomes")
    points = []
    for k in CURVE:
        batch = generate_list(curve_cases, args.seed + 100 + k, k, k)
        ws = workloads_for(batch, policy, None, {"claw_eval", "claw_core", "floor_eval"})
        measure(list(ws.values()), curve_repeats, args.min_time)
        a = 1000 / ws["claw_eval"].median
        core = 1000 / ws["claw_core"].median if "claw_core" in ws else None
        points.append((k, a, core))
        core_text = f"{core:>14.2f}{core / k:>10.3f}" if core is not None else f"{'-':>14}{'-':>10}"
        out(f"  {k:>6}{a:>13.2f}{a / k:>10.3f}{core_text}{1000 / ws['floor_eval'].median:>13.4f}"
            f"   {outcome_mix(batch)}")
    for text, index in (("(a)", 1), ("(a-)", 2)):
        pts = [(p[0], p[index]) for p in points if p[index] is not None]
        if len(pts) == len(CURVE):
            slope, intercept, r2 = _fit(pts)
            out(f"  {text:<5} linear fit: ms/case = {intercept:.2f} + {slope:.3f} x awards "
                f"(R^2 {r2:.3f}); ms per award at 20 awards / at 1: "
                f"{pts[-1][1] / 20 / pts[0][1]:.1f}")

    # ---- cost by policy size: the 2019 policy with more and more conditions, each of which
    # holds for every award (so outcomes stay put and only the size of the policy grows)
    out("")
    out(f"cost by policy size ({curve_cases} cases of 1-5 awards, median of {curve_repeats})")
    out(f"  {'rules':>6}{'(a) ms/case':>13}")
    batch = generate_list(curve_cases, args.seed + 200, 1, 5)
    base_rules = len([r for r in policy.rules if r.kind in ("scope", "condition")])
    size_points = []
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(common.ROOT / "policies", Path(tmp) / "policies")
        for extra in POLICY_SIZES:
            root = Path(tmp) / "policies" / f"size-{extra}.claw"
            root.write_text('include "qualys-2019.claw"\n' + "".join(
                f'condition extra_{i}\n  clause "Extra"\n  quote "extra"\n'
                f'  requires award.id != ""\nend\n' for i in range(extra)))
            sized = api.compile_policy(root)
            ws = workloads_for(batch, sized, None, {"claw_eval"})
            measure(list(ws.values()), curve_repeats, args.min_time)
            ms = 1000 / ws["claw_eval"].median
            size_points.append((base_rules + extra, ms))
            out(f"  {base_rules + extra:>6}{ms:>13.2f}")
    slope, intercept, r2 = _fit(size_points)
    out(f"  linear fit: ms/case = {intercept:.2f} + {slope:.4f} x rules (R^2 {r2:.3f})")

    # ---- peak memory of a batch run
    out("")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for c in generate_list(rss_cases, args.seed + 3, 1, 20):
                f.write(json.dumps(c, separators=(",", ":")) + "\n")
        # The two children share nothing and time nothing: they run side by side.
        children = {mode: subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--rss-child", mode, str(path)],
            stdout=subprocess.PIPE, cwd=common.ROOT) for mode in ("stream", "retain")}
        reports = {}
        for mode, child in children.items():
            stdout, _ = child.communicate()
            if child.returncode != 0:
                raise SystemExit(f"error: the RSS child ({mode}) exited {child.returncode}")
            reports[mode] = json.loads(stdout)
    out(f"peak RSS of a batch of {rss_cases} cases (1-20 awards) in a fresh subprocess")
    for mode, text in (("stream", "end to end, each result written and dropped"),
                       ("retain", "every determination kept in memory")):
        r = reports[mode]
        peak = r["hwm_kib"] if r["hwm_kib"] is not None else r["maxrss_kib"]
        base = f"{r['baseline_kib'] / 1024:.1f} MiB" if r["baseline_kib"] is not None else "?"
        out(f"  {text:<46}{peak / 1024:>7.1f} MiB   (after imports and compile: {base}; "
            f"getrusage ru_maxrss {r['maxrss_kib'] / 1024:.1f} MiB)")
    if any(r["hwm_kib"] is not None for r in reports.values()):
        out("  (peak is VmHWM; ru_maxrss also counts the parent's RSS at the fork)")

    # ---- whole commands: --jobs 2, and the peak RSS of a long batch (benchmarks/scaling.py)
    out("")
    scaling.jobs_section(out, args.seed, (600, 2_000) if quick else (600, 20_000),
                         1 if quick else 3)
    out("")
    scaling.rss_section(out, 1_000_000 if args.long else 2_000 if quick else 20_000,
                        args.seed)
    out("")
    scaling.pickle_section(out, common.ROOT / "examples" / "cases" /
                           "01-full-recovery-paid-bonus.yaml")

    # ---- the exactness search's heavy tail (benchmarks/heavy.py)
    out("")
    heavy.heavy_section(out, quick)

    out("")
    out(f"run time: {time.perf_counter() - started:.0f} s; load average at the end: {_load()}")
    return 0


def _fit(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Least squares y = intercept + slope x: (slope, intercept, R^2)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    intercept = my - slope * mx
    total = sum((y - my) ** 2 for y in ys)
    r2 = 1 - sum((y - intercept - slope * x) ** 2 for x, y in points) / total if total else 1.0
    return slope, intercept, r2


if __name__ == "__main__":
    raise SystemExit(main())
