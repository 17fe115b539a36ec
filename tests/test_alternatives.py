"""Alternatives between revisions are found from the rules they change; held here against the
definition itself (every largest set of revisions no two of which change the same rule), by
brute force over every subset, which only a test can afford."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from clawpolicy.revise import alternatives as rs
from tests.strategies import fuzzed


def _by_definition(revisions):
    n = len(revisions)
    compatible = [[i == j or not (revisions[i].targets & revisions[j].targets)
                   for j in range(n)] for i in range(n)]
    independent = [set(m) for k in range(n + 1) for m in _subsets(range(n), k)
                   if all(compatible[i][j] for i in m for j in m)]
    largest = [m for m in independent if not any(m < other for other in independent)]
    return sorted(tuple(revisions[i].name for i in sorted(m)) for m in largest)


def _subsets(items, k):
    from itertools import combinations
    return combinations(items, k)


revision_sets = st.lists(st.sets(st.sampled_from("abcdefg"), max_size=3), max_size=8).map(
    lambda targets: [SimpleNamespace(name=f"r{i}", targets=t) for i, t in enumerate(targets)])


@fuzzed(300)
@given(revision_sets)
def test_groups_are_exactly_the_largest_compatible_sets(revisions):
    found = sorted(tuple(r.name for r in g) for g in rs._largest_compatible(revisions))
    assert found == _by_definition(revisions)


@fuzzed(100)
@given(revision_sets)
def test_each_group_keeps_the_policys_order(revisions):
    order = {r.name: i for i, r in enumerate(revisions)}
    for group in rs._largest_compatible(revisions):
        assert [order[r.name] for r in group] == sorted(order[r.name] for r in group)


def test_many_independent_revisions_make_one_group():
    revisions = [SimpleNamespace(name=f"r{i}", targets={f"rule{i}"}) for i in range(200)]
    (group,) = rs._largest_compatible(revisions)
    assert [r.name for r in group] == [f"r{i}" for i in range(200)]
