"""The look-back of Rule 10D-1 over a fiscal calendar with its changes, as the rule's text
counts it (17 CFR 240.10D-1(b)(1)(i)(D)):

    "During the three completed fiscal years immediately preceding the date that the issuer
    is required to prepare an accounting restatement [...]. In addition to these last three
    completed fiscal years, the recovery policy must apply to any transition period (that
    results from a change in the issuer's fiscal year) within or immediately following those
    three completed fiscal years. However, a transition period [...] that comprises a period
    of nine to 12 months would be deemed a completed fiscal year."

Each row of WINDOWS is a calendar (the ends of its fiscal periods; "" where the case lists
none and every year ends on the month and day given), the date the restatement was required,
and the look-back derived by hand from that text: the periods counted back from the last one
completed before the date, each with its length, in the row's comment. The shipped Qualys
revision states the rule with `fiscal_years_start_before(D, 3, 9 months, ...)` and
`fiscal_period_end_before(D, ...)`; these tests hold the functions, and the policy read
through them, to the table."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from clawpolicy import api
from clawpolicy.api import PolicyError
from clawpolicy.core import fiscal
from clawpolicy.core.values import Duration, OutsideCalendar
from tests.conftest import ROOT
from tests.test_interp import CASE, condition

NINE_MONTHS = Duration(9, "months")
QUALYS = ROOT / "policies" / "qualys.claw"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# (calendar ends, month-day, required date, look-back first day, look-back last day)
WINDOWS = [
    # No change: years end 12-31. FY2023, FY2022, FY2021 completed before 2024-05-10.
    ("", "12-31", "2024-05-10", "2021-01-01", "2023-12-31"),
    # A year that ends on the date itself is not yet completed before it.
    ("", "12-31", "2024-12-31", "2021-01-01", "2023-12-31"),
    ("", "06-30", "2024-07-01", "2021-07-01", "2024-06-30"),
    # A 02-29 year end falls on 02-28 in other years: 2021-03-01 .. 2024-02-29.
    ("", "02-29", "2024-03-10", "2021-03-01", "2024-02-29"),
    # A short transition period (6 months, 2022-01-01 .. 2022-06-30) within the three years:
    # not counted, but inside. Counted: FY to 2024-06-30, FY to 2023-06-30, FY2021.
    ("2020-12-31 2021-12-31 2022-06-30 2023-06-30 2024-06-30", "06-30", "2024-09-01",
     "2021-01-01", "2024-06-30"),
    # The same calendar a year earlier: counted FY to 2023-06-30, FY2021, FY2020; the
    # transition period lies between them.
    ("2019-12-31 2020-12-31 2021-12-31 2022-06-30 2023-06-30", "06-30", "2023-09-01",
     "2020-01-01", "2023-06-30"),
    # A short transition period (3 months, 2023-01-01 .. 2023-03-31) immediately following the
    # three completed years FY2020-FY2022: in the look-back, which ends with it.
    ("2019-12-31 2020-12-31 2021-12-31 2022-12-31 2023-03-31", "03-31", "2023-06-15",
     "2020-01-01", "2023-03-31"),
    # A transition period of 9 months (2022-01-01 .. 2022-09-30) is deemed a completed fiscal
    # year: counted FY to 2023-09-30, the transition period, FY2021.
    ("2020-12-31 2021-12-31 2022-09-30 2023-09-30", "09-30", "2023-11-01",
     "2021-01-01", "2023-09-30"),
    # One day short of 9 months (2022-01-02 .. 2022-09-30 after a year ending 2022-01-01):
    # not counted, so the years counted are FY to 2023-09-30, 2021-01-02 .. 2022-01-01 and
    # 2020-01-02 .. 2021-01-01.
    ("2020-01-01 2021-01-01 2022-01-01 2022-09-30 2023-09-30", "09-30", "2023-11-01",
     "2020-01-02", "2023-09-30"),
    # A transition period of 11 months (2022-01-01 .. 2022-11-30) counts as a year.
    ("2020-12-31 2021-12-31 2022-11-30 2023-11-30", "11-30", "2024-01-15",
     "2021-01-01", "2023-11-30"),
    # 52/53-week years, ending the Saturday nearest 31 January; fiscal 2023 ran 53 weeks
    # (2023-01-29 .. 2024-02-03). Before 2027-03-22: fiscal 2026, 2025, 2024.
    ("2023-01-28 2024-02-03 2025-02-01 2026-01-31 2027-01-30", "01-31", "2027-03-22",
     "2024-02-04", "2027-01-30"),
    # Before 2025-03-01: fiscal 2024 (52 weeks), 2023 (53 weeks), 2022 (begun the day after
    # 2022-01-28: before the first end listed, years end on its day each year).
    ("2023-01-28 2024-02-03 2025-02-01", "01-31", "2025-03-01", "2022-01-29", "2025-02-01"),
    # After the last end listed, years end on its day each year: 2025-06-30, 2026-06-30.
    ("2022-06-30 2023-06-30", "12-31", "2026-08-01", "2023-07-01", "2026-06-30"),
]


@pytest.mark.parametrize("ends, month_day, required, first, last", WINDOWS)
def test_the_look_back_follows_the_rule_text(ends, month_day, required, first, last):
    calendar = tuple(d(e) for e in ends.split())
    assert fiscal.end_before(d(required), calendar, month_day) == d(last)
    assert fiscal.years_start_before(d(required), 3, NINE_MONTHS, calendar, month_day) \
        == d(first)


def test_the_ends_may_be_listed_in_any_order():
    ends = (d("2023-06-30"), d("2021-12-31"), d("2022-06-30"), d("2020-12-31"))
    assert fiscal.years_start_before(d("2024-05-10"), 3, NINE_MONTHS, ends, None) \
        == d("2020-01-01")


def test_a_period_lasts_nine_months_from_its_first_day_to_its_last_included():
    assert fiscal.lasts_at_least(d("2022-01-01"), d("2022-09-30"), NINE_MONTHS)
    assert not fiscal.lasts_at_least(d("2022-01-01"), d("2022-09-29"), NINE_MONTHS)


def test_years_that_never_count_run_off_the_calendar():
    with pytest.raises(OutsideCalendar):
        fiscal.years_start_before(d("2024-05-10"), 3, Duration(2, "years"), (), "12-31")


def case(company: dict) -> dict:
    data = json.loads(json.dumps(CASE))
    data["company"] = company
    data["restatement"]["required_date"] = "2024-09-01"
    return data


CALENDAR = ["2020-12-31", "2021-12-31", "2022-06-30", "2023-06-30", "2024-06-30"]


@pytest.mark.parametrize("company, status", [
    # The window is 2021-01-01 .. 2024-06-30 (the row above); the award was granted
    # 2021-01-01 (test_interp's CASE).
    ({"fiscal_year_end": "06-30", "fiscal_period_ends": CALENDAR}, "met"),
    # Read with the year end 06-30 alone, the window begins 2021-07-01.
    ({"fiscal_year_end": "06-30"}, "not_met"),
    # The month and day is not read where the ends are listed: unknown, it changes nothing.
    ({"fiscal_period_ends": CALENDAR}, "met"),
    ({}, "unknown"),
])
def test_the_language_reads_the_calendar_of_the_case(tmp_path, company, status):
    c = condition(tmp_path, "restatement is present and award.granted >= fiscal_years_start_"
                            "before(restatement.required_date, 3, 9 months, "
                            "company.fiscal_period_ends, company.fiscal_year_end)",
                  case(company))
    assert c.status == status


@pytest.mark.parametrize("count", ["0", "2.5", "restatement.required_date"])
def test_the_count_of_years_is_a_whole_number_written_in_the_policy(tmp_path, count):
    with pytest.raises(PolicyError) as e:
        condition(tmp_path, f"fiscal_years_start_before(as_of, {count}, 9 months, "
                            "company.fiscal_period_ends, company.fiscal_year_end) < as_of")
    codes = {x.code for x in e.value.diagnostics}
    assert codes == ({"CP0303"} if count.startswith("restatement") else {"CP0240"})


@pytest.mark.parametrize("name", ["29-10d1-transition-period", "30-10d1-52-53-week-years"])
def test_the_qualys_revision_counts_the_look_back_over_the_calendar(name):
    policy = api.compile_policy(QUALYS)
    raw = (ROOT / "examples" / "cases" / "revisions" / f"{name}.yaml").read_bytes()
    determination = api.evaluate(policy, api.read_case_bytes(raw, name, policy.vocabulary))
    # Without the calendar (every year ending on the nominal month and day), the windows
    # differ, and so do the outcomes: the calendar is what decides them.
    bare = b"\n".join(line for line in raw.split(b"\n")
                      if not line.lstrip().startswith(b"fiscal_period_ends:"))
    without = api.evaluate(policy, api.read_case_bytes(bare, name, policy.vocabulary))
    assert [a.outcome for a in determination.awards] != [a.outcome for a in without.awards]


@pytest.mark.parametrize("required, month_day", [
    ("2024-05-10", "12-31"), ("2024-12-31", "12-31"), ("2024-07-01", "06-30"),
    ("2024-03-10", "02-29"), ("2023-03-01", "02-29"), ("2025-02-28", "02-29")])
def test_the_proofs_count_a_calendar_without_changes_as_the_evaluator_does(required,
                                                                          month_day):
    z3 = pytest.importorskip("z3")
    from clawpolicy.prove.calendar import Calendar, day_number, from_day_number
    calendar = Calendar()
    n = z3.Int("n")
    solver = z3.Solver()
    month, day = (int(x) for x in month_day.split("-"))
    solver.add(*calendar.facts, n == day_number(d(required)))
    start = calendar.fiscal_years_start_before(n, 3, z3.IntVal(month), z3.IntVal(day))
    assert solver.check() == z3.sat
    assert from_day_number(solver.model().eval(start).as_long()) == \
        fiscal.years_start_before(d(required), 3, NINE_MONTHS, (), month_day)
