"""An answer's search for the outcome alone stopped once the thresholds it has found make its
candidates' answers more combinations than the bound (evaluate/watch.py, `Watch.grown`):
such a search gives back the run it starts from however it would have ended (past the bound,
at the next round's start, or still moving), so the rest of it is not made. Held to the
reference (searching.SHORTCUTS = False, every answer searched to its end) on generated cases
of the benchmark's batches where it stops a search (the revised policy: a single-award case
of seed 7 and the mixed batch's case 22 in the default suite; its case 76, where 19 of the
answers' searches stopped after 6-85 combinations instead of 1,024, in the long profile;
tests/test_search.py's heavy cases slow, slow1 and slow20-slow23 in the long profile too),
and a stop made without counting to the bound, which gives another answer."""

from __future__ import annotations

import pytest

from clawpolicy.api import evaluate, read_case_data
from clawpolicy.evaluate import searching, shortcuts, watch
from clawpolicy.render import json as json_render
from tests.strategies import LONG
from tests.test_json_writer import _generator

# (seed, fewest awards, most awards, index): generated as benchmarks/run.py makes them.
STOPPED = [(7, 1, 1, 120), (2024, 1, 20, 22)] + ([(2024, 1, 20, 76)] if LONG else [])


def _case(seed: int, low: int, high: int, index: int):
    return read_case_data(_generator()(index + 1, seed, low, high)[index])


def _render(policy, case, shortcuts_on: bool = True) -> str:
    searching.SHORTCUTS = shortcuts_on
    try:
        return json_render.render(evaluate(policy, case))
    finally:
        searching.SHORTCUTS = True


def _stops(monkeypatch) -> list[int]:
    """Each search stopped from now on (appended to the list returned)."""
    found: list[int] = []
    grown = watch.Watch.grown

    def counted(self, group, bound):
        try:
            grown(self, group, bound)
        except watch.Undecided:
            found.append(1)
            raise
    monkeypatch.setattr(watch.Watch, "grown", counted)
    return found


@pytest.mark.parametrize("where", STOPPED, ids=lambda w: "seed{}-{}-{}awards-{}".format(*w))
def test_a_search_stopped_past_the_bound_gives_the_references_result(where, qualys_revised,
                                                                     monkeypatch):
    case = _case(*where)
    stops = _stops(monkeypatch)
    fast = _render(qualys_revised, case)
    assert stops
    assert fast == _render(qualys_revised, case, False)


def test_a_stop_made_without_counting_gives_another_answer(qualys_revised, monkeypatch):
    """The count counts: a search stopped as soon as it finds a new threshold (its answers
    fewer than the bound still) gives its run back where the reference, searching on, settles
    an award (seed 7's single-award case 15)."""
    case = _case(7, 1, 1, 15)
    reference = _render(qualys_revised, case, False)
    assert _render(qualys_revised, case) == reference

    def at_once(self, group, bound):
        if self.known is not None and shortcuts.version(group.tracker) != self.known:
            raise watch.Undecided()
    monkeypatch.setattr(watch.Watch, "grown", at_once)
    assert _render(qualys_revised, case) != reference
