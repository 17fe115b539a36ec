"""Facts a policy declares per award (`fact NAME: TYPE per award`): one value for each award,
given under the award's own `facts:`, read as `award.facts.NAME`, money in the award's unit,
asked of that award where the outcome turns on it, refused where misspelled or misplaced."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from clawpolicy import api
from clawpolicy.core.source import SourceFile
from clawpolicy.syntax.lower import lower
from clawpolicy.syntax.parse import parse
from clawpolicy.syntax.printer import format_module
from clawpolicy.tools.schema import case_schema
from tests.conftest import EXAMPLE_EXCESS, EXAMPLE_POLICY, ROOT

POLICY = EXAMPLE_POLICY.replace(
    EXAMPLE_EXCESS,
    "max(award.amount_awarded - award.amount_as_restated - award.facts.disposed_of, 0)") + '''
fact disposed_of: money per award
  asks "How much of award {award} was sold?"
end
fact board_approved: boolean end
fact reviewed: boolean per award end

condition approved
  clause "Approval"
  quote "the board approves"
  requires facts.board_approved
end
'''


def award(ident: str, unit: str, facts: dict | None = None) -> dict:
    item = {"id": ident, "kind": "cash_incentive", "unit": unit, "amount_awarded": "1000",
            "amount_as_restated": "600"}
    return item if facts is None else {**item, "facts": facts}


def case(*awards: dict, facts: dict | None = None) -> dict:
    return {"case_id": "example", "as_of": "2024-06-30", "awards": list(awards),
            "facts": {"board_approved": True} if facts is None else facts}


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "policy.claw"
    path.write_text(POLICY, encoding="utf-8")
    return api.compile_policy(path)


def determine(policy, data: dict, assumptions=()):
    return api.evaluate(policy, api.read_case_data(data, vocabulary=policy.vocabulary),
                        assumptions)


def test_a_money_fact_per_award_is_in_that_awards_own_unit(policy):
    d = determine(policy, case(award("psu", "shares", {"disposed_of": "150"}),
                               award("bonus", "USD", {"disposed_of": "0.50"})))
    assert d.outcome == "recovery"
    got = {a.id: (a.recoverable.amount, a.recoverable.unit) for a in d.awards}
    assert got == {"psu": ("250", "shares"), "bonus": ("399.50", "USD")}
    assert "psu: facts: disposed of (150 shares)" in json.dumps(d.model_dump(mode="json"))


def test_the_compiled_evaluator_reads_them_as_the_reference_does(policy, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case(award("psu", "shares", {"disposed_of": "150"}),
                                    award("bonus", "EUR"))), encoding="utf-8")
    runs = [subprocess.run([sys.executable, "-m", "clawpolicy", "check",
                            str(tmp_path / "policy.claw"), str(path), "--format", "json"],
                           capture_output=True, text=True,
                           env={**os.environ, "CLAWPOLICY_EVALUATOR": which})
            for which in ("compiled", "reference")]
    assert runs[0].returncode == runs[1].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout


def test_an_unknown_fact_per_award_is_asked_of_that_award(policy):
    d = determine(policy, case(award("psu", "shares", {"disposed_of": "150"}),
                               award("bonus", "USD")))
    (question,) = d.open_questions
    assert question.fact == "awards[1].facts.disposed_of"
    assert question.question == "How much of award bonus was sold?"
    assert [a.outcome for a in question.answers] == ["recovery", "recovery"]
    answered = determine(policy, case(award("psu", "shares", {"disposed_of": "150"}),
                                      award("bonus", "USD")),
                         ["awards[bonus].facts.disposed_of=100"])
    assert answered.awards[1].recoverable.amount == "300.00"


def test_a_misspelled_key_under_an_awards_facts_is_refused_with_the_declared_one(policy):
    with pytest.raises(api.CaseError) as caught:
        determine(policy, case(award("psu", "shares", {"disposed_off": "1"})))
    (d,) = caught.value.diagnostics
    assert (d.code, d.message) == (
        "CP0414", "`awards[0].facts.disposed_off` is not a fact the policy declares")
    assert d.help.startswith("did you mean `disposed_of`? expected one of: disposed_of, "
                             "reviewed")
    assert d.where.endswith("awards[0].facts.disposed_off")


def test_a_fact_given_at_the_wrong_level_says_where_it_belongs(policy):
    with pytest.raises(api.CaseError) as caught:
        determine(policy, case(award("psu", "shares", {"board_approved": True}),
                               facts={"board_approved": True, "reviewed": True}))
    found = {d.message: d.help for d in caught.value.diagnostics}
    assert found == {
        "`awards[0].facts.board_approved` is not a fact the policy declares here":
            "the policy declares `board_approved` once for the whole case: give it under the "
            "case's `facts:`",
        "`facts.reviewed` is not a fact the policy declares here":
            "the policy declares `reviewed` once for each award: give it under each award's "
            "own `facts:`"}


def test_a_value_that_does_not_fit_is_refused_at_its_place(policy):
    with pytest.raises(api.CaseError) as caught:
        determine(policy, case(award("psu", "shares", {"reviewed": "maybe"})))
    (d,) = caught.value.diagnostics
    assert (d.code, d.message) == ("CP0411", "`awards[0].facts.reviewed` cannot be 'maybe'")


def test_per_anything_but_the_item_decided_is_refused(tmp_path):
    path = tmp_path / "policy.claw"
    path.write_text(POLICY.replace("fact reviewed: boolean per award",
                                   "fact reviewed: boolean per participant"), encoding="utf-8")
    with pytest.raises(api.PolicyError) as caught:
        api.compile_policy(path)
    (d,) = caught.value.diagnostics
    assert d.code == "CP0231" and "`per award`" in d.help


def test_a_name_is_declared_once_whatever_the_level(tmp_path):
    path = tmp_path / "policy.claw"
    path.write_text(POLICY + "fact disposed_of: money end\n", encoding="utf-8")
    with pytest.raises(api.PolicyError) as caught:
        api.compile_policy(path)
    assert [d.code for d in caught.value.diagnostics] == ["CP0203"]


def test_the_formatter_keeps_per_award(tmp_path):
    source = SourceFile("policy.claw", POLICY)
    printed = format_module(lower(parse(source), source), source)
    assert "fact disposed_of: money per award\n" in printed
    assert "fact reviewed: boolean per award\n" in printed
    again = SourceFile("policy.claw", printed)
    assert format_module(lower(parse(again), again), again) == printed


def test_the_schema_with_the_policy_types_each_awards_facts(policy):
    schema = case_schema(policy=policy)
    facts = schema["$defs"]["Award"]["properties"]["facts"]
    assert set(facts["properties"]) == {"disposed_of", "reviewed"}
    assert facts["additionalProperties"] is False
    assert set(schema["properties"]["facts"]["properties"]) == {"board_approved"}


def test_the_shipped_icf_policy_reads_disposals_per_award_in_shares():
    icf = api.compile_policy(ROOT / "policies" / "icf-2023.claw")
    path = ROOT / "examples" / "cases" / "icf-2023" / "17-cost-exemption-share-award.yaml"
    d = api.evaluate(icf, api.read_case(path, icf.vocabulary))
    assert [(n.award, n.rule) for n in d.notes] == [("psu-2022", "gain_on_disposition")]
    unsold = api.evaluate(icf, api.read_case(path, icf.vocabulary),
                          ["awards[0].facts.disposed_of=0"])
    assert unsold.notes == []


def test_the_importer_reads_facts_per_award_from_the_awards_table(tmp_path):
    from clawpolicy.tools.tables import import_tables

    (tmp_path / "cases.csv").write_text("case_id,as_of,facts.board_approved\nc1,2024-06-30,true\n")
    (tmp_path / "awards.csv").write_text(
        "case_id,id,unit,amount_awarded,amount_as_restated,facts.disposed_of\n"
        "c1,psu,shares,1000,600,150\n")
    (case,) = import_tables(sorted(tmp_path.glob("*.csv")))
    assert case["facts"] == {"board_approved": True}
    assert case["awards"][0]["facts"] == {"disposed_of": "150"}


def test_an_award_finding_without_a_cost_leaves_the_other_entrys_cost_in_force():
    # A second entry for the award (an amount set) gives no cost: the first entry's stands.
    icf = api.compile_policy(ROOT / "policies" / "icf-2023.claw")
    path = ROOT / "examples" / "cases" / "icf-2023" / "10-cost-exemption-met.yaml"
    loaded = api.read_case(path, icf.vocabulary)
    data = {**loaded.data, "findings": {**loaded.data["findings"], "impracticable": None,
                                        "recovery_cost": None},
            "award_findings": [{"award": "bonus-fy2024", "impracticable": "cost_exceeds_recovery",
                                "recovery_cost": "100000"},
                               {"award": "bonus-fy2024", "amount_set": "50000"}]}
    d = api.evaluate(icf, api.read_case_data(data, vocabulary=icf.vocabulary))
    assert (d.outcome, d.awards[0].recoverable.amount, d.open_questions) == \
        ("recovery", "120000.00", [])


def test_a_finding_of_impracticability_alone_sets_no_amount_under_the_2019_text():
    qualys_2019 = api.compile_policy(ROOT / "policies" / "qualys-2019.claw")
    path = ROOT / "examples" / "cases" / "27-bonus-in-euros.yaml"
    loaded = api.read_case(path, qualys_2019.vocabulary)
    data = {**loaded.data, "award_findings": [
        {"award": "bonus-fy2021-de", "impracticable": "cost_exceeds_recovery",
         "recovery_cost": "1000"}]}
    d = api.evaluate(qualys_2019, api.read_case_data(data, vocabulary=qualys_2019.vocabulary))
    assert [(a.id, a.outcome, a.recoverable.amount) for a in d.awards] == [
        ("bonus-fy2021", "recovery", "156000.00"), ("bonus-fy2021-de", "recovery", "54000.00")]
    unknown = {**data, "award_findings": [{"award": "bonus-fy2021-de"}]}
    d = api.evaluate(qualys_2019, api.read_case_data(unknown, vocabulary=qualys_2019.vocabulary))
    assert d.awards[1].outcome == "pending"  # something was set, not yet known what
