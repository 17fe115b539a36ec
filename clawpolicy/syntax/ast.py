"""The policy AST: frozen dataclasses, one per construct. `span` is left out of equality
and repr so that two policies that say the same thing compare equal."""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import ClassVar
from decimal import Decimal

from clawpolicy.core.deferred import deferred
from clawpolicy.core.source import Span


def _span() -> Span:
    return field(default=None, compare=False, repr=False)  # type: ignore[return-value]


# ---------------------------------------------------------------- expressions

@deferred(frozen=True)
class Number:
    value: Decimal
    span: Span = _span()


@deferred(frozen=True)
class MoneyLit:
    value: Decimal
    unit: str
    span: Span = _span()


@deferred(frozen=True)
class DurationLit:
    amount: int
    unit: str  # "years" | "months" | "days"
    span: Span = _span()


@deferred(frozen=True)
class DateLit:
    value: dt.date
    span: Span = _span()


@deferred(frozen=True)
class Text:
    value: str
    span: Span = _span()


@deferred(frozen=True)
class Bool:
    value: bool
    span: Span = _span()


@deferred(frozen=True)
class Name:
    name: str
    span: Span = _span()


@deferred(frozen=True)
class Field:
    subject: "Expr"
    name: str
    span: Span = _span()
    name_span: Span = _span()


@deferred(frozen=True)
class Call:
    function: str
    args: tuple["Expr", ...]
    span: Span = _span()
    name_span: Span = _span()


@deferred(frozen=True)
class SetLit:
    items: tuple["Expr", ...]
    span: Span = _span()


@deferred(frozen=True)
class Unary:
    op: str  # "-" | "not"
    operand: "Expr"
    span: Span = _span()


@deferred(frozen=True)
class Binary:
    """Arithmetic, comparison, membership and set overlap: `op` is the source operator
    ("+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">=", "in", "not in", "overlaps")."""

    op: str
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@deferred(frozen=True)
class Logical:
    op: str  # "and" | "or"
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@deferred(frozen=True)
class Test:
    """`x is known`, `x is unknown`, `x is present`, `x is absent`."""

    subject: "Expr"
    test: str
    span: Span = _span()


@deferred(frozen=True)
class If:
    condition: "Expr"
    then: "Expr"
    otherwise: "Expr"
    span: Span = _span()


@deferred(frozen=True)
class Quantifier:
    """`any(s in xs satisfies p)` and `every(s in xs satisfies p)`."""

    kind: str  # "any" | "every"
    var: str
    collection: "Expr"
    body: "Expr"
    span: Span = _span()


@deferred(frozen=True)
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


# ---------------------------------------------------------------- binding strength

class Binds:
    """How tightly each construct binds, loosest first. `clawpolicy fmt` (syntax.printer)
    parenthesizes an operand that binds more loosely than its place allows, and a reason's
    arithmetic (evaluate.explain) groups its operands by the same rule."""

    IF, OR, AND, NOT, COMPARE, ADD, MUL, NEG, ATOM = range(9)


COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">=", "in", "not in", "overlaps"})


def binding(node: Expr) -> int:
    match node:
        case If():
            return Binds.IF
        case Logical(op="or"):
            return Binds.OR
        case Logical(op="and"):
            return Binds.AND
        case Unary(op="not"):
            return Binds.NOT
        case Binary(op=op) if op in COMPARISONS:
            return Binds.COMPARE
        case Test():
            return Binds.COMPARE
        case Binary(op="+" | "-"):
            return Binds.ADD
        case Binary(op="*" | "/"):
            return Binds.MUL
        case Unary(op="-"):
            return Binds.NEG
    return Binds.ATOM


def arithmetic_least(parent: Binary | Unary, right: bool = False) -> int:
    """The loosest binding an operand of arithmetic (`+ - * /`, or a negation) is written
    bare with: a left operand as tight as its operator, a right one tighter (the operators
    associate to the left: `a - (b - c)` keeps its parentheses, `(a - b) - c` needs none), a
    negation's operand a negation or an atom."""
    if isinstance(parent, Unary):
        return Binds.NEG
    return binding(parent) + (1 if right else 0)


def children(node: "Expr"):
    """The expressions directly inside an expression, in field order."""
    for value in vars(node).values():
        if isinstance(value, tuple):
            yield from (v for v in value if isinstance(v, Expr))
        elif isinstance(value, Expr):
            yield value


# ---------------------------------------------------------------- declarations

@deferred(frozen=True)
class Citation:
    clause: str | None
    quotes: tuple[str, ...]
    span: Span = _span()
    quote_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)


@deferred(frozen=True)
class Header:
    name: str
    adopted_by: str | None
    adopted_on: dt.date | None
    effective: dt.date | None
    source: str | None
    span: Span = _span()


@deferred(frozen=True)
class Include:
    path: str
    span: Span = _span()


@deferred(frozen=True)
class FactDecl:
    """A fact the policy declares for itself, read from the case file's `facts:`; with `per`
    (`per award`), one value for each item decided, read from that item's own `facts:`."""

    name: str
    type: str  # "boolean" | "date" | "money" | "number" | "text" | "enum"
    values: tuple[str, ...]  # the enumeration's values; empty otherwise
    question: str | None
    span: Span = _span()
    name_span: Span = _span()
    per: str | None = None  # the word after `per`, or None: one value for the whole case
    per_span: Span | None = None


@deferred(frozen=True, kw_only=True)
class Rule:
    """A cited block of the policy: a name, the clause it encodes and the words it quotes.
    Each construct is a class of its own below; `kind` names it in the language's words (the
    keyword that opens the block), for messages and for the revision lines that name it."""

    kind: ClassVar[str]
    body_field: ClassVar[str | None] = None  # the field that holds the block's expression
    name: str
    citation: Citation
    span: Span = _span()
    name_span: Span = _span()

    @property
    def body(self) -> "Expr | None":
        """The expression the block evaluates, if it has one."""
        return getattr(self, self.body_field) if self.body_field else None


@deferred(frozen=True, kw_only=True)
class Definition(Rule):
    """`define NAME … as EXPR`: a named value other rules use."""

    kind: ClassVar[str] = "definition"
    body_field: ClassVar[str | None] = "value"
    value: "Expr"


@deferred(frozen=True, kw_only=True)
class Scope(Rule):
    """`scope NAME … requires EXPR`: what the policy reaches."""

    kind: ClassVar[str] = "scope"
    body_field: ClassVar[str | None] = "requires"
    requires: "Expr"


@deferred(frozen=True, kw_only=True)
class Condition(Rule):
    """`condition NAME … requires EXPR`: what must hold for recovery."""

    kind: ClassVar[str] = "condition"
    body_field: ClassVar[str | None] = "requires"
    requires: "Expr"


@deferred(frozen=True, kw_only=True)
class Recoverable(Rule):
    """`recoverable NAME … [label TEXT] is EXPR`: the amount recovery may reach."""

    kind: ClassVar[str] = "recoverable"
    body_field: ClassVar[str | None] = "amount"
    amount: "Expr"
    label: str | None = None  # the policy's term for the amount, as a memo heads it


@deferred(frozen=True, kw_only=True)
class Remedy(Rule):
    """`remedy NAME … shall|may recover up to EXPR [unless EXPR] [enforced only by TEXT]`."""

    kind: ClassVar[str] = "remedy"
    body_field: ClassVar[str | None] = "cap"
    modality: str  # "shall" | "may"
    cap: "Expr"
    unless: "Expr | None" = None
    enforced_by: str | None = None  # the one who alone can enforce it (a regulator)


@deferred(frozen=True, kw_only=True)
class Note(Rule):
    """`note NAME … when EXPR says TEXT`."""

    kind: ClassVar[str] = "note"
    body_field: ClassVar[str | None] = "when"
    when: "Expr"
    text: str


@deferred(frozen=True, kw_only=True)
class Excuse(Rule):
    """`excuse NAME … when EXPR excuses EXPR`: when `when` holds, so much of the recoverable
    amount is not recovered, and the determination reports it as excused."""

    kind: ClassVar[str] = "excuse"
    body_field: ClassVar[str | None] = "amount"
    when: "Expr"
    amount: "Expr"


@deferred(frozen=True, kw_only=True)
class Provision(Rule):
    """`provision NAME … effect TEXT`: operative words the evaluator has nothing to compute
    for (a statement of effect)."""

    kind: ClassVar[str] = "provision"
    text: str


@deferred(frozen=True, kw_only=True)
class Recital(Rule):
    """`recital NAME … because TEXT`: words of the source that are not operative."""

    kind: ClassVar[str] = "recital"
    text: str


@deferred(frozen=True)
class ForEach:
    """`when P for s in stock_sales where Q`: the items an `other` rule recovers from, once
    the case satisfies `when`."""

    when: "Expr | None"
    var: str
    collection: "Expr"
    where: "Expr | None"


@deferred(frozen=True, kw_only=True)
class Other(Rule):
    """`other NAME … [when P] for x in XS [where Q] recover EXPR`: an amount recoverable that
    is not an award."""

    kind: ClassVar[str] = "other"
    body_field: ClassVar[str | None] = "recover"
    each: ForEach
    recover: "Expr"


# Every kind of cited block, by the keyword that opens it.
RULE_CLASSES: dict[str, type[Rule]] = {
    cls.kind: cls for cls in (Definition, Scope, Condition, Recoverable, Remedy, Note,
                              Excuse, Provision, Recital, Other)}


@deferred(frozen=True)
class Change:
    """What a revision does to one rule of the base policy: `add` a rule, `replace` one by
    its id, `remove` one, or `modality` (make a remedy shall or may). A replacing condition
    may carry a name of its own (`replace condition X as Y`): then `rule.name` is Y and
    `target` stays X, the handle that links the two."""

    action: str  # "add" | "replace" | "remove" | "modality"
    kind: str  # the kind of rule it adds, replaces or removes
    target: str  # the rule's id
    rule: Rule | None  # the new rule, for add and replace
    modality: str | None
    citation: Citation
    span: Span = _span()
    target_span: Span = _span()

    @property
    def renamed(self) -> bool:
        """A replacing rule that carries a name of its own (`replace condition X as Y`)."""
        return self.rule is not None and self.action == "replace" and self.rule.name != self.target


# The name of the unrevised policy where a revision names another (`combine with policy`), and
# the source of a rule no revision changed.
BASE_POLICY = "policy"


@deferred(frozen=True)
class Combine:
    """How this revision combines with another that changes the same rules."""

    other: str
    how: str  # "greater" | "lesser": the alternative whose recoverable amount is greater
    citation: Citation
    span: Span = _span()
    other_span: Span = _span()


@deferred(frozen=True)
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


Decl = (Header | Include | FactDecl | Definition | Scope | Condition | Recoverable | Remedy | Note
        | Excuse | Provision | Recital | Other | Revision)


@deferred(frozen=True)
class Module:
    """One parsed file."""

    decls: tuple[Decl, ...]
    span: Span = _span()
