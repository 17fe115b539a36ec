"""core/warm.py: the reference writer for a process's first uses, then orjson, for the two
writers that take it (the seal's canonical case, the determination's JSON). That the two
ways write the same bytes is tests/test_seal.py's and tests/test_json_writer.py's; here,
which way each use takes."""

from __future__ import annotations

import pytest

from clawpolicy.api import evaluate, read_case
from clawpolicy.core import warm
from clawpolicy.render import json as json_render
from tests.conftest import EXAMPLE_CASES

orjson = pytest.importorskip("orjson")


def ways(way: warm.Warm, times: int) -> list[bool]:
    return [way.fast() is not None for _ in range(times)]


def test_auto_takes_orjson_after_the_first_uses_only():
    way = warm.Warm(warm=3)
    assert ways(way, 5) == [False, False, False, True, True]
    assert way.fast() is orjson


@pytest.mark.parametrize("mode, taken", [("fast", True), ("reference", False)])
def test_fast_and_reference_from_the_first_use(mode, taken):
    way = warm.Warm(warm=3)
    way.writing(mode)
    assert ways(way, 5) == [taken] * 5


def test_a_new_mode_counts_again_from_the_first_use():
    way = warm.Warm(warm=2)
    assert ways(way, 3) == [False, False, True]
    way.writing("auto")
    assert ways(way, 3) == [False, False, True]


def test_without_orjson_the_reference_always(monkeypatch):
    monkeypatch.setattr(warm, "_orjson", False)
    way = warm.Warm(warm=1)
    way.writing("fast")
    assert ways(way, 3) == [False] * 3


def test_the_determination_is_written_by_orjson_once_warm(monkeypatch, qualys_2019):
    """render/json.py: the first `warm` determinations by our own writer (a cold `check`
    imports no orjson), the rest by orjson, the same bytes."""
    made = evaluate(qualys_2019, read_case(EXAMPLE_CASES[0]))
    taken = []
    fast = json_render._fast
    monkeypatch.setattr(json_render, "_fast",
                        lambda *args, **named: taken.append(1) or fast(*args, **named))
    monkeypatch.setattr(json_render.WAY, "warm", 2)
    json_render.writing("auto")
    try:
        lines = [json_render.render_line(made) for _ in range(4)]
    finally:
        json_render.writing("auto")
    assert len(taken) == 2
    assert len(set(lines)) == 1
