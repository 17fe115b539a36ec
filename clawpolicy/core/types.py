"""Static types of the language, and their algebra: what the checker infers for every
expression, and which values combine or compare."""

from __future__ import annotations

from dataclasses import dataclass, field

from clawpolicy.core.deferred import deferred


@dataclass(frozen=True)
class Prim:
    name: str  # boolean | number | money | date | duration | text

    def __str__(self) -> str:
        return self.name


BOOLEAN = Prim("boolean")
NUMBER = Prim("number")
MONEY = Prim("money")
DATE = Prim("date")
DURATION = Prim("duration")
TEXT = Prim("text")


@deferred(frozen=True)
class Enum:
    """A closed set of words, such as the values of `findings.misconduct`."""

    name: str
    values: tuple[str, ...] = field(compare=False)

    def __str__(self) -> str:
        return f"one of {{{', '.join(self.values)}}}"


@dataclass(frozen=True)
class SetOf:
    element: "Type"

    def __str__(self) -> str:
        return f"a set of {self.element}"


@deferred(frozen=True)
class Link:
    """A derived fact: the items of the case's list `target` whose `key` the record's field
    `via` names (an award's statements, named by its `calculated_on`)."""

    via: str
    target: str
    key: str


@deferred(frozen=True)
class FieldType:
    type: "Type"
    nullable: bool = True  # null in the case means "not known yet"
    absent_means_none: bool = False  # null means "there is none" (the restatement)
    money_unit_from: str | None = None  # the field of the record that holds the unit
    link: Link | None = None  # set for a derived fact, which the case does not hold


@deferred(frozen=True)
class Record:
    name: str
    fields: dict[str, FieldType] = field(compare=False, hash=False)

    def __str__(self) -> str:
        return f"a {self.name} record"


@deferred(frozen=True)
class ListOf:
    element: Record

    def __str__(self) -> str:
        return f"a list of {self.element.name} records"


Type = Prim | Enum | SetOf | Record | ListOf


def is_numeric(t: Type | None) -> bool:
    return t in (NUMBER, MONEY)


# ---------------------------------------------------------------- algebra

def fits(found: Type, expected: Type) -> bool:
    return found == expected or (expected == MONEY and found == NUMBER)


def join(a: Type, b: Type) -> Type | None:
    """The type two values share, if any: a plain number stands for an amount in the
    amount's own unit (so `max(x, 0)` and `x > 0` read naturally)."""
    if a == b:
        return a
    if {a, b} == {NUMBER, MONEY}:
        return MONEY
    if isinstance(a, SetOf) and isinstance(b, SetOf):
        inner = join(a.element, b.element)
        return SetOf(inner) if inner else None
    return None


def arith(op: str, a: Type, b: Type) -> Type | None:
    if op in "+-":
        if is_numeric(a) and is_numeric(b):
            return join(a, b)
        if a == DATE and b == DURATION:
            return DATE
        if op == "+" and a == DURATION and b == DATE:
            return DATE
        return None
    if op == "*":
        if is_numeric(a) and is_numeric(b) and NUMBER in (a, b):
            return a if b == NUMBER else b
        return None
    if is_numeric(a) and b == NUMBER:
        return a
    if a == b == MONEY:
        return NUMBER
    return None


