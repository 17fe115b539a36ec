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

from clawpolicy.core.deferred import deferred
from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.syntax import ast

# Where a rule comes from when no revision changed it: the policy text itself.
BASE = ast.BASE_POLICY
KINDS = ("scope", "condition", "recoverable", "remedy", "note", "excuse", "other")


@dataclass(frozen=True)
class Sourced:
    """A rule with where it comes from: the base policy's text or a revision."""

    rule: ast.Rule
    source: str
    modality_from: str | None = None  # the revision that made a remedy shall or may
    # The id of the rule it replaces, where the replacing rule carries a name of its own
    # (`replace condition X as Y`): the handle that links the two.
    replaces: str | None = None

    @property
    def handle(self) -> str:
        """The id revisions name this rule by: the replaced id, or its own."""
        return self.replaces or self.rule.name


@deferred(frozen=True)
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
    return _once(_COMPOSED, compose, policy, revisions)


def composed_table(policy: CheckedPolicy) -> dict[tuple[str, ...], RuleSet]:
    """The rule sets composed so far for the policy, by the names of the revisions applied:
    for a caller that looks many up (`composed` where one is missing)."""
    return _COMPOSED.setdefault(policy, {})


def _once(table: "weakref.WeakKeyDictionary", make, policy: CheckedPolicy,
          revisions: Sequence[ast.Revision]) -> RuleSet:
    cache = table.setdefault(policy, {})
    key = tuple(r.name for r in revisions)
    found = cache.get(key)
    if found is None:
        found = cache[key] = make(policy, revisions)
    return found


def compose(policy: CheckedPolicy, revisions: Sequence[ast.Revision]) -> RuleSet:
    """Apply each revision's changes, in the order the policy lists the revisions."""
    rules = {kind: list(entries) for kind, entries in base(policy).rules.items()}
    removed: list[Removed] = []
    for revision in revisions:
        for change in revision.changes:
            entries = rules[change.kind]
            index = next((i for i, e in enumerate(entries) if e.handle == change.target), None)
            match change.action:
                case "add":
                    entries.append(Sourced(change.rule, revision.name))
                case "replace":
                    entries[index] = Sourced(change.rule, revision.name,
                                             replaces=change.target if change.renamed else None)
                case "remove":
                    del entries[index]
                    removed.append(Removed(change.kind, change.target, revision.name,
                                           change.citation))
                case "modality":
                    entry = entries[index]
                    entries[index] = dataclasses.replace(
                        entry, rule=dataclasses.replace(entry.rule, modality=change.modality),
                        modality_from=revision.name)
    return RuleSet(tuple(r.name for r in revisions),
                   {kind: tuple(entries) for kind, entries in rules.items()}, tuple(removed))


def others(policy: CheckedPolicy, revisions: Sequence[ast.Revision]) -> RuleSet:
    """The amounts recoverable that are not awards: the base policy's `other` rules and those
    each revision adds. They belong to the case, not to an award, so revisions that are
    alternatives for an award each contribute their own. Made once per policy and set of
    revisions, as the composed rule sets are."""
    return _once(_OTHERS, _others, policy, revisions)


_OTHERS: "weakref.WeakKeyDictionary[CheckedPolicy, dict[tuple[str, ...], RuleSet]]" = \
    weakref.WeakKeyDictionary()


def _others(policy: CheckedPolicy, revisions: Sequence[ast.Revision]) -> RuleSet:
    entries = [e for e in base(policy).of("other")]
    entries += [Sourced(c.rule, r.name) for r in revisions for c in r.changes
                if c.action == "add" and c.kind == "other"]
    return RuleSet(tuple(r.name for r in revisions), {"other": tuple(entries)}, ())
