"""Values: calendar arithmetic, money formatting and three-valued logic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clawpolicy import vocabulary
from clawpolicy.core.values import Duration, add_duration, format_money, quantize


@pytest.fixture(autouse=True)
def _shipped_units():
    # The decimal places of each unit are declared by the case vocabulary; reading it
    # declares them.
    vocabulary.load()


@pytest.mark.parametrize("start, duration, expected", [
    ("2020-02-29", Duration(3, "years"), "2023-02-28"),   # no 29 February: the month's end
    ("2020-02-29", Duration(4, "years"), "2024-02-29"),
    ("2021-02-20", Duration(3, "years"), "2024-02-20"),
    ("2023-01-31", Duration(1, "months"), "2023-02-28"),
    ("2023-10-31", Duration(12, "months"), "2024-10-31"),
    ("2024-12-31", Duration(1, "days"), "2025-01-01"),
])
def test_calendar_arithmetic(start, duration, expected):
    assert add_duration(dt.date.fromisoformat(start), duration) == dt.date.fromisoformat(expected)


def test_subtracting_years_clamps_the_same_way():
    assert add_duration(dt.date(2024, 2, 29), Duration(1, "years"), -1) == dt.date(2023, 2, 28)


@pytest.mark.parametrize("amount, unit, expected", [
    ("150000", "USD", "150,000.00 USD"),
    ("1234.5", "USD", "1,234.50 USD"),
    ("7200", "shares", "7,200 shares"),
    ("0.5", "shares", "0.5 shares"),
])
def test_money_is_shown_exactly(amount, unit, expected):
    assert format_money(Decimal(amount), unit) == expected


def test_shares_keep_their_digits_and_usd_rounds_to_cents():
    assert str(quantize(Decimal("12.3400"), "shares")) == "12.34"
    assert str(quantize(Decimal("12"), "USD")) == "12.00"
