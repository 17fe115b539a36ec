"""The progress of a batch on a terminal: count, rate and time left, refreshed on time."""

from __future__ import annotations

import io
import re
import time

from clawpolicy.render.progress import BatchProgress

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _frames(stream: io.StringIO) -> list[str]:
    return [f for f in ANSI.sub("", stream.getvalue()).split("\r") if f.strip()]


def test_rate_and_time_left_from_the_cases_done_so_far():
    now = [100.0]
    stream = io.StringIO()
    with BatchProgress(stream, 600, force_terminal=True, clock=lambda: now[0]) as progress:
        for _ in range(150):
            now[0] += 0.01        # 100 cases a second
            progress.advance()
        progress.refresh()
        last = _frames(stream)[-1]
    assert "150/600" in last
    assert "100 cases/s" in last
    assert "0:00:05" in last      # 450 cases left at 100 a second: 4.5 s, shown rounded up


def test_it_refreshes_on_time_not_on_a_count_of_cases():
    stream = io.StringIO()
    with BatchProgress(stream, None, force_terminal=True) as progress:
        progress.advance(7)       # no refresh asked for: only the clock can draw it
        started = time.monotonic()
        while time.monotonic() - started < 3 and \
                not any("7 cases" in f for f in _frames(stream)):
            time.sleep(0.05)
        waited = time.monotonic() - started
    assert any("7 cases" in f for f in _frames(stream)), "not drawn within 3 seconds"
    assert waited < 3


def test_it_is_erased_at_the_end_so_the_summary_stands_alone():
    stream = io.StringIO()
    with BatchProgress(stream, 2, force_terminal=True) as progress:
        progress.advance(2)
        progress.refresh()
    assert stream.getvalue().endswith("\x1b[2K")  # the line cleared
