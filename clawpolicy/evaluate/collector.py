"""The cyclic collector's full passes, fewer while the exactness search runs.

A search keeps what it has decided until it ends (the award memo's evaluations and results,
their notes, conditions and frames; the combinations it has run): tens of thousands of
objects that live, growing, for the whole search, which CPython's collector walks entirely
at each full pass (its oldest generation). At its thresholds as CPython sets them (700, 10,
10) a full pass may run every tenth pass of the middle generation; over the revised
policy's mixed batch of `benchmarks/run.py` (150 cases of seed 2024) that was 24 full
passes, 2.1 s of its 12.2 s (case 44 alone: 6 passes, 0.6-0.8 s of its 3.3 s), each
finding little (what a search made and dropped in cycles is found by the younger passes).

While a search runs, a full pass may run every hundredth pass of the middle generation
instead (`FULL`); the younger generations are collected as before, so what a run makes and
drops in cycles is freed as soon as before, and the search's peak memory did not move
(136-137 MB for that batch either way). The collector decides no value: the determination
is the same, byte for byte. The thresholds are put back as they were when the search ends,
however it ends (but for an interrupt landing between the `finally`'s two calls), unless
something else set them meanwhile; a caller that set a later full pass already keeps its own.
Where the collector ignores a third threshold (CPython 3.14's incremental collector is
documented to; not run here), nothing changes: what is read back is not what was set, so
nothing is put back either."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# A full pass at most every FULL passes of the middle generation while a search runs.
FULL = 100


@contextmanager
def searching() -> Iterator[None]:
    """The collector's full passes spaced out (`FULL`) while the block runs."""
    held = gc.get_threshold()
    if held[2] >= FULL:
        yield
        return
    ours = (held[0], held[1], FULL)
    try:
        gc.set_threshold(*ours)  # inside: an interrupt as it returns still puts them back
        yield
    finally:
        if gc.get_threshold() == ours:
            gc.set_threshold(*held)
