"""Every shipped example case, determined by the shipped policy, against a reviewed snapshot
of its JSON and its text memo; and the expectations a reader of the policy text would hold."""

from __future__ import annotations

import json

import pytest

from clawpolicy.api import evaluate, read_case
from clawpolicy.render import json as json_render
from clawpolicy.render import layout
from clawpolicy.tools import testing
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, REVISION_CASES, ROOT, MemoText


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_json_determination(case_path, qualys_2019, json_snapshot):
    determination = evaluate(qualys_2019, read_case(case_path))
    assert json_render.render(determination) == json_snapshot


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_text_determination(case_path, qualys_2019, text_snapshot):
    determination = evaluate(qualys_2019, read_case(case_path))
    assert layout.text(determination) == text_snapshot


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_markdown_determination(case_path, qualys_2019, markdown_snapshot):
    determination = evaluate(qualys_2019, read_case(case_path))
    assert layout.markdown(determination) == markdown_snapshot


def _determine(qualys_2019, stem: str) -> dict:
    (path,) = [p for p in EXAMPLE_CASES if p.stem.endswith(stem)]
    return json.loads(json_render.render(evaluate(qualys_2019, read_case(path))))


@pytest.mark.parametrize("case_path", REVISION_CASES, ids=lambda p: p.stem)
def test_revised_json_determination(case_path, qualys_revised, json_snapshot):
    assert json_render.render(evaluate(qualys_revised, read_case(case_path))) == json_snapshot


@pytest.mark.parametrize("case_path", REVISION_CASES, ids=lambda p: p.stem)
def test_revised_text_determination(case_path, qualys_revised, text_snapshot):
    assert layout.text(evaluate(qualys_revised, read_case(case_path))) == text_snapshot


@pytest.mark.parametrize("case_path", REVISION_CASES, ids=lambda p: p.stem)
def test_revised_markdown_determination(case_path, qualys_revised, markdown_snapshot):
    assert layout.markdown(evaluate(qualys_revised, read_case(case_path))) == markdown_snapshot


@pytest.mark.parametrize("policy_path,case_path", COMPANY_CASES,
                         ids=lambda v: v.stem)
def test_other_companies_json_determination(policy_path, case_path, company_policies,
                                            json_snapshot):
    # The other companies' examples, each decided by its own company's policy.
    determination = evaluate(company_policies[policy_path], read_case(case_path))
    assert json_render.render(determination) == json_snapshot


def test_every_example_meets_the_expectation_it_states():
    # Each example states, in its `expect:` block, what a reader of the policy text expects
    # (derived by hand: the EXPECTED.md of each folder of examples/cases/).
    report = testing.run([ROOT / "examples"])
    assert [c.path for c in report.cases if c.status != "pass"] == []
    assert len(report.cases) == (len(EXAMPLE_CASES) + len(REVISION_CASES) + len(COMPANY_CASES))
    assert not report.skipped
    assert len(report.coverage) == 2 + len({p for p, _ in COMPANY_CASES})
    for table in report.coverage:
        assert table.never_exercised == []


def test_partly_paid_award_has_both_remedies_capped_by_what_each_reaches(qualys_2019):
    (award,) = _determine(qualys_2019, "partly-paid-award")["awards"]
    remedies = {r["kind"]: (r["modality"], r["up_to"]["amount"]) for r in award["remedies"]}
    assert remedies == {"repay": ("shall", "160000.00"), "cancel": ("may", "240000.00")}


def test_barred_repayment_leaves_cancellation_only(qualys_2019):
    (award,) = _determine(qualys_2019, "law-bars-repayment")["awards"]
    assert [r["kind"] for r in award["remedies"]] == ["cancel"]
    assert any("repay is not available" in n for n in award["notes"])


def test_several_units_give_a_total_per_unit(qualys_2019):
    d = _determine(qualys_2019, "tsr-psu-estimate-shares")
    assert d["total_recoverable"] == [{"amount": "7200", "unit": "shares"},
                                      {"amount": "135000.00", "unit": "USD"}]
    assert [n["rule"] for n in d["notes"]] == ["estimated_restated_amount"]


def test_pending_findings_are_asked_with_what_each_answer_leads_to(qualys_2019):
    d = _determine(qualys_2019, "materiality-undetermined")
    (question,) = d["open_questions"]
    assert question["fact"] == "restatement.material"
    assert question["answers"] == [
        {"if": True, "outcome": "recovery", "recoverable": {"amount": "44000.00", "unit": "USD"}},
        {"if": False, "outcome": "no_recovery"},
    ]


def test_unknown_restated_amount_is_asked_as_a_range(qualys_2019):
    d = _determine(qualys_2019, "restated-amount-unknown")
    (question,) = d["open_questions"]
    assert question["fact"] == "awards[0].amount_as_restated"
    assert question["answers"] == [
        # The amount moves with the answer: from 0.01 share (restated at 11999.99, the
        # vocabulary's step below the threshold) to all 12000 (restated at nothing).
        {"if": "< 12000 shares", "outcome": "recovery", "recoverable_depends_on_answer": True,
         "recoverable_range": {"min": {"amount": "0.01", "unit": "shares"},
                               "max": {"amount": "12000", "unit": "shares"}}},
        {"if": ">= 12000 shares", "outcome": "no_recovery"},
    ]


def test_a_condition_that_fails_beats_an_unknown_one(qualys_2019):
    d = _determine(qualys_2019, "no-misconduct-finding")
    assert d["outcome"] == "no_recovery"
    assert d["open_questions"] == []


def test_case_schema_is_unchanged(json_snapshot):
    # The JSON Schema of case files is part of the contract: a change to it is reviewed here.
    from clawpolicy.tools import schema

    assert schema.render() == json_snapshot


class HTMLText(MemoText):
    file_extension = "html"


@pytest.mark.parametrize("level", ["full", "fails"])
@pytest.mark.parametrize("stem", ["24-recovery-and-pending-awards", "13-time-based-and-discretionary"])
def test_memo_detail_levels(stem, level, qualys_2019, text_snapshot):
    # `--explain full` shows every condition with its reason and quotation; `fails` only the
    # conditions that do not hold or are not known. The default (`summary`) is above.
    (path,) = [p for p in EXAMPLE_CASES if p.stem == stem]
    assert layout.text(evaluate(qualys_2019, read_case(path)), level) == text_snapshot


def test_html_memo_of_a_revised_policy_case(qualys_revised, snapshot):
    from clawpolicy.render import html
    from clawpolicy.tools.lint import source_document

    (path,) = [p for p in REVISION_CASES if p.stem.startswith("12-")]
    page = html.render(evaluate(qualys_revised, read_case(path)), source_document(qualys_revised))
    assert page == snapshot.use_extension(HTMLText)


def test_the_readme_shows_the_memo_as_check_prints_it(qualys_2019):
    (path,) = [p for p in EXAMPLE_CASES if p.stem.startswith("11-")]
    memo = layout.text(evaluate(qualys_2019, read_case(path)))
    assert f"```\n{memo}```" in (ROOT / "README.md").read_text(encoding="utf-8")
