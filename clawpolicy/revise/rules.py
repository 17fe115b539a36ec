"""The rules that govern one award: the base policy with the revisions selected for the
participant (and reaching the award) applied on top.

This is the only way a revision takes effect. The evaluator is handed a RuleSet and sees
nothing else, so for a participant outside every sub-set it receives exactly the base rules:
a revision cannot leak to anyone it was not written for."""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass
from typing import Sequence

from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.syntax import ast

BASE = "policy"
KINDS = ("scope", "condition", "recoverable", "remedy", "note", "other")


@dataclass(frozen=True)
class Sourced:
    """A rule with where it comes from: the base policy's text or a revision."""

    rule: ast.Rule
    source: str
    modality_from: str | None = None  # the revision that made a remedy shall or may


@dataclass(frozen=True)
class Removed:
    kind: str
    name: str
    source: str
    citation: ast.Citation


@dataclass(frozen=True)
class RuleSet:
    revisions: tuple[str, ...]
    rules: dict[str, tuple[Sourced, ...]]  # by kind, in order
    removed: tuple[Removed, ...]

    def of(self, kind: str) -> tuple[Sourced, ...]:
        return self.rules.get(kind, ())

    @property
    def recoverable(self) -> Sourced:
        return self.rules["recoverable"][0]

    def named(self, name: str) -> ast.Rule | None:
        """A rule that other rules refer to by name: the recoverable amount as revised."""
        for entry in self.of("recoverable"):
            if entry.rule.name == name:
                return entry.rule
        return None


def base(policy: CheckedPolicy) -> RuleSet:
    return RuleSet((), {kind: tuple(Sourced(r, BASE) for r in policy.rules if r.kind == kind)
                        for kind in KINDS}, ())


# The rule sets composed so far for each policy, by the revisions applied: the same for every
# case, so each is composed once. Held weakly: a policy no longer used takes its sets with it.
_COMPOSED: "weakref.WeakKeyDictionary[CheckedPolicy, dict[tuple[str, ...], RuleSet]]" = \
    weakref.WeakKeyDictionary()


def composed(policy: CheckedPolicy, revisions: Sequence[ast.Revision]) -> RuleSet:
    """The rules for these revisions, composed once per policy."""
    cache = _COMPOSED.setdefault(policy, {})
    key = tuple(r.name for r in revisions)
    found = cache.get(key)
    if found is None:
        found = cache[key] = compose(policy, revisions)
    return found


def compose(policy: CheckedPolicy, revisions: Sequence[ast.Revision]) -> RuleSet:
    """Apply each revision's changes, in the order the policy lists the revisions."""
    rules = {kind: list(entries) for kind, entries in base(policy).rules.items()}
    removed: list[Removed] = []
    for revision in revisions:
        for change in revision.changes:
            entries = rules[change.kind]
            index = next((i for i, e in enumerate(entries) if e.rule.name == change.target), None)
            match change.action:
                case "add":
                    entries.append(Sourced(change.rule, revision.name))
                case "replace":
                    entries[index] = Sourced(change.rule, revision.name)
                case "remove":
                    del entries[index]
                    removed.append(Removed(change.kind, change.target, revision.name,
                                           change.citation))
                case "modality":
                    entry = entries[index]
                    entries[index] = Sourced(
                        dataclasses.replace(entry.rule, modality=change.modality), entry.source,
                        revision.name)
    return RuleSet(tuple(r.name for r in revisions),
                   {kind: tuple(entries) for kind, entries in rules.items()}, tuple(removed))


def others(policy: CheckedPolicy, revisions: Sequence[ast.Revision]) -> RuleSet:
    """The amounts recoverable that are not awards: the base policy's `other` rules and those
    each revision adds. They belong to the case, not to an award, so revisions that are
    alternatives for an award each contribute their own."""
    entries = [e for e in base(policy).of("other")]
    entries += [Sourced(c.rule, r.name) for r in revisions for c in r.changes
                if c.action == "add" and c.kind == "other"]
    return RuleSet(tuple(r.name for r in revisions), {"other": tuple(entries)}, ())


BASE_ALTERNATIVE = "policy"  # `combine with policy`: the unrevised rules remain a way to recover


def alternatives(revisions: Sequence[ast.Revision]) -> list[list[ast.Revision]]:
    """The ways to apply revisions that may not apply together: every largest group in which
    no two change the same rule, in the policy's order. A revision that combines with the
    policy itself (it adds a ground for recovery rather than limiting one) also leaves the
    groups without it as alternatives."""
    groups = _largest_compatible(revisions)
    granting = [r for r in revisions if any(c.other == BASE_ALTERNATIVE for c in r.combines)]
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
    names = {r.name for r in group} | {BASE_ALTERNATIVE}
    hows = {c.how for r in policy.revisions if r.name in names for c in r.combines
            if c.other in names}
    return "lesser" if hows == {"lesser"} else "greater"
