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


# Dates computed from a case's dates (its own lie in shape.YEARS) stay in these years: the
# calendar is a table over them, which the solver reads without search.
TABLE_YEARS = (1990, 2060)
_YEARS = range(TABLE_YEARS[0], TABLE_YEARS[1] + 1)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _cumulative(leap_year: bool) -> list[int]:
    """Days before each month (index 1..12)."""
    lengths = [31, 29 if leap_year else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return [0] + [sum(lengths[:k]) for k in range(12)]


def _by_year(y: z3.ArithRef, value) -> z3.ArithRef:
    result = value(_YEARS[0])
    for year in _YEARS[1:]:
        result = z3.If(y == year, value(year), result)
    return result


def leap(y: z3.ArithRef) -> z3.BoolRef:
    return z3.Or(*[y == year for year in _YEARS if _is_leap(year)])


def days_in_month(y: z3.ArithRef, m: z3.ArithRef) -> z3.ArithRef:
    return z3.If(m == 2, z3.If(leap(y), 29, 28),
                 z3.If(z3.Or(m == 4, m == 6, m == 9, m == 11), 30, 31))


def _month_start(is_leap: z3.BoolRef, m: z3.ArithRef) -> z3.ArithRef:
    leap_days, common = _cumulative(True), _cumulative(False)
    result = z3.IntVal(0)
    for k in range(2, 13):
        result = z3.If(m == k, z3.If(is_leap, leap_days[k], common[k]), result)
    return result


def days_from_civil(y: z3.ArithRef, m: z3.ArithRef, d: z3.ArithRef) -> z3.ArithRef:
    """The day number of a year, month and day (the year in TABLE_YEARS)."""
    return _by_year(y, lambda year: day_number(dt.date(year, 1, 1))) + \
        _month_start(leap(y), m) + d - 1


class Calendar:
    """Converts day numbers to year, month and day through the calendar's table; `facts`
    keep every converted day within the table's years."""

    def __init__(self) -> None:
        self.facts: list[z3.BoolRef] = []
        self._civil: dict[int, tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef]] = {}

    def civil(self, n: z3.ArithRef) -> tuple[z3.ArithRef, z3.ArithRef, z3.ArithRef]:
        key = n.get_id()
        found = self._civil.get(key)
        if found is None:
            self.facts += [n >= day_number(dt.date(_YEARS[0], 1, 1)),
                           n <= day_number(dt.date(_YEARS[-1], 12, 31))]
            y = z3.IntVal(_YEARS[0]) + z3.Sum(*[
                z3.If(n >= day_number(dt.date(year, 1, 1)), 1, 0) for year in _YEARS[1:]])
            year_start = z3.IntVal(day_number(dt.date(_YEARS[0], 1, 1)))
            for year in _YEARS[1:]:
                start = day_number(dt.date(year, 1, 1))
                year_start = z3.If(n >= start, start, year_start)
            doy = n - year_start
            is_leap = leap(y)
            leap_days, common = _cumulative(True), _cumulative(False)
            m = z3.IntVal(1) + z3.Sum(*[
                z3.If(doy >= z3.If(is_leap, leap_days[k], common[k]), 1, 0)
                for k in range(2, 13)])
            d = doy - _month_start(is_leap, m) + 1
            found = self._civil[key] = (y, m, d)
        return found

    def add_months(self, n: z3.ArithRef, months: int) -> z3.ArithRef:
        y, m, d = self.civil(n)
        # Where month m lands, months later: a year offset and a month, for each m.
        dy, m2 = z3.IntVal(0), z3.IntVal(1)
        for month in range(1, 13):
            offset, landed = divmod(month - 1 + months, 12)
            dy = z3.If(m == month, offset, dy)
            m2 = z3.If(m == month, landed + 1, m2)
        y2 = y + dy
        last = days_in_month(y2, m2)
        return days_from_civil(y2, m2, z3.If(d < last, d, last))

    def fiscal_year_end_before(self, n: z3.ArithRef, month: z3.ArithRef,
                               day: z3.ArithRef) -> z3.ArithRef:
        """The last day of the last fiscal year that ended strictly before day `n`, for a
        year ending on month-day (a 02-29 end falls on 02-28 in other years)."""
        y, _, _ = self.civil(n)
        this_year = self.year_end_in(y, month, day)
        return z3.If(this_year < n, this_year, self.year_end_in(y - 1, month, day))

    @staticmethod
    def year_end_in(year: z3.ArithRef, month: z3.ArithRef, day: z3.ArithRef) -> z3.ArithRef:
        """The fiscal year end (month-day) that falls in `year`."""
        last = days_in_month(year, month)
        return days_from_civil(year, month, z3.If(day < last, day, last))

    def fiscal_years_start_before(self, n: z3.ArithRef, years: int, month: z3.ArithRef,
                                  day: z3.ArithRef) -> z3.ArithRef:
        """The first day of the `years` fiscal years that ended strictly before day `n`, on a
        calendar whose every year ends on month-day (each a year long, so each counts)."""
        y, _, _ = self.civil(self.fiscal_year_end_before(n, month, day))
        return self.year_end_in(y - years, month, day) + 1
