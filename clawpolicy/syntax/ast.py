"""The policy AST: frozen dataclasses, one per construct. `span` is left out of equality
and repr so that two policies that say the same thing compare equal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from clawpolicy.source import Span


def _span() -> Span:
    return field(default=None, compare=False, repr=False)  # type: ignore[return-value]


# ---------------------------------------------------------------- expressions

@dataclass(frozen=True)
class Number:
    value: Decimal
    span: Span = _span()


@dataclass(frozen=True)
class MoneyLit:
    value: Decimal
    unit: str
    span: Span = _span()


@dataclass(frozen=True)
class DurationLit:
    amount: int
    unit: str  # "years" | "months" | "days"
    span: Span = _span()


@dataclass(frozen=True)
class DateLit:
    value: dt.date
    span: Span = _span()


@dataclass(frozen=True)
class Text:
    value: str
    span: Span = _span()


@dataclass(frozen=True)
class Bool:
    value: bool
    span: Span = _span()


@dataclass(frozen=True)
class Name:
    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Field:
    subject: "Expr"
    name: str
    span: Span = _span()
    name_span: Span = _span()


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple["Expr", ...]
    span: Span = _span()
    name_span: Span = _span()


@dataclass(frozen=True)
class SetLit:
    items: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Unary:
    op: str  # "-" | "not"
    operand: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Binary:
    """Arithmetic, comparison, membership and set overlap: `op` is the source operator
    ("+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">=", "in", "not in", "overlaps")."""

    op: str
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Logical:
    op: str  # "and" | "or"
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Test:
    """`x is known`, `x is unknown`, `x is present`, `x is absent`."""

    subject: "Expr"
    test: str
    span: Span = _span()


@dataclass(frozen=True)
class If:
    condition: "Expr"
    then: "Expr"
    otherwise: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Quantifier:
    """`any(s in xs satisfies p)` and `every(s in xs satisfies p)`."""

    kind: str  # "any" | "every"
    var: str
    collection: "Expr"
    body: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Aggregate:
    """`sum(e for x in xs where p)` and `count(x in xs where p)`; `value` is None for count."""

    kind: str  # "sum" | "count"
    var: str
    collection: "Expr"
    value: "Expr | None"
    where: "Expr | None"
    span: Span = _span()


Expr = (
    Number | MoneyLit | DurationLit | DateLit | Text | Bool | Name | Field | Call | SetLit
    | Unary | Binary | Logical | Test | If | Quantifier | Aggregate
)


def children(node: "Expr"):
    """The expressions directly inside an expression, in field order."""
    for value in vars(node).values():
        if isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, Expr))
        elif isinstance(value, Expr):
            yield value


# ---------------------------------------------------------------- declarations

@dataclass(frozen=True)
class Citation:
    clause: str | None
    quotes: tuple[str, ...]
    span: Span = _span()
    quote_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Header:
    name: str
    adopted_by: str | None
    adopted_on: dt.date | None
    effective: dt.date | None
    source: str | None
    span: Span = _span()


@dataclass(frozen=True)
class Include:
    path: str
    span: Span = _span()


@dataclass(frozen=True)
class FactDecl:
    """A fact the policy declares for itself, read from the case file's `facts:`."""

    name: str
    type: str  # "boolean" | "date" | "money" | "number" | "text" | "enum"
    values: tuple[str, ...]  # the enumeration's values; empty otherwise
    question: str | None
    span: Span = _span()
    name_span: Span = _span()


@dataclass(frozen=True)
class ForEach:
    """`when P for s in stock_sales where Q`: the items an `other` rule recovers from, once
    the case satisfies `when`."""

    when: "Expr | None"
    var: str
    collection: "Expr"
    where: "Expr | None"


@dataclass(frozen=True)
class Rule:
    """Every cited block: `kind` is definition, scope, condition, recoverable, remedy, note
    or provision. `body` is the expression (the remedy's cap; the note's `when`); `extra`
    holds what only some kinds have (a remedy's modality and `unless`, a note's or a
    provision's text)."""

    kind: str
    name: str
    citation: Citation
    body: "Expr | None"
    modality: str | None = None
    unless: "Expr | None" = None
    text: str | None = None
    each: ForEach | None = None  # `other` rules only
    span: Span = _span()
    name_span: Span = _span()


@dataclass(frozen=True)
class Change:
    """What a revision does to one rule of the base policy: `add` a rule, `replace` one by
    its id, `remove` one, or `modality` (make a remedy shall or may)."""

    action: str  # "add" | "replace" | "remove" | "modality"
    kind: str  # the kind of rule it adds, replaces or removes
    target: str  # the rule's id
    rule: Rule | None  # the new rule, for add and replace
    modality: str | None
    citation: Citation
    span: Span = _span()
    target_span: Span = _span()


@dataclass(frozen=True)
class Combine:
    """How this revision combines with another that changes the same rules."""

    other: str
    how: str  # "greater" | "lesser": the alternative whose recoverable amount is greater
    citation: Citation
    span: Span = _span()
    other_span: Span = _span()


@dataclass(frozen=True)
class Revision:
    name: str
    citation: Citation
    applies_to: "Expr | None"
    effective: dt.date | None
    reaches: "Expr | None"
    changes: tuple[Change, ...]
    combines: tuple[Combine, ...]
    span: Span = _span()
    name_span: Span = _span()

    @property
    def targets(self) -> set[str]:
        """The ids of the rules this revision adds, replaces, removes or changes."""
        return {c.target for c in self.changes}


Decl = Header | Include | FactDecl | Rule | Revision


@dataclass(frozen=True)
class Module:
    """One parsed file."""

    decls: tuple[Decl, ...]
    span: Span = _span()
