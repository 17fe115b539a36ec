"""The sections of benchmarks/run.py that run whole commands or another policy: the revised
policy beside the 2019 one, the `--jobs 2` speed-up of `check --batch`, and the peak RSS of
a long batch streamed through `--jobs 2`.

    python benchmarks/scaling.py --rss-batch N     # the RSS child: N single-award cases
                                                    # streamed into check --batch - --jobs 2

Everything here is measured as in run.py: the same cases for the things compared, repeats
interleaved, medians with their range, the load average printed beside the figures."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from clawpolicy import api  # noqa: E402
from generate import generate  # noqa: E402

REVISED = common.ROOT / "policies" / "qualys.claw"


# ---------------------------------------------------------------------------- subprocesses

def clawpolicy_command() -> list[str]:
    script = Path(sys.executable).with_name("clawpolicy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "clawpolicy"]


# The start-up runs may write bytecode (the uncounted first run does), as an installed
# package has it: PYTHONDONTWRITEBYTECODE would make every run compile clawpolicy again.
_BYTECODE = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall_times(command: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall-clock seconds of `runs` runs of a command (one more before, not counted), with
    `env` added to the environment."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=common.ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, check=False, env={**_BYTECODE, **(env or {})})
        if i:
            times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"error: {' '.join(command)} exited {done.returncode}: "
                             f"{done.stderr.decode(errors='replace')[-500:]}")
    return times


def _status_kib(field: str) -> int | None:
    """A field of /proc/self/status in KiB (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_child(mode: str, path: str) -> None:
    """Run inside a subprocess: a batch run over a JSON Lines file, then its peak RSS.

    resource.getrusage's ru_maxrss is reported, and beside it Linux's VmHWM: the ru_maxrss of
    a process started by fork and exec also counts its parent's RSS at the fork (here the
    benchmark's own, larger, process); VmHWM is this process's alone."""
    policy = common.compile_policy()
    baseline = _status_kib("VmRSS")
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
    print(json.dumps({"cases": count, "baseline_kib": baseline, "hwm_kib": _status_kib("VmHWM"),
                      "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# ---------------------------------------------------------------- the revised policy

def revised_section(out: Callable[[str], None], cases: list[dict], single: list[dict],
                    policy, workloads_for, measure, repeats: int, min_time: float) -> dict:
    """End to end (one JSON line in, one out) on the same cases under the 2019 policy and the
    revised one (`policies/qualys.claw`: the 2019 text plus its revisions), single-award and
    mixed, interleaved. Returns the ratios, revised / 2019 time, by workload."""
    revised = api.compile_policy(REVISED)
    rows = {}
    for label, short, batch in (("1 award per case", "1 award", single),
                                ("mixed, 1-20 awards", "mixed", cases)):
        old = workloads_for(batch, policy, None, {"claw_e2e"},
                            f", 2019, {short}")["claw_e2e"]
        new = workloads_for(batch, revised, None, {"claw_e2e"},
                            f", revised, {short}")["claw_e2e"]
        measure([old, new], repeats, min_time)
        rows[label] = (old, new)
    out("the revised policy (policies/qualys.claw) beside the 2019 one, end to end, same cases")
    out(f"{'':<50}{'cases/s':>10}{'awards/s':>11}{'ms/case':>10}   range of cases/s")
    for old, new in rows.values():
        out(old.row())
        out(new.row())
    ratios = {}
    for label, (old, new) in rows.items():
        ratios[label] = old.median / new.median
        out(f"  {label}: revised / 2019: takes {ratios[label]:.2f}x the time")
    return ratios


# ---------------------------------------------------------------- --jobs 2

def _batch_command(path: Path, jobs: int) -> list[str]:
    return clawpolicy_command() + ["check", str(common.POLICY), "--batch", str(path),
                                   "--jobs", str(jobs)]


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall-clock seconds of a command, and the CPU seconds (user and system) of its
    processes, workers included: on a machine shared with other work the CPU time says what
    the command cost where the wall clock says what share of the cores it got."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=common.ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 4):  # 4: a case not read; none is, but it is not a failure
        raise SystemExit(f"error: {' '.join(command)} exited {done.returncode}: "
                         f"{done.stderr.decode(errors='replace')[-500:]}")
    return elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


# How each run finds the compiled-policy cache: turned off (the policy checked and compiled
# by every run, as a first run), or a folder of its own filled by the warm-up run (as a
# user's second run of the same policy).
CACHES = (("off", "cache off"), ("warm", "cache warm"))


def jobs_section(out: Callable[[str], None], seed: int, sizes: tuple[int, ...],
                 repeats: int) -> dict[int, dict[str, float]]:
    """`check --batch FILE --jobs 1` against `--jobs 2`, wall clock of the whole command
    (start-up included), on single-award cases, with the compiled-policy cache off and
    warm, runs interleaved. Returns the speed-up (jobs 1 time / jobs 2 time) by batch size
    and cache ("off", "warm")."""
    out(f"check --batch, --jobs 2 against --jobs 1: wall clock of the whole command, "
        f"single-award cases, median of {repeats} (range); cpu count {os.cpu_count()}; "
        f"load average before: {_load()}")
    out("  cache off: every run checks and compiles the policy (a first run); cache warm: "
        "the compiled policy read from a cache the warm-up run filled (a user's second run)")
    speedups: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        envs = {cache: {**os.environ, "CLAWPOLICY_CACHE_DIR": "off" if cache == "off"
                        else str(Path(tmp) / "cache")} for cache, _ in CACHES}
        for size in sizes:
            path = Path(tmp) / f"cases-{size}.jsonl"
            with path.open("w", encoding="utf-8") as f:
                for case in generate(size, seed + 7, 1, 1):
                    f.write(json.dumps(case, separators=(",", ":")) + "\n")
            times = {(cache, jobs): [] for cache, _ in CACHES for jobs in (1, 2)}
            cpu = {key: [] for key in times}
            for cache, _ in CACHES:  # warm-up: the files in the page cache, the cache filled
                _run(_batch_command(path, 2), envs[cache])
            for r in range(repeats):
                for cache, _ in (CACHES if r % 2 == 0 else CACHES[::-1]):
                    for jobs in ((1, 2) if r % 2 == 0 else (2, 1)):
                        wall, used = _run(_batch_command(path, jobs), envs[cache])
                        times[cache, jobs].append(wall)
                        cpu[cache, jobs].append(used)
            speedups[size] = {}
            for cache, label in CACHES:
                one, two = (statistics.median(times[cache, jobs]) for jobs in (1, 2))
                used = [statistics.median(cpu[cache, jobs]) for jobs in (1, 2)]
                speedups[size][cache] = one / two
                ranges = [f"({min(times[cache, jobs]):.2f}-{max(times[cache, jobs]):.2f})"
                          for jobs in (1, 2)]
                out(f"  {size:>7,} cases, {label:<10}  --jobs 1 {one:6.2f} s {ranges[0]}   "
                    f"--jobs 2 {two:6.2f} s {ranges[1]}   speed-up {one / two:.2f}x")
                out(f"  {'':>7}       {'':<10}  cpu, all processes: --jobs 1 {used[0]:.2f} s"
                    f"   --jobs 2 {used[1]:.2f} s   (--jobs 2 / --jobs 1: "
                    f"{used[1] / used[0]:.2f}x)")
    out(f"  load average after: {_load()}")
    return speedups


# ---------------------------------------------------------------- a pickled policy

_UNPICKLE = """
import pickle, sys, time
import clawpolicy.library, clawpolicy.api
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
policy = pickle.loads(data)
loaded = time.perf_counter()
policy.evaluate(sys.argv[2])
print(loaded - start, time.perf_counter() - loaded)
"""


def pickle_section(out: Callable[[str], None], case: Path) -> None:
    """What a worker process receives of a `Policy` (the checked policy itself, docs/api.md),
    and what unpickling it and its first case cost in a fresh process, after the imports."""
    import pickle

    import clawpolicy

    out("a pickled Policy, as a worker process receives it (unpickled in a fresh process, "
        "after the imports)")
    with tempfile.TemporaryDirectory() as tmp:
        for path in (common.POLICY, REVISED):
            data = pickle.dumps(clawpolicy.load_policy(path))
            sent = Path(tmp) / "policy.pickle"
            sent.write_bytes(data)
            done = subprocess.run([sys.executable, "-c", _UNPICKLE, str(sent), str(case)],
                                  capture_output=True, text=True, check=True)
            loads, first = (float(x) for x in done.stdout.split())
            out(f"  {path.name:<24}{len(data):>9,} bytes   unpickled in {loads * 1000:.1f} ms;"
                f" its first case {first * 1000:.0f} ms (the case models, YAML and the"
                f" policy's compiled forms built)")


# ---------------------------------------------------------------- peak RSS of a long batch

def rss_section(out: Callable[[str], None], cases: int, seed: int) -> dict:
    """A fresh process streams `cases` generated single-award cases into `check --batch -
    --jobs 2` and counts the lines that come out; the peak RSS is the largest of any process
    of the command (getrusage of the children, workers included)."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--rss-batch",
                           str(cases), "--seed", str(seed)], cwd=common.ROOT,
                          stdout=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise SystemExit(f"error: the RSS run exited {done.returncode}")
    report = json.loads(done.stdout)
    out(f"peak RSS of a batch of {cases:,} single-award cases, streamed from the generator "
        f"into check --batch - --jobs 2, output counted and dropped")
    out(f"  {report['lines']:,} lines out in {report['seconds']:.0f} s "
        f"({report['lines'] / report['seconds']:,.0f} cases/s); peak RSS of any process "
        f"{report['maxrss_kib'] / 1024:.1f} MiB")
    return report


def rss_batch_child(cases: int, seed: int) -> None:
    command = clawpolicy_command() + ["check", str(common.POLICY), "--batch", "-",
                                      "--jobs", "2"]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=common.ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def feed() -> None:
        try:
            for case in generate(cases, seed + 11, 1, 1, prefix="rss"):
                child.stdin.write(json.dumps(case, separators=(",", ":")).encode() + b"\n")
        finally:
            child.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    lines = 0
    while True:
        chunk = child.stdout.read(1 << 20)
        if not chunk:
            break
        lines += chunk.count(b"\n")
    feeder.join()
    code = child.wait()
    if code not in (0, 4):
        raise SystemExit(f"error: {' '.join(command)} exited {code}")
    print(json.dumps({"lines": lines, "seconds": time.perf_counter() - start,
                      "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rss-batch", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2024)
    arguments = parser.parse_args()
    rss_batch_child(arguments.rss_batch, arguments.seed)
