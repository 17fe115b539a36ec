"""A division that does not come out even is rounded to the 80 significant digits of the
arithmetic, and what is added to it, taken from it or multiplied by it is rounded in turn to
the same digits, half to even, rather than stopping the run with CP0504: a drafter writing
"one third of the excess" gets one third, to the cent. Sums and products of exact amounts stay
exact or an error (tests/test_interp.py)."""

from __future__ import annotations

import textwrap

import pytest

from clawpolicy.api import PolicyError, compile_policy, evaluate, read_case
from clawpolicy.render import json as json_render

POLICY = '''\
policy "Thirds and sevenths"
  effective 2019-02-08
end

define excess as max(award.amount_awarded - award.amount_as_restated, 0) end

recoverable thirds_and_sevenths
  clause "Recovery"
  quote "one third and one seventh of the excess, with the amount awarded"
  is excess / 3 + excess / 7 + award.amount_awarded
end

remedy repay
  clause "Repayment"
  quote "shall repay"
  shall recover up to min(thirds_and_sevenths, award.amount_paid + award.amount_paid / 7)
end

remedy cancel
  clause "Cancellation"
  quote "may cancel"
  may recover up to {cancel}
end
'''

CASE = '''\
case_id: thirds
as_of: 2024-06-30
awards:
  - id: bonus-2023
    amount_awarded: {awarded}
    amount_as_restated: 0
    amount_paid: 100000
'''


def _determine(tmp_path, cancel="-(award.amount_awarded / 3) + award.amount_awarded",
               awarded="100000"):
    (tmp_path / "policy.claw").write_text(POLICY.format(cancel=cancel))
    (tmp_path / "case.yaml").write_text(CASE.format(awarded=awarded))
    return evaluate(compile_policy(tmp_path / "policy.claw"),
                    read_case(tmp_path / "case.yaml"))


@pytest.mark.parametrize("compiled_path", [True, False], ids=["compiled", "reference"])
def test_thirds_and_sevenths_added_to_an_amount_are_computed_to_the_cent(
        tmp_path, monkeypatch, compiled_path):
    from clawpolicy.evaluate import compiled

    monkeypatch.setattr(compiled, "ENABLED", compiled_path)
    d = _determine(tmp_path)
    (award,) = d.awards
    # 100,000 / 3 + 100,000 / 7 + 100,000 = 147,619.047619...
    assert award.recoverable_compensation.amount == "147619.05"
    # min(that, 100,000 + 100,000 / 7 = 114,285.714285...); the cancel remedy's
    # -(100,000 / 3) + 100,000 = 66,666.666... (a negated quotient stays a rounded one).
    assert [(r.kind, r.up_to.amount) for r in award.remedies] == [
        ("repay", "114285.71"), ("cancel", "66666.67")]
    assert award.recoverable.amount == "147619.05"


def test_the_rounding_is_reproducible_byte_for_byte(tmp_path):
    first = json_render.render(_determine(tmp_path))
    assert json_render.render(_determine(tmp_path)) == first


def test_a_product_of_a_rounded_quotient_is_rounded_too(tmp_path):
    # One seventh of the amount, times 3: 42,857.142857... to the cent.
    d = _determine(tmp_path, cancel="award.amount_awarded / 7 * 3")
    assert d.awards[0].remedies[1].up_to.amount == "42857.14"


def test_a_division_that_comes_out_even_stays_exact(tmp_path):
    # 100,000.01 / 4 = 25,000.0025 exactly, and + 0.003 = 25,000.0055 exactly: rounded to
    # cents only where the amount leaves (25,000.01; a quotient rounded to cents first
    # would give 25,000.00).
    d = _determine(tmp_path, cancel="award.amount_awarded / 4 + 0.003", awarded="100000.01")
    assert d.awards[0].remedies[1].up_to.amount == "25000.01"


def test_numbers_of_the_policy_too_wide_for_the_precision_are_still_its_error(tmp_path):
    with pytest.raises(PolicyError) as caught:
        _determine(tmp_path, cancel=textwrap.dedent("""\
            award.amount_paid * 1.0000000000000000000000000001
                    * 1.0000000000000000000000000001 * 1.0000000000000000000000000001"""))
    assert [d.code for d in caught.value.diagnostics] == ["CP0504"]


def test_an_amount_a_quotient_left_inexact_is_shown_cut_and_marked():
    # Shown rounded, a third of 100 three times would read "33.33 + 33.33 = 66.67" and "100.00
    # is not at least 100.00": the reasons show what the cents hold, and that there is more.
    from decimal import Decimal

    from clawpolicy import vocabulary
    from clawpolicy.core.values import Money, Rounded, format_money, show

    vocabulary.load()  # declares the units' places (cents for USD)
    third = Rounded(Decimal(100)) / 3  # Decimal arithmetic drops the mark: put it back
    assert format_money(Rounded(third), "USD") == "33.33… USD"
    assert format_money(Rounded(third * 2), "USD") == "66.66… USD"
    assert format_money(Rounded(third * 3), "USD") == "99.99… USD"
    assert format_money(Rounded(-third * 2), "USD") == "-66.66… USD"
    assert show(Money(Rounded(third * 3), "USD")) == "99.99… USD"
    # Exact amounts, and a rounded one the cents hold exactly, are shown as ever.
    assert format_money(Decimal("66.675"), "USD") == "66.68 USD"
    assert format_money(Rounded(Decimal("50.5")), "USD") == "50.50 USD"
