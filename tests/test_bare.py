"""The runs read for their outcomes and amounts alone (decide.Determiner.run's `bare`: the
exactness search's combinations, where an answer leads) record their awards' conditions
only as the combination of alternatives reads them (combine.Seen): the determinations they
give are byte-identical to those of runs that record every condition in full
(`decide.BARE = False`), the reference, with reasons and without, on every shipped example
and on generated cases (30, of up to two awards; CLAWPOLICY_FUZZ=long: 300 of up to four)."""

from __future__ import annotations

import pytest
from hypothesis import given

from clawpolicy.api import evaluate, read_case
from clawpolicy.evaluate import combine, decide
from clawpolicy.render import json as json_render
from tests.conftest import EXAMPLE_CASES, REVISION_CASES
from tests.strategies import LONG, cases, fuzzed
from tests.test_properties import as_case


def render(policy, loaded, bare: bool, reasons: bool = True) -> str:
    decide.BARE = bare
    try:
        return json_render.render(evaluate(policy, loaded, reasons=reasons))
    finally:
        decide.BARE = True


@pytest.mark.parametrize("reasons", [True, False], ids=["reasons", "no-reasons"])
@pytest.mark.parametrize("case_path", EXAMPLE_CASES + REVISION_CASES, ids=lambda p: p.stem)
def test_examples(case_path, reasons, qualys_2019, qualys_revised):
    policy = qualys_revised if case_path in REVISION_CASES else qualys_2019
    loaded = read_case(case_path)
    assert render(policy, loaded, True, reasons) == render(policy, loaded, False, reasons)


@fuzzed(5)
@given(cases(max_awards=4 if LONG else 2))
def test_generated(qualys_revised, data):
    loaded = as_case(data)
    assert render(qualys_revised, loaded, True) == render(qualys_revised, loaded, False)
    assert render(qualys_revised, loaded, True, False) == \
        render(qualys_revised, loaded, False, False)


def test_bare_runs_build_no_condition_models(qualys_revised, monkeypatch):
    """Not the reference compared with itself: on the revision examples, whose open
    questions the search answers, the combinations build fewer condition models, and the
    combination of alternatives reads the bare records."""
    built, seen = [], []
    condition, preference = decide.Condition, combine._preference

    class counting:  # the model's maker, counted (decide.py makes Condition._make)
        @staticmethod
        def _make(**fields):
            built.append(1)
            return condition._make(**fields)

    def reading(group, e, sign):
        seen.extend(type(c) for c in e.result.conditions)
        return preference(group, e, sign)

    monkeypatch.setattr(decide, "Condition", counting)
    monkeypatch.setattr(combine, "_preference", reading)
    counts = []
    for bare in (True, False):
        built.clear()
        for path in REVISION_CASES:
            render(qualys_revised, read_case(path), bare)
        counts.append(len(built))
    assert counts[0] < counts[1]
    assert combine.Seen in seen and condition in seen
