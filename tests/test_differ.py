"""Whether a fact of a search's group matters (evaluate/differ.py): the bucketed search
gives the reference's answer, pair by pair, on groups made to be hard for it (answers left
open, masks that overlap, values equal across types, values that cannot be hashed), and on
the searches of generated cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from clawpolicy.evaluate import differ as d
from clawpolicy.evaluate.exact import ANY, Combination
from tests.conftest import generator

# Answers that are equal across types (1, True, Decimal("1.0")) hash alike, as the buckets
# need; a list cannot be hashed and is compared pair by pair.
ANSWERS = [ANY, ANY, 0, 1, True, Decimal("1.0"), Decimal("2"), "a", "b",
           dt.date(2024, 1, 1), dt.date(2024, 1, 2)]


def combination(values: tuple, result: int) -> Combination:
    return Combination(tuple(values), {}, (result,), {})


def result(c: Combination) -> tuple:
    return c.others


groups = st.integers(1, 4).flatmap(lambda width: st.lists(
    st.tuples(st.lists(st.sampled_from(ANSWERS), min_size=width, max_size=width),
              st.integers(0, 2)), max_size=40))


@settings(max_examples=400)
@given(groups, st.data())
def test_the_buckets_give_the_reference_answer(rows, data):
    combos = [combination(tuple(values), r) for values, r in rows]
    if not combos:
        return
    j = data.draw(st.integers(0, len(combos[0].values) - 1))
    expected = d.pairwise(combos, j, result)
    assert d._bucketed(combos, j, result) is expected
    assert d.differ(combos, j, result) is expected


def test_a_pair_found_only_through_two_different_masks():
    # The two combinations that differ in fact 0 alone leave different facts open: only the
    # pair of masks ({1}, {2}) holds them.
    combos = [combination((1, ANY, "x"), 0), combination((2, "y", ANY), 1),
              combination((2, "z", "w"), 0)]
    assert d.pairwise(combos, 0, result) is True
    assert d._bucketed(combos, 0, result) is True


def test_no_pair_where_the_other_facts_disagree():
    combos = [combination((1, "x", "p"), 0), combination((2, "y", ANY), 1),
              combination((2, "x", "q"), 1)]
    assert d.pairwise(combos, 0, result) is False
    assert d._bucketed(combos, 0, result) is False


def test_an_answer_that_cannot_be_hashed_is_compared_pair_by_pair(monkeypatch):
    monkeypatch.setattr(d, "PAIRS", 0)  # straight to the buckets, which cannot take it
    combos = [combination(([1], "x"), 0), combination(([2], "x"), 1)]
    with pytest.raises(TypeError):
        d._bucketed(combos, 0, result)
    assert d.differ(combos, 0, result) is True
    assert d.differ([combination(([1], "x"), 0), combination(([2], "y"), 1)], 0,
                    result) is False


def test_the_searches_of_generated_cases_agree(monkeypatch, qualys_revised):
    """Every group two determinations ask about, under the revised policy, answered the same
    both ways: run.py's mixed cases 93 and 101 (seed 2024), whose groups of 142 and 244
    combinations include a fact that does not matter (every pair compared)."""
    from clawpolicy import api

    seen = []

    def checked(combos, j, given):
        expected = d.pairwise(combos, j, given)
        assert d._bucketed(combos, j, given) is expected
        seen.append((len(combos), expected))
        return expected

    monkeypatch.setattr(d, "differ", checked)
    cases = generator()(102, 2024, 1, 20)
    for index in (93, 101):
        api.evaluate(qualys_revised, api.read_case_data(cases[index]))
    assert any(n > 100 and not matters for n, matters in seen)
    assert any(n > 100 and matters for n, matters in seen)


@pytest.mark.parametrize("name, policy", [("apart-seen-94.json", "qualys_revised"),
                                          ("moved-19.json", "qualys_2019")])
def test_what_an_answer_kept_leaves_open_is_found_once_for_its_interval(monkeypatch, request,
                                                                         name, policy):
    """differ.Unmoved.moved keeps, for each award, fact and answer held (a date's interval
    is held by its first day), what it found. In tests/answer_cases, apart-seen-94's
    required date is asked alone at days the awards' searches hold in one interval, and
    moved-19's findings, several facts with answers alike in value, each alone. Each answer
    is given what a fresh Unmoved finds for it. (Where the case with the answer in place is
    searched within asked.ASKED, what it asks is said instead: set to none here.)"""
    import json

    from clawpolicy import api
    from clawpolicy.evaluate import asked
    from tests.conftest import ROOT

    monkeypatch.setattr(asked, "ASKED", 0)

    original = d.Unmoved.moved
    reused = []

    def checked(self, fact, value):
        before = dict(self.kept)
        found = original(self, fact, value)
        groups = list({id(g): g for g in self.group_of.values()}.values())
        assert found == original(d.Unmoved(self.determiner, self.run, groups), fact, value)
        reused.append(bool(found) and self.kept == before)
        return found

    monkeypatch.setattr(d.Unmoved, "moved", checked)
    case = json.loads((ROOT / "tests" / "answer_cases" / name).read_text())
    api.evaluate(request.getfixturevalue(policy), api.read_case_data(case))
    assert reused and (any(reused) or name == "moved-19.json")
