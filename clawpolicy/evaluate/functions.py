"""The functions of the language computed from known values (min and max aside): the fiscal
year end before a date, for one month and day (`fiscal_year_end_before`), and over a fiscal
calendar with its changes (`fiscal_period_end_before`, `fiscal_years_start_before`;
core/fiscal.py); and an amount valued at a price per unit (`at_price`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clawpolicy.core import fiscal
from clawpolicy.core.values import Money, Unknown, fiscal_year_end_before, is_rounded, rounded

CALENDARS = ("fiscal_year_end_before", "fiscal_period_end_before", "fiscal_years_start_before")
FUNCTIONS = (*CALENDARS, "at_price")


def needed(function: str, args: list[Any]) -> list[Any]:
    """The arguments, with the month and day of a year end set aside (None) where the
    calendar lists its ends, since it is then not read: unknown, it leaves nothing unknown."""
    if function in CALENDARS[1:] and isinstance(args[-1], Unknown) \
            and isinstance(args[-2], tuple) and args[-2]:
        return [*args[:-1], None]
    return args


def call(function: str, args: list[Any]) -> dt.date | Money:
    """ValueError for a month and day that is not a day of the year; OutsideCalendar for a
    date before year 1."""
    if function == "at_price":  # so many units (shares), each at the price: in its unit
        quantity, price = args
        count = quantity.amount if isinstance(quantity, Money) else quantity
        value = Money(count * price.amount, price.unit)
        # A quantity computed from a quotient that does not come out even stays marked.
        return rounded(value) if is_rounded(quantity) or is_rounded(price) else value
    if function == "fiscal_year_end_before":
        return fiscal_year_end_before(*args)
    if function == "fiscal_period_end_before":
        day, ends, month_day = args
        return fiscal.end_before(day, tuple(ends), month_day)
    day, count, least, ends, month_day = args
    return fiscal.years_start_before(day, int(count), least, tuple(ends), month_day)
