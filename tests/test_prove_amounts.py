"""`clawpolicy diff --prove` on amounts: a product by a number the policy writes (`* 0.5`)
and a product of two numbers of the case are exact, as the evaluator keeps them, and amounts
are compared to the cent as the output shows them (half to even). Never "proved" for two
policies that give different amounts, never a counterexample the evaluator does not show
(CP1404, exit 70)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from clawpolicy import api
from clawpolicy.cli import app
from clawpolicy.prove import observe

POLICY = '''policy "Example"
  effective 2019-02-08
end

recoverable excess
  clause "Recovery"
  quote "the excess"
  is {amount}
end

remedy repay
  clause "Repayment"
  quote "shall repay"
  shall recover up to excess
end
'''
HALF = "award.amount_awarded * 0.5"


def _diff(tmp_path: Path, old: str, new: str):
    paths = []
    for name, amount in (("old", old), ("new", new)):
        path = tmp_path / f"{name}.claw"
        path.write_text(POLICY.format(amount=amount), encoding="utf-8")
        paths.append(path)
    out = tmp_path / "cex.yaml"
    result = CliRunner().invoke(app, ["diff", *map(str, paths), "--prove", "-o", str(out)])
    return result, paths, out


def _shown(paths: list[Path], out: Path) -> list[dict]:
    """The evaluator's determinations of the counterexample, as the output shows them."""
    policies = [api.compile_policy(p) for p in paths]
    loaded = api.read_case(out, policies[0].vocabulary)
    return [observe.comparable(observe.of_run(p, loaded.case, api.policy_facts(p, loaded)))
            for p in policies]


def test_a_difference_hidden_below_a_cent_in_a_product_is_refuted(tmp_path):
    # min(x, 0.99) * 0.01 is under a cent, but a million times it is up to 9,900.00: the
    # translation once rounded the product down to 0 and said the policies agree.
    result, paths, out = _diff(tmp_path, HALF,
                               f"{HALF} + min(award.amount_awarded, 0.99) * 0.01 * 1000000")
    assert result.exit_code == 1, result.output
    assert "the two policies agree: REFUTED" in result.output
    old, new = _shown(paths, out)
    assert old["recoverable"] != new["recoverable"]


def test_the_same_product_written_two_ways_is_proved(tmp_path):
    # `* 0.25 * 2` is `* 0.5`: rounding each product once found a false counterexample
    # (CP1404, exit 70).
    result, _, _ = _diff(tmp_path, HALF, "award.amount_awarded * 0.25 * 2")
    assert result.exit_code == 0, result.output
    assert "the two policies agree: proved" in result.output


def test_amounts_are_compared_to_the_cent_half_to_even(tmp_path):
    # x * 0.2 is a whole number of fifths of a cent; adding up to a twentieth of a cent never
    # changes the cent shown, adding up to a tenth does where it reaches a half cent
    # (1.4 cents shows 1, 1.5 shows 2).
    fifths = "award.amount_awarded * 0.2"
    result, _, _ = _diff(tmp_path, fifths, f"{fifths} + min(award.amount_awarded, 0.01) * 0.05")
    assert result.exit_code == 0, result.output
    result, paths, out = _diff(tmp_path, fifths,
                               f"{fifths} + min(award.amount_awarded, 0.01) * 0.1")
    assert result.exit_code == 1 and "REFUTED" in result.output, result.output
    old, new = _shown(paths, out)
    assert old["recoverable"] != new["recoverable"]


def test_a_product_of_two_numbers_of_the_case_is_exact(tmp_path):
    # Rounded down to the cent, a cent's worth of shares at 99 cents was 0 (a difference of
    # 9,900.00 proved away), and halving the price then doubling the value lost a cent
    # (a false counterexample, CP1404).
    value = "at_price(award.amount_awarded, award.share_price)"
    hidden = "at_price(min(award.amount_awarded, 0.01), min(award.share_price, 0.99)) * 1000000"
    result, paths, out = _diff(tmp_path, value, f"{value} + {hidden}")
    assert result.exit_code == 1 and "REFUTED" in result.output, result.output
    old, new = _shown(paths, out)
    assert old["recoverable"] != new["recoverable"]
    halved = "at_price(award.amount_awarded, award.share_price * 0.5) * 2"
    result, _, _ = _diff(tmp_path, value, halved)
    assert result.exit_code == 0, result.output
