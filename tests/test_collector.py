"""The cyclic collector's full passes spaced out while the exactness search runs
(evaluate/collector.py): the search runs with them spaced out, the thresholds come back as
they were however the search ends, a caller's own setting is kept, and the determination
is the one made with the collector as CPython sets it, byte for byte."""

from __future__ import annotations

import gc

import pytest

from clawpolicy.api import evaluate
from clawpolicy.evaluate import collector, settle
from clawpolicy.render import json as json_render
from tests.test_grown import _case


# A caller's own thresholds, none of them CPython's defaults: what is put back is theirs.
CALLER = (900, 15, 20)


@pytest.fixture
def thresholds():
    held = gc.get_threshold()
    gc.set_threshold(*CALLER)
    if gc.get_threshold() != CALLER:  # a collector that ignores the third (CPython 3.14's)
        gc.set_threshold(*held)
        pytest.skip("this collector has no threshold of full passes")
    yield
    gc.set_threshold(*held)


def test_a_search_runs_with_full_passes_spaced_out_and_gives_the_same(qualys_revised,
                                                                      monkeypatch, thresholds):
    case = _case(7, 1, 1, 120)  # a single-award case of seed 7 with a search
    seen: list[tuple] = []
    settled = settle.settle

    def spied(*args, **kwargs):
        seen.append(gc.get_threshold())
        return settled(*args, **kwargs)
    monkeypatch.setattr(settle, "settle", spied)
    spaced = json_render.render(evaluate(qualys_revised, case))
    assert collector.FULL > CALLER[2]  # spaced out further than the caller's
    assert seen and set(seen) == {(*CALLER[:2], collector.FULL)}  # its answers' searches too
    assert gc.get_threshold() == CALLER
    seen.clear()
    monkeypatch.setattr(collector, "FULL", CALLER[2])  # the caller's own: nothing changed
    assert json_render.render(evaluate(qualys_revised, case)) == spaced
    assert seen and set(seen) == {CALLER}


@pytest.mark.parametrize("stop", [ZeroDivisionError, KeyboardInterrupt])
def test_the_thresholds_come_back_when_the_search_fails(thresholds, stop):
    with pytest.raises(stop):
        with collector.searching():
            assert gc.get_threshold() == (*CALLER[:2], collector.FULL)
            raise stop()
    assert gc.get_threshold() == CALLER


def test_a_callers_own_setting_is_kept(thresholds):
    gc.set_threshold(500, 5, 1000)  # full passes spaced out further already
    with collector.searching():
        assert gc.get_threshold() == (500, 5, 1000)
    assert gc.get_threshold() == (500, 5, 1000)
    gc.set_threshold(700, 10, 10)
    with collector.searching():
        gc.set_threshold(2000, 10, 10)  # set meanwhile, by someone else: left as set
    assert gc.get_threshold() == (2000, 10, 10)
