"""The evaluator on small policies written for the purpose: three-valued logic, quantifiers,
aggregates, and the errors a policy can only meet at run time."""

from __future__ import annotations

import textwrap

import pytest

from clawpolicy.api import CaseError, PolicyError, compile_policy, evaluate
from clawpolicy.input.reader import LoadedCase, validate_case
from tests.conftest import ROOT

# The corpus base: a header, a recoverable amount and a remedy, and no more.
BASE = "\n".join(line for line in
                 (ROOT / "tests" / "bad_policies" / "_base.claw").read_text().splitlines()
                 if not line.startswith("#")) + "\n"

CASE = {
    "case_id": "t", "as_of": "2024-06-30",
    "participant": {"section16_officer": True},
    "statements": [{"id": "FY1", "restated": True, "original_filing_date": "2022-02-20"},
                   {"id": "FY2", "restated": None, "original_filing_date": "2023-02-20"}],
    "restatement": {"material": True},
    "awards": [{"id": "a", "kind": "cash_incentive", "basis": ["financial_results"],
                "granted": "2021-01-01", "calculated_on": ["FY1", "FY2"],
                "amount_awarded": 100, "amount_paid": 100, "amount_as_restated": 60}],
    "findings": {"misconduct": None},
}


def determine(tmp_path, rules: str, case: dict | None = None):
    path = tmp_path / "p.claw"
    path.write_text(BASE + textwrap.dedent(rules))
    loaded = LoadedCase(validate_case(case or CASE, "case.yaml"), "case.yaml", {})
    return evaluate(compile_policy(path), loaded)


def condition(tmp_path, expression: str, case: dict | None = None):
    d = determine(tmp_path, f"""
        define ratio as award.amount_awarded / award.amount_as_restated end
        condition c
          clause "C"
          quote "c"
          requires {expression}
        end
        """, case)
    (c,) = d.awards[0].conditions
    return c


@pytest.mark.parametrize("expression, status", [
    ("false and findings.misconduct = fraud", "not_met"),
    ("findings.misconduct = fraud and false", "not_met"),
    ("true or findings.misconduct = fraud", "met"),
    ("findings.misconduct = fraud or true", "met"),
    ("true and findings.misconduct = fraud", "unknown"),
    ("false or findings.misconduct = fraud", "unknown"),
    ("not (findings.misconduct = fraud)", "unknown"),
    ("findings.misconduct is unknown", "met"),
    ("restatement is present", "met"),
    ("any(s in award.statements satisfies s.restated)", "met"),
    ("every(s in award.statements satisfies s.restated)", "unknown"),
    ("every(s in award.statements satisfies s.original_filing_date < 2024-01-01)", "met"),
    ("count(s in statements where s.restated) = 1", "unknown"),
    ("sum(a.amount_paid for a in awards) = 100", "met"),
    ("(if participant.section16_officer then 1 else 2) = 1", "met"),
    ("award.granted + 3 years = 2024-01-01", "met"),
    ("award.basis overlaps {tsr, stock_price}", "not_met"),
    ("cash_incentive = award.kind", "met"),
    ("award.amount_paid in {100, 200}", "met"),
    ("award.amount_paid not in {100 USD}", "not_met"),
    ("any(b in award.basis satisfies financial_results = b)", "met"),
    ("(if participant.section16_officer then cash_incentive else award.kind) = award.kind",
     "met"),
    ("award.performance_period.end > 2020-01-01", "unknown"),
])
def test_three_valued_conditions(tmp_path, expression, status):
    assert condition(tmp_path, expression).status == status


def test_unknown_names_its_facts_as_open_questions(tmp_path):
    d = determine(tmp_path, """
        condition c
          clause "C"
          quote "c"
          requires every(s in award.statements satisfies s.restated)
        end
        """)
    assert d.outcome == "pending"
    assert [q.fact for q in d.open_questions] == ["statements[1].restated"]
    assert [(a.if_, a.outcome) for a in d.open_questions[0].answers] == [
        (True, "recovery"), (False, "no_recovery")]


def test_reading_a_fact_of_an_absent_restatement_is_a_located_error(tmp_path):
    # Behind a test that reads no fact, the checker cannot tell the read is reached (lint
    # warns, CP1008); the case without a restatement finds out.
    case = {**CASE, "restatement": None}
    with pytest.raises(PolicyError) as caught:
        condition(tmp_path, "1 < 2 and restatement.material", case)
    (d,) = caught.value.diagnostics
    assert d.code == "CP0501"
    assert d.message == ("the policy reads `restatement.material`, but this case has no "
                         "restatement")


def test_guarded_read_of_absent_restatement_is_simply_false(tmp_path):
    case = {**CASE, "restatement": None}
    c = condition(tmp_path, "restatement is present and restatement.material", case)
    assert (c.status, c.because) == ("not_met", "there is no restatement (the case records none)")


def test_because_names_the_facts_and_their_values(tmp_path):
    # By the award's id and the fact's meaning (the vocabulary's words), never by list index.
    c = condition(tmp_path, "award.amount_as_restated < award.amount_awarded")
    assert c.because == ("a: amount as restated (60.00 USD) is less than "
                         "a: amount awarded (100.00 USD)")
    c = condition(tmp_path, "participant.section16_officer")
    assert c.because == "participant: Section 16 officer is true"


def test_policy_facts_are_typed_by_their_declaration(tmp_path):
    rules = """
        fact worked_in_california: boolean asks "Did the participant work in California?" end
        condition c
          clause "C"
          quote "c"
          requires not facts.worked_in_california
        end
        """
    d = determine(tmp_path, rules)
    assert d.open_questions[0].question == "Did the participant work in California?"
    d = determine(tmp_path, rules, {**CASE, "facts": {"worked_in_california": False}})
    assert d.outcome == "recovery"


def test_a_misspelled_fact_is_refused_with_the_declared_one_named(tmp_path):
    # Left alone, the misspelled key would leave the declared fact unknown: the case pending.
    rules = """
        fact worked_in_california: boolean asks "Did the participant work in California?" end
        fact home_region: one of {americas, emea} end
        """
    for value in (False, None):
        with pytest.raises(CaseError) as caught:
            determine(tmp_path, rules, {**CASE, "facts": {"worked_in_califonia": value}})
        (d,) = caught.value.diagnostics
        assert (d.code, d.message) == (
            "CP0414", "`facts.worked_in_califonia` is not a fact the policy declares")
        assert d.help.startswith("did you mean `worked_in_california`? expected one of: "
                                 "worked_in_california, home_region")


def test_a_fact_under_a_policy_that_declares_none_is_refused(tmp_path):
    with pytest.raises(CaseError) as caught:
        determine(tmp_path, "", {**CASE, "facts": {"board_approved": True}})
    (d,) = caught.value.diagnostics
    assert d.code == "CP0414" and "the policy declares no facts" in d.help


def test_division_by_zero_is_a_located_error_not_a_silent_zero(tmp_path):
    with pytest.raises(PolicyError) as caught:
        condition(tmp_path, "award.amount_awarded / (award.amount_paid - 100) > 1")
    (d,) = caught.value.diagnostics
    assert (d.code, d.message) == ("CP0503", "this divides by zero for this case")


def test_amounts_of_thirty_digits_stay_exact(tmp_path):
    big = "123456789012345678901234567.89"
    case = {**CASE, "awards": [{**CASE["awards"][0], "amount_awarded": big, "amount_paid": big,
                                "amount_as_restated": "0.01"}]}
    d = determine(tmp_path, "", case)
    assert d.awards[0].recoverable.amount == "123456789012345678901234567.88"


_HUGE = {**CASE, "awards": [{**CASE["awards"][0], "amount_awarded": "9" * 30,
                             "amount_paid": 0, "amount_as_restated": "0." + "0" * 29 + "1"}]}
_SQUARED = """
    define ratio as award.amount_awarded / award.amount_as_restated end
    condition grown
      clause "C"
      quote "q"
      requires ratio * ratio * award.amount_awarded > 0
    end
"""


@pytest.mark.parametrize("compiled_path", [True, False], ids=["compiled", "reference"])
def test_an_amount_the_case_makes_outgrow_the_precision_is_the_case_error(
        tmp_path, monkeypatch, compiled_path):
    """The policy decides ordinary cases; a case whose extreme amounts make its products
    outgrow the 80 digits is blamed (CP0413, exit code 4) at the fields the product read."""
    from clawpolicy.evaluate import compiled

    monkeypatch.setattr(compiled, "ENABLED", compiled_path)
    ordinary = {**CASE, "awards": [{**CASE["awards"][0], "amount_as_restated": 80}]}
    assert determine(tmp_path, _SQUARED, ordinary).outcome  # (100 / 80)² × 100 is exact
    with pytest.raises(CaseError) as caught:
        determine(tmp_path, _SQUARED, _HUGE)
    (d,) = caught.value.diagnostics
    assert d.code == "CP0413"
    assert d.where == "case.yaml: awards[0].amount_awarded"
    assert "`awards[0].amount_awarded` and `awards[0].amount_as_restated`" in d.message
    assert "p.claw:" in d.help  # the policy's place, for the reader who doubts it
    # A sum of exact amounts that the case makes too wide (compiled: its own sum closure).
    with pytest.raises(CaseError) as caught:
        condition(tmp_path, "ratio * award.amount_awarded + award.amount_as_restated > 0",
                  _HUGE)
    assert [d.code for d in caught.value.diagnostics] == ["CP0413"]


@pytest.mark.parametrize("compiled_path", [True, False], ids=["compiled", "reference"])
@pytest.mark.parametrize("expression", [
    # The policy's own numbers have more digits together than the precision: no case fits.
    "award.amount_paid * 1.0000000000000000000000000001 * 1.0000000000000000000000000001"
    " * 1.0000000000000000000000000001 > 0",
    # (A quotient that does not come out even, then added to, is rounded: test_quotients.py.)
])
def test_an_amount_the_policy_makes_outgrow_the_precision_stays_its_error(
        tmp_path, monkeypatch, compiled_path, expression):
    from clawpolicy.evaluate import compiled

    monkeypatch.setattr(compiled, "ENABLED", compiled_path)
    with pytest.raises(PolicyError) as caught:
        condition(tmp_path, expression)
    assert [d.code for d in caught.value.diagnostics] == ["CP0504"]


def test_an_unknown_nested_fact_is_named_by_its_award_and_meaning(tmp_path):
    # The reason names it by the award's id; the open question keeps the case path.
    c = condition(tmp_path, "award.performance_period.end > 2020-01-01")
    assert c.because == "a: performance period is not known"


def test_a_named_set_of_words_takes_the_enumeration_that_holds_them(tmp_path):
    # Written once and tested in several places: the words are read as kinds of misconduct,
    # as they would be beside `findings.misconduct`; one of the policy's own enumerations too.
    rules = """
        fact region: one of {americas, emea, apac} end
        define fault as {fraud, gross_negligence} end
        define overseas as {emea, apac} end
        condition c
          clause "C"
          quote "c"
          requires findings.misconduct in fault and not (facts.region in overseas)
        end
        """
    case = {**CASE, "findings": {"misconduct": "fraud"}, "facts": {"region": "americas"}}
    (c,) = determine(tmp_path, rules, case).awards[0].conditions
    assert c.status == "met"
    case = {**CASE, "findings": {"misconduct": "none"}, "facts": {"region": "americas"}}
    (c,) = determine(tmp_path, rules, case).awards[0].conditions
    assert c.status == "not_met"


@pytest.mark.parametrize("words, message", [
    ("{fraud, frawd}", "unknown name `frawd`"),       # a misspelling is still caught
    ("{emea, fraud}", "unknown name `emea`"),          # no one enumeration holds both
])
def test_a_named_set_of_words_no_one_enumeration_holds_is_refused(tmp_path, words, message):
    with pytest.raises(PolicyError) as caught:
        determine(tmp_path, f"""
            fact region: one of {{americas, emea}} end
            define fault as {words} end
            condition c
              clause "C"
              quote "c"
              requires findings.misconduct in fault
            end
            """)
    assert message in {d.message for d in caught.value.diagnostics}
