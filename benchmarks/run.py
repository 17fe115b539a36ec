"""How fast is clawpolicy, against a hand-written floor and a Rego peer? One run, one process.

    python benchmarks/run.py            # about two minutes on 2 cores
    python benchmarks/run.py --quick    # a smoke run of about ten seconds

For the same seeded cases (benchmarks/generate.py: 1 to 20 awards each, every outcome):
  (a) clawpolicy, evaluation alone: the compiled policy reused, the cases validated
      beforehand; each case's whole determination (reasons, open questions) is made;
  (b) clawpolicy end to end, per case: one JSON line read and validated, the determination
      made with full reasons, one JSON line written to an in-memory sink;
  (c) the floor: the same rules by hand in plain Python over the case dict (floor.py),
      giving outcomes and amounts only; and (c') the same end to end, JSON line to JSON line;
  (d) the peer: the same rules in Rego (qualys_2019.rego) through regopy, outcomes and amounts;
then the ratios; the end-to-end rate for single-award cases; the start-up time of
`clawpolicy check` on one case against `python -c "import typer, pydantic, lark"`; the cost
per case at 1, 2, 5, 10 and 20 awards per case; and the peak memory (RSS) of a batch run.

Honest numbers: every workload is warmed up first (not counted), the outcomes of (a), (c)
and (d) are checked to agree before anything is timed, repeats are interleaved across the
workloads so drift hits all alike, and each rate is the median of the repeats (the range is
shown beside it). A timing runs whole passes over the batch until it has taken at least
--min-time seconds, so fast workloads are not timed on a few milliseconds. Speed is stated
as ratios measured in this one process, on this machine; never read the absolute rates
across machines.
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
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import floor  # noqa: E402
from generate import generate_list  # noqa: E402
from rego_peer import RegoPeer, available  # noqa: E402

CURVE = (1, 2, 5, 10, 20)


# ---------------------------------------------------------------------------- timing

def timed(run: Callable[[], int], min_time: float) -> tuple[int, float]:
    """Run whole passes until at least `min_time` seconds have passed: (items, seconds)."""
    gc.collect()
    done, start = 0, time.perf_counter()
    while True:
        done += run()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return done, elapsed


class Workload:
    def __init__(self, name: str, label: str, run: Callable[[], int], awards_per_pass: int):
        self.name, self.label, self.run = name, label, run
        self.awards_per_pass = awards_per_pass
        self.rates: list[float] = []      # cases per second, one per repeat
        self.cases_per_pass = 0

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    def spread(self) -> str:
        return f"{min(self.rates):,.0f}-{max(self.rates):,.0f}"


def measure(workloads: list[Workload], repeats: int, min_time: float) -> None:
    """Interleaved repeats: each round runs every workload once, in a rotated order."""
    for r in range(repeats):
        order = workloads[r % len(workloads):] + workloads[:r % len(workloads)]
        for w in order:
            n, seconds = timed(w.run, min_time)
            w.rates.append(n / seconds)


# ---------------------------------------------------------------------------- the workloads

def build(cases: list[dict], policy, peer: RegoPeer | None) -> list[Workload]:
    lines = [json.dumps(c, separators=(",", ":")).encode() for c in cases]
    loaded = [common.prevalidate(c) for c in cases]
    awards = sum(len(c["awards"]) for c in cases)

    def claw_eval() -> int:
        for lc in loaded:
            common.evaluate(policy, lc)
        return len(loaded)

    def claw_e2e() -> int:
        sink = io.StringIO()
        for line in lines:
            common.end_to_end(policy, line, sink)
        return len(lines)

    def floor_eval() -> int:
        for c in cases:
            floor.evaluate(c)
        return len(cases)

    def floor_e2e() -> int:
        sink = io.StringIO()
        for line in lines:
            case = json.loads(line)
            result = [{"id": i, "outcome": o, "recoverable": None if a is None else str(a)}
                      for i, o, a in floor.evaluate(case)]
            sink.write(json.dumps({"case_id": case["case_id"], "awards": result},
                                  separators=(",", ":")))
            sink.write("\n")
        return len(lines)

    workloads = [
        Workload("claw_eval", "(a) clawpolicy, evaluation alone", claw_eval, awards),
        Workload("claw_e2e", "(b) clawpolicy, end to end", claw_e2e, awards),
        Workload("floor_eval", "(c) floor, plain Python", floor_eval, awards),
        Workload("floor_e2e", "(c') floor, end to end", floor_e2e, awards),
    ]
    if peer is not None:
        def rego_eval() -> int:
            for c in cases:
                peer.evaluate(c)
            return len(cases)
        workloads.append(Workload("rego_eval", "(d) Rego via regopy", rego_eval, awards))
    for w in workloads:
        w.cases_per_pass = len(cases)
    return workloads


def check_agreement(cases: list[dict], policy, peer: RegoPeer | None) -> str:
    """Before timing: (a), (c) and (d) give the same outcomes and amounts (Rego's rounded to
    cents). Doubles as the warm-up of those three."""
    from check_agreement import cents, rego_amount

    bad = 0
    for case in cases:
        ours = common.award_results(common.evaluate(policy, common.prevalidate(case)))
        if floor.evaluate(case) != ours:
            bad += 1
        elif peer is not None and [(r["id"], r["outcome"], rego_amount(r["recoverable"]))
                                   for r in peer.evaluate(case)] != \
                [(i, o, cents(a)) for i, o, a in ours]:
            bad += 1
    if bad:
        raise SystemExit(f"error: the implementations disagree on {bad} of {len(cases)} cases; "
                         "run benchmarks/check_agreement.py to see them")
    return f"floor{' and Rego' if peer is not None else ''} agree with clawpolicy on all " \
           f"{len(cases)} cases"


def warm_up(workloads: list[Workload]) -> None:
    for w in workloads:
        w.run()


# ---------------------------------------------------------------------------- subprocesses

def clawpolicy_command() -> list[str]:
    script = Path(sys.executable).with_name("clawpolicy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "clawpolicy"]


def wall_times(command: list[str], runs: int, cwd: Path) -> list[float]:
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)  # warm the file cache; not counted
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"error: {' '.join(command)} exited {done.returncode}: "
                             f"{done.stderr.decode(errors='replace')[-500:]}")
    return times


def rss_child(mode: str, path: str) -> None:
    """Run inside a subprocess: a batch run over a JSON Lines file, then peak RSS."""
    policy = common.compile_policy()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kept = []
    count = 0
    with open(path, "rb") as cases, open(os.devnull, "w", encoding="utf-8") as sink:
        for line in cases:
            if mode == "stream":
                common.end_to_end(policy, line, sink)
            else:  # keep every determination, as a caller collecting a batch would
                kept.append(common.api.evaluate(
                    policy, common.parse_case(line, "case.json", is_json=True)))
            count += 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cases": count, "baseline_kib": baseline, "peak_kib": peak}))


# ---------------------------------------------------------------------------- report

def header(args: argparse.Namespace) -> list[str]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return [
        f"clawpolicy benchmark, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M UTC}"
        + (" (--quick)" if args.quick else ""),
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.platform()}",
        f"cpu: {cpu or 'unknown'}; {os.cpu_count()} cpus"
        + (f", {affinity} usable" if affinity is not None else ""),
        f"clawpolicy {version('clawpolicy')}, pydantic {version('pydantic')}, "
        f"lark {version('lark')}, typer {version('typer')}, regopy {version('regopy')}",
        f"cases: {args.cases} (seed {args.seed}, 1-20 awards each); single-award cases: "
        f"{args.single_cases}; repeats: {args.repeats} (median shown, range beside it), "
        f"each timing at least {args.min_time}s",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=None,
                        help="cases in the main batch (default 300; 40 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a smoke run of about 10 seconds")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=None, help="default 5; 3 with --quick")
    parser.add_argument("--min-time", type=float, default=None,
                        help="least seconds per timing (default 0.5; 0.1 with --quick)")
    parser.add_argument("--no-rego", action="store_true", help="leave out the Rego peer")
    parser.add_argument("--rss-child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        rss_child(*args.rss_child)
        return 0
    quick = args.quick
    args.cases = args.cases or (40 if quick else 300)
    args.repeats = args.repeats or (3 if quick else 5)
    args.min_time = args.min_time if args.min_time is not None else (0.1 if quick else 0.5)
    args.single_cases = max(20, args.cases // (4 if quick else 1))
    curve_cases = 15 if quick else 60
    startup_runs = 3 if quick else 7
    rss_cases = 60 if quick else 600

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
    cases = generate_list(args.cases, args.seed, 1, 20)
    n_awards = sum(len(c["awards"]) for c in cases)
    out(f"batch: {len(cases)} cases, {n_awards} awards ({n_awards / len(cases):.1f} per case)")

    # ---- agreement (also the warm-up of (a), (c), (d)), then the interleaved timings
    out("check: " + check_agreement(cases, policy, peer))
    workloads = build(cases, policy, peer)
    single = generate_list(args.single_cases, args.seed + 1, 1, 1)
    single_w = build(single, policy, None)
    single_e2e = next(w for w in single_w if w.name == "claw_e2e")
    single_e2e.label = "(b) clawpolicy, end to end, 1 award per case"
    single_floor = next(w for w in single_w if w.name == "floor_e2e")
    single_floor.label = "(c') floor, end to end, 1 award per case"
    timed_set = workloads + [single_e2e, single_floor]
    warm_up(timed_set)
    measure(timed_set, args.repeats, args.min_time)

    by = {w.name: w for w in workloads}
    out("")
    out(f"{'throughput (median of repeats)':<46}{'cases/s':>10}{'awards/s':>11}"
        f"{'ms/case':>9}   range cases/s")
    for w in timed_set:
        per_case = w.awards_per_pass / w.cases_per_pass
        out(f"{w.label:<46}{w.median:>10,.1f}{w.median * per_case:>11,.0f}"
            f"{1000 / w.median:>9.3f}   {w.spread()}")

    out("")
    out("ratios (same cases, same process)")

    def ratio(a: str, b: str, text: str) -> None:
        r = by[a].median / by[b].median
        slower = f"{1 / r:,.1f}x the time per case" if r < 1 else f"{r:,.2f}x as fast"
        out(f"  {text:<54}{r:>10.4f}   ({slower})")

    ratio("claw_eval", "floor_eval", "clawpolicy eval / floor (rate)")
    ratio("claw_e2e", "floor_e2e", "clawpolicy end to end / floor end to end (rate)")
    if peer is not None:
        ratio("claw_eval", "rego_eval", "clawpolicy eval / Rego (rate)")
        ratio("rego_eval", "floor_eval", "Rego / floor (rate)")
    ratio("claw_e2e", "claw_eval", "clawpolicy end to end / eval alone (rate)")

    # ---- start-up
    out("")
    with tempfile.TemporaryDirectory() as tmp:
        case_file = Path(tmp) / "case.json"
        case_file.write_text(json.dumps(generate_list(1, args.seed + 2, 1, 1)[0]),
                             encoding="utf-8")
        claw = wall_times(clawpolicy_command() + ["check", str(common.POLICY), str(case_file),
                                                  "--format", "json"], startup_runs, common.ROOT)
        imports = wall_times([sys.executable, "-c", "import typer, pydantic, lark"],
                             startup_runs, common.ROOT)
        bare = wall_times([sys.executable, "-c", "pass"], startup_runs, common.ROOT)
    out(f"start-up, median of {startup_runs} runs (range)")
    for text, times in (("clawpolicy check POLICY one-case.json", claw),
                        ('python -c "import typer, pydantic, lark"', imports),
                        ('python -c "pass"', bare)):
        out(f"  {text:<46}{statistics.median(times) * 1000:>8.0f} ms"
            f"   ({min(times) * 1000:.0f}-{max(times) * 1000:.0f})")
    out(f"  clawpolicy check / the imports: {statistics.median(claw) / statistics.median(imports):.2f}x")

    # ---- cost curve
    out("")
    out(f"cost per case by awards per case: (a) clawpolicy eval, {curve_cases} cases each, "
        f"median of {args.repeats}")
    out(f"  {'awards':>6}{'ms/case':>10}{'ms/award':>10}{'floor ms/case':>15}"
        f"{'pending awards':>16}")
    points = []
    for k in CURVE:
        batch = generate_list(curve_cases, args.seed + 100 + k, k, k)
        ws = build(batch, policy, None)
        pair = [w for w in ws if w.name in ("claw_eval", "floor_eval")]
        warm_up(pair)
        measure(pair, args.repeats, args.min_time)
        ms = 1000 / pair[0].median
        pending = sum(a.outcome == "pending" for c in batch
                      for a in common.evaluate(policy, common.prevalidate(c)).awards)
        points.append((k, ms))
        out(f"  {k:>6}{ms:>10.2f}{ms / k:>10.2f}{1000 / pair[1].median:>15.4f}"
            f"{pending / (k * curve_cases):>16.0%}")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    slope, intercept = _fit(xs, ys)
    mean = statistics.fmean(ys)
    r2 = 1 - sum((y - (intercept + slope * x)) ** 2 for x, y in points) / \
        sum((y - mean) ** 2 for y in ys)
    out(f"  least squares: ms/case = {intercept:.2f} + {slope:.2f} x awards  (R^2 {r2:.4f}); "
        f"20 awards cost {ys[-1] / ys[0]:.1f}x one award")

    # ---- peak memory of a batch run
    out("")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for c in generate_list(rss_cases, args.seed + 3, 1, 20):
                f.write(json.dumps(c, separators=(",", ":")) + "\n")
        children = {mode: subprocess.Popen(
            [sys.executable, __file__, "--rss-child", mode, str(path)],
            stdout=subprocess.PIPE, cwd=common.ROOT) for mode in ("stream", "retain")}
        reports = {}
        for mode, child in children.items():
            stdout, _ = child.communicate()
            if child.returncode != 0:
                raise SystemExit(f"error: the RSS child ({mode}) exited {child.returncode}")
            reports[mode] = json.loads(stdout)
    out(f"peak RSS, a batch of {rss_cases} cases (1-20 awards) in a subprocess "
        f"(resource.getrusage ru_maxrss)")
    for mode, text in (("stream", "end to end, each result written out and dropped"),
                       ("retain", "every determination kept in memory")):
        r = reports[mode]
        out(f"  {text:<52}{r['peak_kib'] / 1024:>8.1f} MiB   (after imports and compile: "
            f"{r['baseline_kib'] / 1024:.1f} MiB)")

    out("")
    out(f"total time of this run: {time.perf_counter() - started:.0f} s")
    return 0


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return slope, my - slope * mx


if __name__ == "__main__":
    raise SystemExit(main())
