"""A company's fiscal calendar with its changes: the fiscal periods (years, and the transition
periods a change of fiscal year leaves) given by the last day of each, and the calendar
arithmetic a policy counts its fiscal years with.

A calendar is the ends listed (in any order), or, where none are listed, one month and day on
which every fiscal year ends ("12-31"). Each period begins the day after the end before it.
Before the first end listed and after the last, the fiscal year ends on the same day each year
as on that end (so list each year's end, 52/53-week years included, as far as a policy counts).

What counts as a year is the policy's to say: a period counts when it lasts at least the
duration the policy gives (Rule 10D-1 counts a transition period of nine months or more); a
shorter one is not counted, but lies inside the span of the years counted around it, or after
them."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator

from clawpolicy.core.values import Duration, add_duration, fiscal_year_end_before

ONE_DAY = dt.timedelta(days=1)


def _years(anchor: dt.date, years: int) -> dt.date:
    """The same day as `anchor`, `years` years on (or back): each counted from the anchor, so
    a 02-29 end falls on 02-28 in other years and on 02-29 again in leap years."""
    return add_duration(anchor, Duration(abs(years), "years"), 1 if years >= 0 else -1)


def end_before(day: dt.date, ends: tuple[dt.date, ...], month_day: str | None) -> dt.date:
    """The last day of the last fiscal period that ended strictly before `day`."""
    if not ends:
        if month_day is None:
            raise ValueError("a calendar needs its ends or a month and day")
        return fiscal_year_end_before(day, month_day)
    ordered = sorted(set(ends))
    first, last = ordered[0], ordered[-1]
    if day > last:  # after the calendar: years end on the last end's day
        years = max(day.year - last.year - 1, 0)
        while _years(last, years + 1) < day:
            years += 1
        return _years(last, years)
    if day <= first:  # before it: years end on the first end's day
        years = max(first.year - day.year - 1, 1)
        while _years(first, -years) >= day:
            years += 1
        while years > 1 and _years(first, -(years - 1)) < day:
            years -= 1
        return _years(first, -years)
    return ordered[bisect.bisect_left(ordered, day) - 1]


def periods_before(day: dt.date, ends: tuple[dt.date, ...],
                   month_day: str | None) -> Iterator[tuple[dt.date, dt.date]]:
    """The fiscal periods that ended strictly before `day`, latest first, as (first day, last
    day). OutsideCalendar when they run back past year 1."""
    end = end_before(day, ends, month_day)
    while True:
        before = end_before(end, ends, month_day)
        yield before + ONE_DAY, end
        end = before


def lasts_at_least(start: dt.date, end: dt.date, least: Duration) -> bool:
    """Whether the period from `start` to `end`, both included, lasts `least` or more: nine
    months from 2022-01-01 run to 2022-09-30."""
    return add_duration(start, least) <= end + ONE_DAY


def years_start_before(day: dt.date, count: int, least: Duration, ends: tuple[dt.date, ...],
                       month_day: str | None) -> dt.date:
    """The first day of the `count` fiscal years completed before `day`: counting back from
    the last period that ended before it, periods that last at least `least` count as years,
    shorter ones are passed over; the first day of the last one counted. OutsideCalendar
    when the years run back past year 1."""
    counted = 0
    for start, end in periods_before(day, ends, month_day):
        if lasts_at_least(start, end, least):
            counted += 1
            if counted >= count:
                return start
    raise AssertionError("unreachable: periods_before runs on to year 1")
