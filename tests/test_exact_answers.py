"""What open questions answer: a threshold an answer reaches through `sum(...)` is found as
one through `min` or `max` is (evaluate/tracking.py), and a whole record left unknown does not
keep pending what the other facts' answers decide."""

from __future__ import annotations

import yaml

from clawpolicy.api import compile_policy, evaluate, read_case_data
from tests.conftest import ROOT

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


def test_a_whole_record_left_unknown_does_not_keep_pending_what_the_other_answers_decide(
        qualys_revised):
    """Found by the probe of issue 10: example 20 (a CEO; `stock_sales: null`) with
    `participant.executive_officer` blanked came out pending, although both answers give the
    same result, because the unknown stock sales (a whole record, not enumerated) stopped the
    search. The awards are decided; the stock sales are still asked."""
    path = ROOT / "examples" / "cases" / "20-tsr-psu-estimate-shares.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    before = evaluate(qualys_revised, read_case_data(data))
    data["participant"]["executive_officer"] = None
    after = evaluate(qualys_revised, read_case_data(data))
    assert (after.outcome, after.totals) == (before.outcome, before.totals) != ("pending", [])
    assert [(a.outcome, a.recoverable) for a in after.awards] == \
        [(a.outcome, a.recoverable) for a in before.awards]
    assert any("not needed: participant.executive_officer" in n for n in after.awards[0].notes)
    assert [q.fact for q in after.open_questions] == ["stock_sales"]
