"""Every shipped example case, determined by the shipped policy, against a reviewed snapshot
of its JSON and its text memo; and the expectations a reader of the policy text would hold."""

from __future__ import annotations

import json

import pytest

from clawpolicy.api import evaluate, read_case
from clawpolicy.render import json as json_render
from clawpolicy.render import layout
from tests.conftest import EXAMPLE_CASES


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_json_determination(case_path, qualys_2019, json_snapshot):
    determination = evaluate(qualys_2019, read_case(case_path))
    assert json_render.render(determination) == json_snapshot


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_text_determination(case_path, qualys_2019, text_snapshot):
    determination = evaluate(qualys_2019, read_case(case_path))
    assert layout.text(determination) == text_snapshot


def _determine(qualys_2019, stem: str) -> dict:
    (path,) = [p for p in EXAMPLE_CASES if p.stem.endswith(stem)]
    return json.loads(json_render.render(evaluate(qualys_2019, read_case(path))))


# Outcomes and amounts a careful reader of the 2019 text gives (examples/cases/EXPECTED.md),
# asserted apart from the snapshots so that a snapshot can never quietly change them.
EXPECTED = {
    "full-recovery-paid-bonus": ("recovery", {"bonus-fy2021": ("recovery", "156000.00")}),
    "immaterial-restatement": ("no_recovery", {"bonus-fy2022": ("no_recovery", "0.00")}),
    "no-restatement": ("no_recovery", {"bonus-fy2023": ("no_recovery", "0.00")}),
    "restated-amount-not-less": ("no_recovery", {"bonus-fy2021": ("no_recovery", "0.00"),
                                                 "psu-2022": ("no_recovery", "0")}),
    "filing-window-expired": ("no_recovery", {"bonus-fy2019": ("no_recovery", "0.00")}),
    "no-misconduct-finding": ("no_recovery", {"bonus-fy2022": ("no_recovery", "0.00")}),
    "misconduct-not-causing": ("no_recovery", {"psu-2022": ("no_recovery", "0")}),
    "committee-declines-repayment": ("no_recovery", {"bonus-fy2022": ("no_recovery", "0.00")}),
    "exactly-three-years": ("recovery", {"bonus-fy2021": ("recovery", "82000.00")}),
    "pending-committee-findings": ("pending", {"bonus-fy2022": ("pending", None)}),
    "materiality-undetermined": ("pending", {"bonus-fy2023": ("pending", None)}),
    "restated-amount-unknown": ("pending", {"psu-2022": ("pending", None),
                                            "bonus-fy2022": ("no_recovery", "0.00")}),
    "time-based-and-discretionary": ("not_covered", {
        "rsu-2022": ("not_covered", "0"), "special-bonus-2022": ("not_covered", "0.00"),
        "plan-discretionary-fy2022": ("not_covered", "0.00")}),
    "granted-before-effective-date": ("not_covered", {"psu-2018": ("not_covered", "0")}),
    "not-section16-officer": ("not_covered", {"bonus-fy2022": ("not_covered", "0.00")}),
    "partly-paid-award": ("recovery", {"ltip-cash-2022": ("recovery", "300000.00")}),
    "law-bars-repayment": ("recovery", {"psu-2022": ("recovery", "6000")}),
    "law-prohibits-recovery": ("no_recovery", {"bonus-fy2022": ("no_recovery", "0.00")}),
    "mixed-statements": ("recovery", {
        "bonus-fy2020": ("no_recovery", "0.00"), "bonus-fy2021": ("recovery", "69000.00"),
        "bonus-fy2022": ("no_recovery", "0.00"), "psu-2020": ("recovery", "1500"),
        "rsu-2021": ("not_covered", "0")}),
    "tsr-psu-estimate-shares": ("recovery", {"psu-tsr-2022": ("recovery", "7200"),
                                             "bonus-fy2023": ("recovery", "135000.00")}),
    "recovery-cost-exceeds": ("recovery", {"bonus-fy2022": ("recovery", "42000.00")}),
    "granted-on-effective-date": ("recovery", {"bonus-fy2019": ("recovery", "78000.00"),
                                               "psu-2019": ("not_covered", "0")}),
    "section16-status-unknown": ("pending", {"bonus-fy2022": ("pending", None)}),
    "recovery-and-pending-awards": ("recovery", {"bonus-fy2023": ("recovery", "68750.00"),
                                                 "psu-2023": ("pending", None)}),
}


def test_every_example_has_an_expectation():
    stems = {p.stem.split("-", 1)[1] for p in EXAMPLE_CASES}
    assert stems == set(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_outcomes_a_reader_of_the_text_expects(stem, qualys_2019):
    outcome, awards = EXPECTED[stem]
    d = _determine(qualys_2019, stem)
    assert d["outcome"] == outcome
    got = {a["id"]: (a["outcome"], (a["recoverable"] or {}).get("amount")) for a in d["awards"]}
    assert got == awards


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
        {"if": "< 12000 shares", "outcome": "recovery", "recoverable_depends_on_answer": True},
        {"if": ">= 12000 shares", "outcome": "no_recovery"},
    ]


def test_a_condition_that_fails_beats_an_unknown_one(qualys_2019):
    d = _determine(qualys_2019, "no-misconduct-finding")
    assert d["outcome"] == "no_recovery"
    assert d["open_questions"] == []
