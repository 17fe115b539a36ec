"""benchmarks/search_costs.py runs on the engine as it is: it counts the tracker's
comparisons by wrapping `Tracker.observe`, whose arguments have grown before (a related
date's `step`), and a wrapper that no longer takes them stops the whole report. Run as its
own process: its wrappers stay in place for the rest of the process that loads them."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_the_report_runs_and_counts_the_tracked_comparisons():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "search_costs.py"), "--cases", "30",
         "--mixed", "1", "--repeats", "0"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    counted = [int(n) for n in re.findall(r"tracked comparison evaluations (\d+)", done.stdout)]
    # The revised policy's thirty single-award cases compare two unknown dates (seed 2024).
    assert counted and max(counted) > 0, done.stdout
