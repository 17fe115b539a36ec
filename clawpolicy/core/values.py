"""Runtime values: three-valued logic, exact money, calendar dates.

An `Unknown` remembers which case facts it came from (by their path in the case file), so
an unknown result can name the questions that would settle it."""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
from decimal import Decimal
from typing import Any

from clawpolicy.core.deferred import deferred


@deferred(frozen=True)
class Unknown:
    facts: tuple[str, ...]
    # Set when the value is one fact read as it is, or that fact moved by a fixed duration or
    # amount: comparing it with a known value then tells at which answer the result turns.
    pivot_of: str | None = None
    offset: Any = None

    def __init__(self, facts: tuple[str, ...], pivot_of: str | None = None, offset: Any = None):
        self.__dict__.update(facts=facts, pivot_of=pivot_of, offset=offset)  # as Money's


def merge_facts(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for fact in group:
            seen.setdefault(fact, None)
    return tuple(seen)


def unknown_of(*values: Any) -> Unknown | None:
    """The merged Unknown of those values that are unknown, or None if all are known."""
    for v in values:  # the most frequent: all known, no list made
        if isinstance(v, Unknown):
            break
    else:
        return None
    unknowns = [v for v in values if isinstance(v, Unknown)]
    return Unknown(merge_facts(*(u.facts for u in unknowns)))


@deferred(frozen=True)
class Money:
    amount: Decimal
    unit: str

    def __init__(self, amount: Decimal, unit: str):
        # As the frozen dataclass's __init__ sets them, without object.__setattr__ a field:
        # a single-award case makes some fifty amounts.
        fields = self.__dict__
        fields["amount"], fields["unit"] = amount, unit

    def __str__(self) -> str:
        return format_money(self.amount, self.unit)


class Rounded(Decimal):
    """A number rounded to the precision of the arithmetic: a quotient that does not come out
    even, or what was computed from one. A sum, difference or product with it that needs more
    digits is rounded in turn (to the same significant digits, half to even), where with
    exact operands it would be an error."""

    __slots__ = ()


def is_rounded(value: Any) -> bool:
    """Whether an amount or number is `Rounded` (computed from a rounded quotient)."""
    return type(value.amount if type(value) is Money else value) is Rounded


def rounded(value: Any) -> Any:
    """`value` (an amount or a number) marked as computed from a rounded quotient."""
    if type(value) is Money:
        return value if type(value.amount) is Rounded else Money(Rounded(value.amount),
                                                                  value.unit)
    return Rounded(value) if isinstance(value, Decimal) and type(value) is not Rounded \
        else value


@deferred(frozen=True)
class Duration:
    amount: int
    unit: str  # years | months | days

    def __str__(self) -> str:
        word = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {word}"


@deferred(frozen=True)
class Absent:
    """A record the case says does not exist (no restatement has occurred)."""

    path: str


class OutsideCalendar(OverflowError):
    """Date arithmetic that goes past either end of the calendar (year 1 to year 9999). An
    OverflowError, as date arithmetic past the calendar always was."""


def add_duration(day: dt.date, duration: Duration, sign: int = 1) -> dt.date:
    """Calendar arithmetic. Years and months keep the day of the month, or fall back to the
    month's last day when it has no such day: 2020-02-29 + 3 years = 2023-02-28."""
    n = duration.amount * sign
    try:
        if duration.unit == "days":
            return day + dt.timedelta(days=n)
        months = n * 12 if duration.unit == "years" else n
        index = day.year * 12 + (day.month - 1) + months
        year, month = divmod(index, 12)
        month += 1
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, min(day.day, last))
    except (OverflowError, ValueError):
        raise OutsideCalendar(f"{day.isoformat()} {'+' if sign > 0 else '-'} {duration}") \
            from None


def fiscal_year_end_before(day: dt.date, month_day: str) -> dt.date:
    """The last day of the last fiscal year that ended before `day`, for a fiscal year that
    ends on `month_day` ("MM-DD"); a 02-29 year end falls on 02-28 in other years. ValueError
    for a `month_day` that is not a day of the year; OutsideCalendar when that fiscal year
    ended before year 1."""
    month, dom = (int(x) for x in month_day.split("-"))
    dt.date(2000, month, dom)  # a real day of the year (2000 admits 02-29), or ValueError

    def end_in(year: int) -> dt.date:
        if year < dt.MINYEAR:
            raise OutsideCalendar(f"the fiscal year end before {day.isoformat()}")
        return dt.date(year, month, min(dom, calendar.monthrange(year, month)[1]))

    this_year = end_in(day.year)
    return this_year if this_year < day else end_in(day.year - 1)


def format_decimal(value: Decimal) -> str:
    return format(value, "f")


# The decimal places of each unit, as the case vocabulary declares them (reading a vocabulary
# declares its units here). A unit declared without places keeps the digits it has.
_PLACES: dict[str, int | None] = {}


def declare_unit(unit: str, places: int | None) -> None:
    """A unit and its decimal places. A unit is one thing wherever it is declared: declaring
    it again with other places is refused."""
    if _PLACES.setdefault(unit, places) != places:
        raise ValueError(f"the unit {unit} is declared with {_PLACES[unit]} decimal places "
                         f"already, not {places}")


_WIDE = decimal.Context(prec=200)  # enough for any amount a case or policy can hold
_QUANTA: dict[int, Decimal] = {}  # 2 places: Decimal("0.01")


def quantize(value: Decimal, unit: str) -> Decimal:
    """Money is quantized once, where it leaves the interpreter: to the places its unit
    declares (cents for USD); a unit without places (a count of shares) keeps its digits."""
    wide = _WIDE
    places = _PLACES.get(unit)
    if places is not None:
        quantum = _QUANTA.get(places)
        if quantum is None:
            quantum = _QUANTA[places] = Decimal(1).scaleb(-places)
        return value.quantize(quantum, context=wide)
    normalized = value.normalize(context=wide)
    return normalized if normalized.as_tuple().exponent <= 0 else \
        value.quantize(Decimal(1), context=wide)


def format_money(amount: Decimal, unit: str) -> str:
    """`1,012,300.00 USD`: the whole part in groups of three, the places its unit keeps. An
    amount computed from a quotient that did not come out even, and that its unit's places do
    not hold exactly, is cut to those places and marked `…` (`33.33… USD` for a third of 100,
    `99.99… USD` for three of them): shown rounded, `33.33 + 33.33 = 66.67` and `100.00 is not
    at least 100.00` would read as arithmetic that is wrong."""
    shown = quantize(amount, unit)
    if type(amount) is Rounded and shown != amount:
        step = Decimal(1).scaleb(shown.as_tuple().exponent)
        cut = shown if abs(shown) <= abs(amount) else shown - step.copy_sign(shown)
        return f"{cut:,f}… {unit}"
    return f"{shown:,f} {unit}"


def show(value: Any) -> str:
    """A value in the words of an explanation."""
    kind = type(value)
    if kind is str:  # the most frequent, first
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is Money:
        return format_money(value.amount, value.unit)
    match value:
        case Unknown():
            return "not known"
        case bool():
            return "true" if value else "false"
        case Money():
            return str(value)
        case Decimal():
            return format_decimal(value)
        case dt.date():
            return value.isoformat()
        case Duration():
            return str(value)
        case tuple() | list():
            return "[" + ", ".join(show(v) for v in value) + "]" if value else "none"
        case Absent():
            return "none"
    return str(value)
