"""A reason's arithmetic keeps the policy's grouping (evaluate/explain.py): parentheses where
the tree needs them, by the rule `clawpolicy fmt` prints expressions with (syntax.ast
`binding`), and a computed right operand, which ends with its own `= value`, always grouped;
a negation's operand described like any other."""

from __future__ import annotations

from clawpolicy.api import compile_policy, evaluate, read_case
from tests.conftest import EXAMPLE_CASES

POLICY = """policy "Grouping Co. Clawback Policy"
  effective 2020-03-01
end

define a1 as award.amount_awarded - (award.amount_paid - award.amount_as_restated) end
define a2 as award.amount_awarded / (8 / 4) end
define a3 as -(award.amount_paid - award.amount_awarded) end
define a5 as award.amount_awarded - award.amount_paid - award.amount_as_restated end
define a6 as (award.amount_awarded - award.amount_paid) * 2 end
define a7 as award.amount_paid + award.amount_paid * 2 end
define a8 as award.amount_awarded - min(award.amount_paid, award.amount_as_restated) end

recoverable excess
  clause "Section 3"
  quote "the excess"
  is max(a1 + a2 + a3 + a5 + a6 + a7 + a8, 0)
end

remedy repay
  clause "Section 4"
  quote "shall repay"
  shall recover up to excess
end
"""


def _because(tmp_path) -> str:
    path = tmp_path / "grouping.claw"
    path.write_text(POLICY, encoding="utf-8")
    case = next(p for p in EXAMPLE_CASES if p.stem.startswith("16-"))  # 400,000 awarded,
    d = evaluate(compile_policy(path), read_case(case))  # 160,000 paid, 100,000 as restated
    return d.awards[0].remedies[0].because


def test_a_reasons_arithmetic_keeps_the_policys_parentheses(tmp_path):
    because = _because(tmp_path)
    awarded, paid, restated = (f"ltip-cash-2022: amount {w} ({a},000.00 USD)" for w, a in
                               (("awarded", 400), ("paid", 160), ("as restated", 100)))
    assert f"a1 (= {awarded} - ({paid} - {restated} = 60,000.00 USD) = 340,000.00 USD)" \
        in because
    assert f"a2 (= {awarded} / (8 / 4 = 2) = 200,000.00 USD)" in because
    # A negation's operand is described like any other, not by its path in the source.
    assert f"a3 (= -({paid} - {awarded} = -240,000.00 USD) = 240,000.00 USD)" in because
    assert "award.amount_paid" not in because
    # Left to right needs no parentheses: the running total reads as written.
    assert f"a5 (= {awarded} - {paid} = 240,000.00 USD - {restated} = 140,000.00 USD)" \
        in because
    assert f"a6 (= ({awarded} - {paid} = 240,000.00 USD) * 2 = 480,000.00 USD)" in because
    # A right operand computed first is grouped with its own result.
    assert f"a7 (= {paid} + ({paid} * 2 = 320,000.00 USD) = 480,000.00 USD)" in because
    # So is a function's call on the right (review: it read as 400,000 - x = 100,000).
    assert f"a8 (= {awarded} - (min({paid}, {restated}) = 100,000.00 USD) = 300,000.00 USD)" \
        in because
