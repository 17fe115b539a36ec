"""An amount or a date asked alone: the answers at which the result turns, between two
answers tried that lead apart (evaluate/ranges.py `refined`), held to a walk over every
answer between them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from clawpolicy.core import types as t
from clawpolicy.evaluate.ranges import refined, shape
from tests.strategies import fuzzed

DAY = dt.timedelta(days=1)
START = dt.date(2020, 1, 1)


def _leads(turns: list[int], outcomes=("no_recovery", "pending")):
    """Where an answer n days after START leads: the outcome changes at each turn."""
    def leads_to(day: dt.date) -> tuple:
        n = (day - START).days
        return (outcomes[sum(n >= k for k in turns) % 2], None, None)
    return leads_to


@fuzzed(200)
@given(st.lists(st.integers(1, 399), max_size=4, unique=True),
       st.lists(st.integers(0, 400), min_size=2, max_size=6, unique=True))
def test_every_turn_between_answers_that_lead_apart_is_found(turns, tried):
    """Wherever two neighbouring answers tried lead apart, the answers returned hold, as
    neighbours, the last that leads as the first does and the first that does not; every
    answer returned leads where it says, and none tried is lost. (A turn and a turn back
    between two answers that lead alike are not looked for: docs/cases.md.)"""
    leads_to = _leads(sorted(turns))
    days = sorted(START + n * DAY for n in tried)
    found = refined([(d, leads_to(d)) for d in days], leads_to, DAY, t.DATE)
    assert [d for d, _ in found] == sorted({d for d, _ in found})
    assert set(days) <= {d for d, _ in found}
    assert all(leads_to(d) == r for d, r in found)
    for (p, r), (q, s) in zip(found, found[1:]):
        if shape(r, t.DATE) != shape(s, t.DATE):
            assert q - p == DAY, (p, q)


def test_one_turn_between_two_answers_is_found_exactly():
    leads_to = _leads([200])
    first, last = START, START + 300 * DAY
    found = refined([(first, leads_to(first)), (last, leads_to(last))], leads_to, DAY, t.DATE)
    assert [d for d, _ in found] == [first, START + 199 * DAY, START + 200 * DAY, last]


def test_answers_that_lead_alike_are_not_searched_between():
    calls = []

    def leads_to(x: Decimal) -> tuple:
        calls.append(x)
        return ("recovery", None, None)
    tried = [(Decimal(0), ("recovery", None, None)), (Decimal(10 ** 6), ("recovery", None, None))]
    assert refined(tried, leads_to, Decimal("0.01"), t.MONEY) == tried
    assert calls == []


def test_an_amount_turn_is_found_to_the_step():
    def leads_to(x: Decimal) -> tuple:
        return ("recovery" if x < Decimal("1234.56") else "no_recovery", None, None)
    tried = [(Decimal(0), leads_to(Decimal(0))), (Decimal(10 ** 15), leads_to(Decimal(10 ** 15)))]
    found = refined(tried, leads_to, Decimal("0.01"), t.MONEY)
    assert [x for x, _ in found] == [Decimal(0), Decimal("1234.55"), Decimal("1234.56"),
                                     Decimal(10 ** 15)]


def test_an_answer_past_the_calendar_leaves_the_interval_as_it_is():
    """Where the policy's dates leave the calendar between two answers (`leads_to` None),
    the answers tried are returned as they are."""
    def leads_to(day: dt.date):
        return None
    tried = [(START, ("no_recovery", None, None)), (START + 50 * DAY, ("pending", None, None))]
    assert refined(tried, leads_to, DAY, t.DATE) == tried
