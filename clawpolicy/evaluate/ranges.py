"""An amount, a number or a date asked alone (questions.fallback_answers): which neighbouring
answers make one range, and the range's words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from clawpolicy.core import types as t
from clawpolicy.core.values import Money, quantize
from clawpolicy.evaluate.determination import Range, amount
from clawpolicy.evaluate.tracking import Scale

# The calendar a date is answered within.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def shape(result: tuple[str, Any], type_: t.Type) -> tuple:
    """What makes neighbouring answers one range: the outcome and the facts it is pending on
    (the range says them), and, for a date, the amount (which a date moves in steps); for an
    amount or number, the units recovered in (the amount itself moves with the answer, and
    is then said to depend on it)."""
    outcome, amount, pending_on = result
    if type_ == t.DATE:
        return outcome, repr(amount), repr(pending_on)
    amounts = amount if isinstance(amount, list) else [amount] if amount else []
    return outcome, tuple(a.unit for a in amounts if Decimal(a.amount) != 0), repr(pending_on)


def beyond(first: Any, last: Any, lower: Any, upper: Any) -> list[Any]:
    """For a range open below or above, a point well beyond its last test point."""
    points = []
    if lower is None:
        points.append(dt.date(1970, 1, 1) if isinstance(first, dt.date) else Decimal(0))
    if upper is None:
        far = step_by(last, dt.timedelta(days=3660)) if isinstance(last, dt.date) else \
            max(last, Decimal(1)) * 10
        points.append(dt.date.max if far is None else far)
    return points


def step_by(x: Any, by: Any) -> Any:
    """`x + by`, or None past either end of the calendar."""
    try:
        return x + by
    except OverflowError:
        return None


def range_words(lower: Any, upper: Any, pivots: list[Any], unit: str | None,
                 step: Any, ends: tuple[Any, Any] = (None, None)) -> str:
    """A range's words; `ends`: a date's first and last admissible day where the
    vocabulary's constraints set them, said where the range reaches them (as the exact
    search's intervals say them)."""
    def fmt(x: Any) -> str:
        if isinstance(x, dt.date):
            return x.isoformat()
        return format(quantize(x, unit), "f") + f" {unit}" if unit else format(x, "f")
    parts = []
    if lower is not None:
        parts.append(f">= {fmt(lower)}" if lower in pivots else f"> {fmt(lower - step)}")
    elif ends[0] is not None:
        parts.append(f"> {fmt(ends[0] - step)}")
    if upper is not None:
        parts.append(f"< {fmt(upper)}" if upper in pivots else f"<= {fmt(upper - step)}")
    elif ends[1] is not None:
        parts.append(f"<= {fmt(ends[1])}")
    return " and ".join(parts) or "any value"


def money_range(moneys: list[Money]) -> Range | None:
    """The least and the most of amounts in one unit (None where they are in several)."""
    units = {m.unit for m in moneys}
    if not moneys or len(units) != 1:
        return None
    return Range(min=amount(min(moneys, key=lambda m: m.amount)),
                 max=amount(max(moneys, key=lambda m: m.amount)))


def show_point(value: Any, scale: Scale) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if scale.unit is not None:
        return f"{format(amount(Money(value, scale.unit)).amount)} {scale.unit}"
    return format(value, "f")


def interval_words(a: Any, b: Any, scale: Scale) -> str:
    """An interval's words: a date by the last day before it and its own last day (every end
    but the calendar's, so that one a constraint of the vocabulary sets is said: "<= as_of"),
    an amount by its first amount and the first amount past it (not the scale's own ends)."""
    dates = isinstance(a, dt.date)
    parts = []
    if (a > FIRST_DAY) if dates else (a > scale.lo):
        parts.append(f"> {show_point(scale.point(scale.index(a) - 1), scale)}" if dates
                     else f">= {show_point(a, scale)}")
    if (b < LAST_DAY) if dates else (b < scale.hi):
        parts.append(f"<= {show_point(b, scale)}" if dates
                     else f"< {show_point(scale.point(scale.index(b) + 1), scale)}")
    return " and ".join(parts) or "any value"


def refined(results: list[tuple[Any, Any]], leads_to: Any, step: Any,
            type_: t.Type) -> list[tuple[Any, Any]]:
    """The answers tried (in order, each with where it leads), and, between two neighbours
    further apart than a step that lead to results of different shapes, the two answers at
    which the result changes, found by halving the interval between them. The answers tried
    are where a comparison on the fact turns, with the other facts unknown or as a search
    answered them; where the fact is compared with another fact still unknown (a day
    received with a day issued), a point of that other fact, carried through the comparison,
    moves the result too, and no answer tried names it: two neighbours that lead apart say
    that it lies between them. (Where `leads_to` gives None, the policy's dates leave the
    calendar: the interval is left as it is.)"""
    found = list(results[:1])
    for q, r in results[1:]:
        while shape(found[-1][1], type_) != shape(r, type_) and _after(found[-1][0], step) < q:
            turn = _turn(found[-1], (q, r), leads_to, step, type_)
            if turn is None:
                break  # the calendar's end in between
            found += [x for x in turn if x[0] != found[-1][0]]
        if found[-1][0] != q:
            found.append((q, r))
    return found


def _turn(low: tuple, high: tuple, leads_to: Any, step: Any, type_: t.Type) -> list | None:
    """The last answer after `low` that leads as it does and the next, which does not (one
    between `low` and `high` by halving), each with where it leads; None where an answer
    between leaves the calendar."""
    (lo, s), (hi, r) = low, high
    while _after(lo, step) < hi:
        middle = _middle(lo, hi, step)
        led = leads_to(middle)
        if led is None:
            return None
        if shape(led, type_) == shape(s, type_):
            lo, s = middle, led
        else:
            hi, r = middle, led
    return [(lo, s), (hi, r)]


def _after(x: Any, step: Any) -> Any:
    return step_by(x, step) or x


def _middle(lo: Any, hi: Any, step: Any) -> Any:
    if isinstance(lo, dt.date):
        return dt.date.fromordinal((lo.toordinal() + hi.toordinal()) // 2)
    return lo + ((hi - lo) / step // 2) * step
