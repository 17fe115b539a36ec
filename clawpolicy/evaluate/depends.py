"""Open questions by dependency: which facts each rule can read, so that a run answering a
question evaluates again only the rules that read an answered fact, and takes the others'
values from the determination's own run.

What a rule can read is found from its text, through the named rules it uses (as the rule
set in force resolves them): the names of the fields it reads, of any record (a rule reading
`s.restated` depends on every statement's `restated`). That over-approximates what it reads
for one case, and so never reuses a value an answer could move. A node kind this module does
not know makes the rule depend on everything: it is always evaluated again."""

from __future__ import annotations

import weakref
from typing import Any

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import types as t
from clawpolicy.revise.rules import RuleSet
from clawpolicy.syntax import ast

_READS: "weakref.WeakKeyDictionary[CheckedPolicy, tuple[dict, dict]]" = \
    weakref.WeakKeyDictionary()
_KNOWN = (ast.Number, ast.MoneyLit, ast.DurationLit, ast.DateLit, ast.Text, ast.Bool,
          ast.Name, ast.Field, ast.SetLit, ast.Unary, ast.Logical, ast.Binary, ast.Test,
          ast.If, ast.Call, ast.Quantifier, ast.Aggregate)
_MISSING = object()


class RuleValues:
    """The values of the scope and condition rules in the run of the case as it stands, by
    rule set, award and rule; and what each rule can read."""

    def __init__(self, policy: CheckedPolicy):
        self.policy = policy
        self.values: dict[tuple[int, str, int], Any] = {}
        # What each rule can read depends on the policy alone: found once per policy, not
        # once per case.
        found = _READS.get(policy)
        if found is None:
            found = _READS[policy] = ({}, links(policy))
        self._reads, self._links = found
        # The answers of the last run asked about, and their field names (`_names_of`).
        self._answered: tuple[Any, frozenset] | None = None

    def get(self, rules: RuleSet, award: str, body: ast.Expr, answered: Any,
            names: set[str] | None = None) -> Any:
        """The rule's value as the case stands, where no answered fact can move it; the
        names of the fields it can read are added to `names` where it is taken."""
        value = self.values.get((id(rules), award, id(body)), _MISSING)
        if value is _MISSING:
            return _MISSING
        found = self._reads.get((id(rules), id(body)))
        reads = found[1] if found is not None else self.reads(rules, body)
        if reads is None or not reads.isdisjoint(self._names_of(answered)):
            return _MISSING
        if names is not None:
            names.update(reads)
        return value

    def _names_of(self, answered: Any) -> frozenset:
        """The field names of the answered paths (the last part of each): a run asks for
        every rule of an award with the same answers, so the last run's are kept."""
        last = self._answered
        if last is not None and last[0] is answered:
            return last[1]
        names = frozenset(path.rsplit(".", 1)[-1] for path in answered)
        self._answered = (answered, names)
        return names

    def put(self, rules: RuleSet, award: str, body: ast.Expr, value: Any) -> None:
        self.values[(id(rules), award, id(body))] = value

    def reads(self, rules: RuleSet, body: ast.Expr) -> frozenset | None:
        """The names of the fields the rule can read, or None where that is not known."""
        key = (id(rules), id(body))
        found = self._reads.get(key)
        if found is None:  # the rule set is kept with it, so that its id stays its own
            found = self._reads[key] = (rules, self._names(rules, body))
        return found[1]

    def _names(self, rules: RuleSet, body: ast.Expr) -> frozenset | None:
        names: set[str] = set()
        seen: set[int] = set()
        stack = [body]
        each = self.policy.vocabulary.roles.each
        while stack:
            node = stack.pop()
            if not isinstance(node, _KNOWN):
                return None
            if isinstance(node, ast.Field):
                names.add(node.name)
                names.update(self._links.get(node.name, ()))
            elif isinstance(node, ast.Name):
                resolution = self.policy.resolutions[id(node)]
                if resolution.kind == "rule":
                    rule = rules.named(resolution.target) or self.policy.rule(resolution.target)
                    if id(rule.body) not in seen:
                        seen.add(id(rule.body))
                        stack.append(rule.body)
                elif resolution.kind == "root":
                    if resolution.target != each:
                        names.add(resolution.target)
                elif resolution.kind not in ("local", "enum", "constant"):
                    return None
            stack.extend(ast.children(node))
        return frozenset(names)


_ITEM_FREE: "weakref.WeakKeyDictionary[CheckedPolicy, dict]" = weakref.WeakKeyDictionary()


def reads_no_item(policy: CheckedPolicy, rules: RuleSet, body: ast.Expr) -> bool:
    """Whether an expression, through the named rules it uses (as `rules` resolves them),
    never reads the item decided (the award: the vocabulary's `roles.each`) nor a variable
    bound outside it: evaluated in one run under `rules`, its value is then the same for
    every award, and so is its reason (reasons.py shares the words). A node kind this module
    does not know, or a name of another kind, counts as reading the item."""
    found = _ITEM_FREE.get(policy)
    if found is None:
        found = _ITEM_FREE[policy] = {}
    key = (id(rules), id(body))
    hit = found.get(key)
    if hit is None:  # the rule set is kept with it, so that its id stays its own
        hit = found[key] = (rules, _item_free(policy, rules, body))
    return hit[1]


def _item_free(policy: CheckedPolicy, rules: RuleSet, body: ast.Expr) -> bool:
    each = policy.vocabulary.roles.each
    bound: set[str] = set()  # the variables the expression binds itself
    stack, seen = [body], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, _KNOWN):
            return False
        if isinstance(node, ast.Quantifier | ast.Aggregate):
            bound.add(node.var)
        elif isinstance(node, ast.Name):
            resolution = policy.resolutions[id(node)]
            if resolution.kind == "rule":
                rule = rules.named(resolution.target) or policy.rule(resolution.target)
                if id(rule.body) not in seen:
                    seen.add(id(rule.body))
                    stack.append(rule.body)
            elif resolution.kind == "root":
                if resolution.target == each:
                    return False
            elif resolution.kind == "local":
                if node.name not in bound:
                    return False
            elif resolution.kind not in ("enum", "constant"):
                return False
        stack.extend(ast.children(node))
    return True


def links(policy: CheckedPolicy) -> dict[str, set[str]]:
    """For each derived field's name, the fields it is derived from (`statements`: the
    award's `calculated_on`); and for a field that takes another's value where left out
    (`same_as`: the award's `attained`), that field (`received`)."""
    found: dict[str, set[str]] = {name: set(others) for name, others
                                  in policy.vocabulary.following().items()}
    stack, seen = [policy.case_type], set()
    while stack:
        record = stack.pop()
        if record.name in seen:
            continue
        seen.add(record.name)
        for name, field_type in record.fields.items():
            if field_type.link is not None:
                found.setdefault(name, set()).add(field_type.link.via)
            inner = field_type.type
            if isinstance(inner, t.ListOf | t.SetOf):
                inner = inner.element
            if isinstance(inner, t.Record):
                stack.append(inner)
    return found


MISSING = _MISSING
