"""What open questions answer: a threshold an answer reaches through `sum(...)` is found as
one through `min` or `max` is (evaluate/tracking.py)."""

from __future__ import annotations

from clawpolicy.api import compile_policy, evaluate, read_case_data

POLICY = '''policy "Sums"
  effective 2019-02-08
end

condition small_total
  clause "1"
  quote "the awards together come to less than 500,000 USD"
  requires sum(a.amount_as_restated for a in awards) < 500000 USD
end

recoverable whole
  clause "2"
  quote "the whole award"
  is award.amount_awarded
end

remedy repay
  clause "3"
  quote "shall repay"
  shall recover up to whole
end
'''


def award(ident: str, restated) -> dict:
    return {"id": ident, "kind": "cash_incentive", "granted": "2022-02-15",
            "received": "2023-02-28", "unit": "USD", "amount_awarded": "300000",
            "amount_paid": "300000", "amount_as_restated": restated}


def test_a_threshold_through_a_sum_is_asked_at_the_amount_where_it_turns(tmp_path):
    path = tmp_path / "sums.claw"
    path.write_text(POLICY, encoding="utf-8")
    case = read_case_data({"case_id": "sums", "as_of": "2024-06-30",
                           "awards": [award("a", None), award("b", "200000")]})
    determination = evaluate(compile_policy(path), case)
    assert determination.outcome == "pending"
    [question] = determination.open_questions
    assert question.fact == "awards[0].amount_as_restated"
    # 200,000 of the other award leaves 300,000 below the 500,000 the sum is compared with.
    assert [(a.if_, a.outcome, a.recoverable.amount if a.recoverable else None)
            for a in question.answers] == [
        ("< 300000.00 USD", "recovery", "600000.00"), (">= 300000.00 USD", "no_recovery", None)]
