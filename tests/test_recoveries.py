"""Recoveries already made: reported beside the recoverable amount as `recovered` and
`outstanding` (recoverable - recovered, never below zero), never changing it."""

from __future__ import annotations

import json

from clawpolicy.render import json as json_render
from tests.test_interp import CASE, determine


def case(**changes) -> dict:
    data = json.loads(json.dumps(CASE))
    data.update(changes)
    return data


def test_recoveries_left_out_are_not_reported(tmp_path):
    data = json.loads(json_render.render(determine(tmp_path, "", CASE)))
    assert "recovered" not in data["awards"][0] and "total_recovered" not in data


def test_no_recoveries_yet_leave_all_outstanding(tmp_path):
    d = determine(tmp_path, "", case(recoveries=[]))
    (a,) = d.awards
    assert (a.recoverable.amount, a.recovered.amount, a.outstanding.amount) == \
        ("40.00", "0.00", "40.00")
    assert d.total_outstanding.amount == "40.00"


def test_recoveries_of_an_award_add_up_and_never_leave_less_than_nothing(tmp_path):
    d = determine(tmp_path, "", case(recoveries=[{"award": "a", "amount_recovered": 30},
                                                 {"award": "a", "amount_recovered": 25}]))
    (a,) = d.awards
    assert (a.recoverable.amount, a.recovered.amount, a.outstanding.amount) == \
        ("40.00", "55.00", "0.00")
    assert (d.total_recovered.amount, d.total_outstanding.amount) == ("55.00", "0.00")


def test_a_pending_award_has_what_was_recovered_but_nothing_outstanding_yet(tmp_path):
    rules = """
        condition c
          clause "C"
          quote "c"
          requires findings.misconduct = fraud
        end
        """
    (a,) = determine(tmp_path, rules, case(recoveries=[{"award": "a", "amount_recovered": 10}])).awards
    assert (a.outcome, a.recovered.amount, a.outstanding) == ("pending", "10.00", None)


def test_a_policy_reads_the_recoveries_of_the_award_it_decides(tmp_path):
    rules = """
        note partly
          clause "N"
          quote "n"
          when sum(r.amount_recovered for r in recoveries where r.award = award.id) > 0
          says "recovered in part"
        end
        """
    assert [n.rule for n in determine(tmp_path, rules, case(
        recoveries=[{"award": "a", "amount_recovered": 10}])).notes] == ["partly"]
    assert determine(tmp_path, rules, case(recoveries=[])).notes == []
