"""Revisions that change the same rule are alternatives: each way of applying them is
evaluated, and the policy's combination (the greater amount, or the lesser) chooses one.
This module finds those ways, from the rules each revision changes."""

from __future__ import annotations

import weakref
from typing import Sequence

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.syntax import ast

# The ways found so far for each policy, by the names of the revisions that may apply: the
# same for every award they apply to, so each is found once per policy (as the rule sets are
# composed once, rules.py). Held weakly: a policy no longer used takes its ways with it.
_WAYS: "weakref.WeakKeyDictionary[CheckedPolicy, dict[tuple[str, ...], tuple]]" = \
    weakref.WeakKeyDictionary()


def ways(policy: CheckedPolicy, revisions: Sequence[ast.Revision]) \
        -> tuple[list[list[ast.Revision]], str]:
    """The ways these revisions can apply (`alternatives`) and how the policy combines them
    (`combination`), found once per policy and list of revisions. Shared: not to be
    changed."""
    table = _WAYS.setdefault(policy, {})
    key = tuple(r.name for r in revisions)
    found = table.get(key)
    if found is None:
        found = table[key] = (alternatives(revisions), combination(policy, revisions))
    return found


def alternatives(revisions: Sequence[ast.Revision]) -> list[list[ast.Revision]]:
    """The ways to apply revisions that may not apply together: every largest group in which
    no two change the same rule, in the policy's order. A revision that combines with the
    policy itself (it adds a ground for recovery rather than limiting one) also leaves the
    groups without it as alternatives."""
    groups = _largest_compatible(revisions)
    granting = [r for r in revisions if any(c.other == ast.BASE_POLICY for c in r.combines)]
    if granting:
        rest = [r for r in revisions if r not in granting]
        groups += [g for g in _largest_compatible(rest) if g not in groups]
    order = {r.name: i for i, r in enumerate(revisions)}
    return sorted(groups, key=lambda g: [order[r.name] for r in g])


def _largest_compatible(revisions: Sequence[ast.Revision]) -> list[list[ast.Revision]]:
    """Every largest group of revisions no two of which change the same rule.

    Found from the rules they change: revisions that share no rule, directly or through
    others, fall into separate clusters, and each cluster is decided alone; a group is one
    choice from each cluster. Revisions that change rules no other revision changes form
    clusters of one, so the work grows with how revisions overlap, not with how many there
    are (a policy of forty independent revisions has one group, not 2**40 subsets to try)."""
    order = {id(r): i for i, r in enumerate(revisions)}
    groups: list[list[ast.Revision]] = [[]]
    for cluster in _clusters(revisions):
        choices = _maximal_independent(cluster)
        groups = [g + c for g in groups for c in choices]
    return [sorted(g, key=lambda r: order[id(r)]) for g in groups]


def _clusters(revisions: Sequence[ast.Revision]) -> list[list[ast.Revision]]:
    """Revisions joined when they change a rule in common, transitively, in policy order."""
    by_rule: dict[str, list[int]] = {}
    for i, r in enumerate(revisions):
        for target in sorted(r.targets):
            by_rule.setdefault(target, []).append(i)
    parent = list(range(len(revisions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in by_rule.values():
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    clusters: dict[int, list[ast.Revision]] = {}
    for i, r in enumerate(revisions):
        clusters.setdefault(root(i), []).append(r)
    return list(clusters.values())


def _maximal_independent(cluster: list[ast.Revision]) -> list[list[ast.Revision]]:
    """The largest groups of one cluster in which no two revisions change the same rule,
    grown revision by revision in policy order (Bron-Kerbosch on the compatibility graph,
    which visits each largest group once)."""
    n = len(cluster)
    compatible = [{j for j in range(n) if j != i and not cluster[i].targets & cluster[j].targets}
                  for i in range(n)]
    found: list[list[int]] = []

    def grow(chosen: list[int], candidates: set[int], excluded: set[int]) -> None:
        if not candidates and not excluded:
            found.append(sorted(chosen))
            return
        for i in sorted(candidates):
            grow(chosen + [i], candidates & compatible[i], excluded & compatible[i])
            candidates = candidates - {i}
            excluded = excluded | {i}

    grow([], set(range(n)), set())
    found.sort(key=lambda g: [-len(g)] + g)
    return [[cluster[i] for i in g] for g in found]


def combination(policy: CheckedPolicy, group: Sequence[ast.Revision]) -> str:
    """How alternatives combine: `greater` unless the revisions say `lesser`."""
    names = {r.name for r in group} | {ast.BASE_POLICY}
    hows = {c.how for r in policy.revisions if r.name in names for c in r.combines
            if c.other in names}
    return "lesser" if hows == {"lesser"} else "greater"
