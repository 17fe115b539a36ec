"""Where an expression is evaluated: the records of the case it reads (with the path that
names each in the case file) and the environment of one evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import types as t
from clawpolicy.revise.rules import RuleSet
from clawpolicy.syntax import ast


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Item:
    """The data of an item of a list an answer gives (exactness, items.py): the fields it
    sets, by name; every other field reads as null (not known). A field of it is read with
    the list's path too (`Reader`): what it reads is the answer to the list."""

    answer_of: str  # the list's path: `participant.roles`
    values: tuple[tuple[str, Any], ...]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return next((v for n, v in self.values if n == name), None)


@dataclass
class Env:
    """Where an expression is evaluated: the rules in force, the award (None for rules of
    the whole case), the quantifiers' variables, and the values of named rules so far."""

    rules: RuleSet
    award: Rec | None = None
    locals: dict[str, Any] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)  # named rules' values, per award
    # Each node's value here: evaluation is pure within one environment, and an explanation
    # reads the values the evaluation already found rather than computing them again.
    memo: dict[int, Any] = field(default_factory=dict)
    children: dict[tuple, "Env"] = field(default_factory=dict)

    def bind(self, name: str, value: Any) -> "Env":
        key = (name, id(value))  # the child keeps `value` alive, so its id stays its own
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = Env(self.rules, self.award,
                                             {**self.locals, name: value}, self.cache)
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
