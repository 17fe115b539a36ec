"""Where an expression is evaluated: the records of the case it reads (with the path that
names each in the case file) and the environment of one evaluation."""

from __future__ import annotations

from typing import Any

from clawpolicy.core.deferred import deferred
from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import types as t
from clawpolicy.revise.rules import RuleSet
from clawpolicy.syntax import ast


@deferred(frozen=True)
class Rec:
    """A record of the case, with the path that names it in the case file, and the field that
    identifies it among the items of its list (its key), if its record has one."""

    path: str
    data: Any
    type: t.Record
    key: str | None = None

    def __init__(self, path: str, data: Any, type: t.Record, key: str | None = None):
        # The fields set as the frozen dataclass's own __init__ sets them, without its
        # object.__setattr__ a field: a run makes a dozen records, each search run too.
        fields = self.__dict__
        fields["path"], fields["data"], fields["type"], fields["key"] = path, data, type, key

    @property
    def ident(self) -> Any:
        return getattr(self.data, self.key) if self.key is not None else None

    def __str__(self) -> str:
        ident = self.ident
        return str(ident) if ident is not None else self.path


class Env:
    """Where an expression is evaluated: the rules in force, the award (None for rules of
    the whole case), the quantifiers' variables, and the values of named rules so far.

    A plain class (not a dataclass with a factory per field): a run makes a few for each
    award, and the search's runs a few each; the children of `bind` are made on the first
    bind."""

    def __init__(self, rules: RuleSet, award: Rec | None = None,
                 locals: dict[str, Any] | None = None, cache: dict[Any, Any] | None = None):
        self.rules = rules
        self.award = award
        self.locals = {} if locals is None else locals
        self.cache = {} if cache is None else cache  # named rules' values, per award
        # Each node's value here: evaluation is pure within one environment, and an
        # explanation reads the values the evaluation already found rather than computing
        # them again.
        self.memo: dict[int, Any] = {}
        self.children: dict[tuple, Env] | None = None

    def bind(self, name: str, value: Any) -> "Env":
        key = (name, id(value))  # the child keeps `value` alive, so its id stays its own
        children = self.children
        if children is None:
            children = self.children = {}
        child = children.get(key)
        if child is None:
            child = children[key] = Env(self.rules, self.award, {**self.locals, name: value},
                                        self.cache)
        return child

    def top(self) -> "Env":
        """The environment of this award's named rules (no quantifier variables)."""
        top = self.cache.get(("top",))
        if top is None:
            top = self.cache[("top",)] = Env(self.rules, self.award, cache=self.cache)
        return top

    def named(self, name: str, policy: CheckedPolicy) -> ast.Rule:
        return self.rules.named(name) or policy.rule(name)


def join_path(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name
