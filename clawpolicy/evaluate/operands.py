"""Each node kind's meaning once its operands are evaluated: shared by the tree walk of
expressions.py (the executable reference) and the closures of compiled.py, so that the two
cannot drift apart."""

from __future__ import annotations

import decimal
import operator
from decimal import Decimal
from typing import Any

from clawpolicy.core.values import Absent, Money, Rounded, Unknown, is_rounded, merge_facts, \
    rounded, unknown_of
from clawpolicy.evaluate.tracking import lift


# The comparisons of two known values, once `comparable` (amounts in one unit).
COMPARISONS = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
               ">": operator.gt, ">=": operator.ge}


def set_of(items: tuple) -> Any:
    return unknown_of(*items) or items


def not_of(v: Any) -> Any:
    return v if isinstance(v, Unknown) else not v


def negative_of(v: Any) -> Any:
    if isinstance(v, Unknown):
        return Unknown(v.facts)
    return lift(lambda x: _negative(x) if is_rounded(x) else
                Money(-x.amount, x.unit) if isinstance(x, Money) else -x, v)


def _negative(x: Any) -> Any:
    """`-x` of a value computed from a rounded quotient, which stays marked as one."""
    return rounded(Money(-x.amount, x.unit) if isinstance(x, Money) else -x)


def test_of(test: str, v: Any) -> bool:
    match test:
        case "known":
            return not isinstance(v, Unknown)
        case "unknown":
            return isinstance(v, Unknown)
        case "present":
            return not isinstance(v, Absent)
    return isinstance(v, Absent)


def if_unknown(c: Unknown, a: Any, b: Any) -> Any:
    """`if` with an unknown condition: the branches' value where both agree."""
    if a == b and not isinstance(a, Unknown):
        return a
    return Unknown(merge_facts(c.facts, *(x.facts for x in (a, b) if isinstance(x, Unknown))))


def quotient(a: Decimal, b: Decimal, left: Any, right: Any) -> Decimal:
    """`a / b`: exact where it comes out even within the 80 significant digits of the
    context; else rounded to them, half to even, and marked `Rounded`, so that what is added
    to or multiplied by it is rounded in turn rather than an error (Evaluator.exact). A
    quotient of a rounded operand is rounded too."""
    context = decimal.getcontext()
    held = context.traps[decimal.Inexact]
    context.traps[decimal.Inexact] = True
    try:
        value = a / b
    except decimal.Inexact:
        context.traps[decimal.Inexact] = held
        return Rounded(a / b)
    finally:
        context.traps[decimal.Inexact] = held
    return rounded(value) if is_rounded(left) or is_rounded(right) else value



def one_unit(values: list[Any]) -> tuple[list[Any], str] | None:
    """The amounts of `values` and their unit, where every value is an amount of one unit or
    a plain number (which stands for an amount in it) and one at least is an amount: what
    `min` and `max` pick from (`Evaluator.call_known`). None for anything else (an unknown, a
    tracked value, a date, two units), which the reference decides."""
    unit = None
    for v in values:
        kind = type(v)
        if kind is Money:
            if unit is None:
                unit = v.unit
            elif v.unit != unit:
                return None
        elif kind is not Decimal:
            return None
    if unit is None:
        return None
    return [v.amount if type(v) is Money else v for v in values], unit
