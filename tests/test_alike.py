"""Answers alike (evaluate/alike.py): the answers to an enumerated fact that every test the
policy makes on it treats alike, found from the policy's text; the exactness search decides
one of each class (tests/test_search.py holds the determinations to the reference's)."""

from __future__ import annotations

import pytest

from clawpolicy.api import compile_policy, read_case_data
from clawpolicy.evaluate import alike
from tests.test_search import DIVIDES, both

MISCONDUCT = ["fraud", "intentional_misconduct", "gross_negligence", "none"]


def test_the_2019_policy_tests_the_findings_against_sets_of_words(qualys_2019):
    classes = {
        "findings.misconduct": (MISCONDUCT, ["fraud", "fraud", "fraud", "none"]),
        "findings.caused_restatement": (["caused", "partially", "not_caused"],
                                        ["caused", "caused", "not_caused"]),
        "awards[3].kind": (["cash_incentive", "performance_equity", "time_based_equity"],
                           ["cash_incentive", "cash_incentive", "time_based_equity"]),
        # A list: none, each word the policy names alone, all of them (`overlaps`).
        "awards[0].basis": ([(), ("financial_results",), ("tsr",), ("financial_results", "tsr")],
                            [(), ("financial_results",), ("financial_results",),
                             ("financial_results",)]),
    }
    for fact, (answers, firsts) in classes.items():
        assert alike.representatives(qualys_2019, fact, answers) == firsts, fact
    # Two words, told apart by every test: no class holds two.
    assert alike.representatives(qualys_2019, "findings.should_repay", [True, False]) is None


POLICY = '''policy "Alike"
  effective 2019-01-01
end

fact region: one of {americas, emea, apac, other} end

condition found
  clause "1"
  quote "q"
  requires findings.misconduct in {fraud, gross_negligence}
           and facts.region in {americas, emea}
end

{more}

'''


def _policy(tmp_path, more: str = ""):
    path = tmp_path / "alike.claw"
    # The amount and the remedy of test_search's small policy.
    tail = DIVIDES[DIVIDES.index("recoverable excess"):]
    path.write_text(POLICY.replace("{more}", more) + tail, encoding="utf-8")
    return compile_policy(path)


def test_each_test_splits_the_classes(tmp_path):
    policy = _policy(tmp_path, '''condition not_fraud
  clause "2"
  quote "q"
  requires findings.misconduct != fraud or facts.region = emea
end''')
    assert alike.representatives(policy, "findings.misconduct", MISCONDUCT) == [
        "fraud", "intentional_misconduct", "gross_negligence", "intentional_misconduct"]
    assert alike.representatives(policy, "facts.region", ["americas", "emea", "apac", "other"]) \
        == ["americas", "emea", "apac", "apac"]


@pytest.mark.parametrize("more", [
    # Read through a definition, or taken as a value: it may matter otherwise than by the
    # sets it is tested against.
    '''define found_misconduct
  as findings.misconduct
end

condition named
  clause "2"
  quote "q"
  requires found_misconduct in {fraud}
end''',
    '''define chosen
  as if facts.region = apac then findings.misconduct else findings.misconduct
end

condition chosen_found
  clause "2"
  quote "q"
  requires chosen in {fraud}
end''',
], ids=["through-a-definition", "as-a-value"])
def test_a_fact_read_otherwise_has_no_answers_alike(tmp_path, more):
    policy = _policy(tmp_path, more)
    assert alike.representatives(policy, "findings.misconduct", MISCONDUCT) is None


def test_the_search_takes_answers_alike_and_gives_the_reference(tmp_path):
    policy = _policy(tmp_path)
    award = {"id": "A", "kind": "cash_incentive", "granted": "2021-02-11", "unit": "USD",
             "amount_awarded": "50", "amount_paid": "50", "amount_as_restated": None}
    loaded = read_case_data({"case_id": "alike", "as_of": "2023-09-29", "awards": [award],
                             "findings": {"misconduct": None}, "facts": {"region": None}})
    fast, reference = both(policy, loaded)
    assert fast == reference
    assert '"if": [\n            "fraud",\n            "gross_negligence"\n' in fast
