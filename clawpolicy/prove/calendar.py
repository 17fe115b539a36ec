"""Dates as day numbers in SMT, with the calendar's month arithmetic: a date plus months or
years keeps its day of the month or falls back to the month's last day (2020-02-29 + 3 years
= 2023-02-28), as core.values.add_duration does."""

from __future__ import annotations

import datetime as dt

import z3

EPOCH = dt.date(1970, 1, 1).toordinal()


def day_number(day: dt.date) -> int:
    return day.toordinal() - EPOCH


def from_day_number(n: int) -> dt.date:
    return dt.date.fromordinal(n + EPOCH)


def leap(y: z3.ArithRef) -> z3.BoolRef:
    return z3.And(y % 4 == 0, z3.Or(y % 100 != 0, y % 400 == 0))


def days_in_month(y: z3.ArithRef, m: z3.ArithRef) -> z3.ArithRef:
    return z3.If(m == 2, z3.If(leap(y), 29, 28),
                 z3.If(z3.Or(m == 4, m == 6, m == 9, m == 11), 30, 31))


def days_from_civil(y: z3.ArithRef, m: z3.ArithRef, d: z3.ArithRef) -> z3.ArithRef:
    """Howard Hinnant's days_from_civil, for years after 0 (linear but for division by
    constants)."""
    yy = y - z3.If(m <= 2, 1, 0)
    era = yy / 400
    yoe = yy - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) / 5 + d - 1
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468


class Calendar:
    """Converts day numbers to year, month and day with fresh variables, whose defining
    constraints (`facts`) hold whatever else is asked: each is a function of its day."""

    def __init__(self) -> None:
        self.facts: list[z3.BoolRef] = []
        self._civil: dict[int, tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef]] = {}
        self._count = 0

    def civil(self, n: z3.ArithRef) -> tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef]:
        key = n.get_id()
        found = self._civil.get(key)
        if found is None:
            self._count += 1
            y, m, d = (z3.Int(f"cal{self._count}_{p}") for p in "ymd")
            self.facts += [m >= 1, m <= 12, d >= 1, d <= days_in_month(y, m), y >= 1,
                           days_from_civil(y, m, d) == n]
            found = self._civil[key] = (y, m, d)
        return found

    def add_months(self, n: z3.ArithRef, months: int) -> z3.ArithRef:
        y, m, d = self.civil(n)
        index = y * 12 + (m - 1) + months
        y2, m2 = index / 12, index % 12 + 1
        return days_from_civil(y2, m2, z3.If(d < days_in_month(y2, m2), d,
                                             days_in_month(y2, m2)))

    def fiscal_year_end_before(self, n: z3.ArithRef, month: z3.ArithRef,
                               day: z3.ArithRef) -> z3.ArithRef:
        """The last day of the last fiscal year that ended strictly before day `n`, for a
        year ending on month-day (a 02-29 end falls on 02-28 in other years)."""
        y, _, _ = self.civil(n)

        def end_in(year: z3.ArithRef) -> z3.ArithRef:
            last = days_in_month(year, month)
            return days_from_civil(year, month, z3.If(day < last, day, last))

        this_year = end_in(y)
        return z3.If(this_year < n, this_year, end_in(y - 1))
