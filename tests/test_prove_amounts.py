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
from tests.conftest import EXAMPLE_EXCESS, EXAMPLE_POLICY

# The errors catalogue's example policy, its amount left to each test.
POLICY = EXAMPLE_POLICY.replace(EXAMPLE_EXCESS, "{amount}")
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


def test_shown_rounds_an_amount_to_the_cent_as_the_output_does(tmp_path):
    from decimal import Decimal

    import z3

    from clawpolicy.core.values import quantize
    from clawpolicy.prove.claims import shown

    _diff(tmp_path, HALF, HALF)  # the vocabulary, which declares USD's places, is loaded
    assert quantize(Decimal("0.005"), "USD") == Decimal("0.00")
    for extra, units in ((1, 5), (1, 15), (1, 25), (1, -5), (1, -15), (1, 249), (1, 251),
                         (2, 1450), (2, 1451), (2, 1549), (3, 12345678), (1, 0)):
        got = z3.simplify(shown(z3.IntVal(units), extra)).as_long()
        exact = Decimal(units).scaleb(-2 - extra)
        assert Decimal(got).scaleb(-2) == quantize(exact, "USD"), (extra, units)
    assert shown(z3.Int("cents"), 0).eq(z3.Int("cents"))  # whole cents as they are


def test_the_translation_of_products_agrees_with_the_evaluator(tmp_path):
    # The differential test of tests/test_prove.py on products by written numbers and of two
    # numbers of the case, with amounts of odd cents, where half cents are to be rounded.
    import random
    from decimal import Decimal

    import z3

    from clawpolicy.prove import claims
    from clawpolicy.prove.decide import Decider

    path = tmp_path / "policy.claw"
    path.write_text(POLICY.format(amount=(
        "max(award.amount_awarded - award.amount_as_restated, 0) * 0.35 + "
        "at_price(min(award.amount_awarded, 1.01), award.share_price) * 0.5")), encoding="utf-8")
    policy = api.compile_policy(path)
    shape = claims.shape_for(policy)
    case = Decider(policy, shape).case()
    rng = random.Random(18)
    rounded = 0
    for i in range(30):
        solver = z3.Solver()
        solver.add(*shape.domain, *shape.calendar.facts)
        for leaf, (kind, known, val, _) in shape.leaves.items():
            if z3.is_const(known) and not z3.is_true(known):
                solver.add(known)  # every fact known: amounts decided, not pending
            if leaf.endswith((".amount_awarded", ".share_price")):
                solver.add(val == rng.choice([1, 3, 7, 101, rng.randint(0, 10_000_001)]))
            elif leaf.endswith(".amount_as_restated"):
                solver.add(val == rng.choice([0, 1, 3]))
        assert solver.check() == z3.sat
        model = solver.model()
        out = tmp_path / f"case{i}.yaml"
        claims.write_case(claims.case_of(shape, model, "generated"), out)
        loaded = api.read_case(out, policy.vocabulary)
        expected = observe.of_run(policy, loaded.case, api.policy_facts(policy, loaded))
        assert observe.comparable(observe.of_model(case, model)) == \
            observe.comparable(expected), out.read_text()
        rounded += expected["recoverable"] is not None and \
            expected["recoverable"] != expected["recoverable"].quantize(Decimal("0.01"))
    assert rounded >= 10  # amounts the output rounds, half cents among them


def test_the_units_are_fine_enough_for_products_through_definitions(tmp_path):
    from clawpolicy.prove import claims

    text = POLICY.format(amount="half * 0.5") + (
        "\ndefine half\n  as award.amount_awarded * 0.5\nend\n")
    path = tmp_path / "policy.claw"
    path.write_text(text, encoding="utf-8")
    # cents (2 places) * 0.5 (1) * 0.5 (1): 4 places, 2 beyond the cent
    assert claims.extra_places(api.compile_policy(path)) == 2
    _diff(tmp_path, HALF, "at_price(award.amount_awarded, award.share_price)")
    assert claims.extra_places(api.compile_policy(tmp_path / "old.claw")) == 1
    assert claims.extra_places(api.compile_policy(tmp_path / "new.claw")) == 2  # 2 + 2
