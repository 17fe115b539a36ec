"""The windows a condition's reason states (`Condition.windows`): each date the reason
compares with bounds, as the bounds the comparisons computed, whatever the policy calls them
(a look-back, a 12-month window, an effective date). The HTML timeline draws them."""

from __future__ import annotations

import pytest

from tests.test_interp import condition


def _windows(tmp_path, expression: str):
    c = condition(tmp_path, expression)
    return c.status, [w.model_dump(exclude_none=True) for w in c.windows or []]


def test_two_bounds_of_one_date_are_one_window(tmp_path):
    status, windows = _windows(
        tmp_path, "award.granted >= 2020-01-01 and award.granted < 2022-01-01")
    assert status == "met"
    assert windows == [{"fact": "a: granted", "date": "2021-01-01", "start": "2020-01-01",
                        "start_included": True, "end": "2022-01-01", "end_included": False,
                        "inside": True}]


@pytest.mark.parametrize("expression", [
    "2020-01-01 <= award.granted",        # the date of the award is the one compared
    "not (award.granted < 2020-01-01)",   # a bound read under `not` is the one required
])
def test_a_bound_is_read_as_the_rule_requires_it(tmp_path, expression):
    status, windows = _windows(tmp_path, expression)
    assert status == "met"
    assert windows == [{"fact": "a: granted", "date": "2021-01-01", "start": "2020-01-01",
                        "start_included": True, "inside": True}]


def test_a_failed_bound_leaves_the_date_outside(tmp_path):
    status, windows = _windows(tmp_path, "award.granted > 2021-06-30")
    assert status == "not_met"
    assert windows == [{"fact": "a: granted", "date": "2021-01-01", "start": "2021-06-30",
                        "start_included": False, "inside": False}]


def test_a_period_counted_from_a_date_records_that_date(tmp_path):
    # The look-back of the Qualys policy: the statement that met it, and its filing date.
    status, windows = _windows(tmp_path, "any(s in award.statements satisfies "
                                         "as_of <= s.original_filing_date + 3 years)")
    assert status == "met"
    assert windows == [{"fact": "as_of", "date": "2024-06-30", "end": "2025-02-20",
                        "end_included": True, "counted_from": "2022-02-20", "inside": True}]


@pytest.mark.parametrize("expression", [
    "award.amount_paid > 50",                      # not dates
    "award.granted = 2021-01-01",                  # a date, but no bound
    # A branch not taken yet (its test unknown) bounds nothing.
    "if findings.misconduct = fraud then award.granted > 2020-01-01 else true",
])
def test_no_window_where_no_date_is_bounded(tmp_path, expression):
    assert _windows(tmp_path, expression)[1] == []
