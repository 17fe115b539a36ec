"""Units (issue 12): currencies by their ISO 4217 code, declared in the vocabulary and never
converted; a share award stated in dollars only at a price the case gives (`at_price`,
`award.share_price`), so that a money fact beside a share award never stops an evaluation."""

from __future__ import annotations

import json

import pytest

from clawpolicy import vocabulary
from clawpolicy.vocabulary import VocabularyError
from tests.test_interp import CASE, determine
from tests.test_vocabulary import MINIMAL, _write

COST = "findings.recovery_cost > at_price(award.amount_awarded, award.share_price)"


def case(**award) -> dict:
    data = json.loads(json.dumps(CASE))
    data["awards"][0].update(award)
    data["findings"]["recovery_cost"] = 5000
    return data


def test_currencies_are_units_of_the_vocabulary_with_their_minor_unit():
    units = vocabulary.load().declarations.units
    assert {"USD", "EUR", "GBP", "JPY", "shares"} <= set(units)
    assert (units["EUR"].places, units["JPY"].places) == (2, 0)


@pytest.mark.parametrize("unit, shown", [("EUR", "40.00"), ("JPY", "40"), ("USD", "40.00")])
def test_an_award_in_a_currency_is_recovered_in_it_unconverted(tmp_path, unit, shown):
    d = determine(tmp_path, "", case(unit=unit))
    assert (d.total_recoverable.amount, d.total_recoverable.unit) == (shown, unit)


@pytest.mark.parametrize("price, status", [
    ("49.99", "met"),     # 100 shares at 49.99 = 4999 USD, less than the cost
    ("50", "not_met"),    # 5000 USD: the cost does not exceed it
    (None, "unknown"),    # not recorded: asked, never a stop
])
def test_a_share_award_is_valued_at_its_share_price(tmp_path, price, status):
    (c,) = determine(tmp_path, f"""
        condition c
          clause "C"
          quote "c"
          requires {COST}
        end
        """, case(unit="shares", share_price=price)).awards[0].conditions
    assert c.status == status


def test_the_share_price_is_asked_where_it_matters(tmp_path):
    d = determine(tmp_path, f"""
        condition c
          clause "C"
          quote "c"
          requires {COST}
        end
        """, case(unit="shares"))
    (q,) = d.open_questions
    assert q.fact == "awards[0].share_price"
    assert q.question == "What was the price of one share of award a, in USD?"


def test_the_share_price_is_in_the_default_unit_whatever_the_award_s_unit(tmp_path):
    (c,) = determine(tmp_path, """
        condition c
          clause "C"
          quote "c"
          requires award.share_price = 50 USD
        end
        """, case(unit="shares", share_price="50")).awards[0].conditions
    assert c.status == "met"


def test_default_unit_is_only_for_money(tmp_path):
    path = _write(tmp_path / "v", MINIMAL.replace(
        'type = "money"\nquestion = "What is grant {grant} worth?"',
        'type = "text"\ndefault_unit = true\nquestion = "What is grant {grant} worth?"'))
    with pytest.raises(VocabularyError, match="only for money"):
        vocabulary.load(path)
