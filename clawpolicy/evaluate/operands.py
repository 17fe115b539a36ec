"""Each node kind's meaning once its operands are evaluated: shared by the tree walk of
expressions.py (the executable reference) and the closures of compiled.py, so that the two
cannot drift apart."""

from __future__ import annotations

import operator
from typing import Any

from clawpolicy.core.values import Absent, Money, Unknown, merge_facts, unknown_of
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
    return lift(lambda x: Money(-x.amount, x.unit) if isinstance(x, Money) else -x, v)


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
