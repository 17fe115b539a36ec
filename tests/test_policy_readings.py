"""Readings the shipped policies take that no example case shows on its own: each test is a
shipped example changed in one place, determined by the shipped policy."""

from __future__ import annotations

import yaml

from clawpolicy.api import evaluate, read_case
from tests.conftest import QUALYS, REVISION_CASES


def _case(tmp_path, stem: str, change):
    (path,) = [p for p in REVISION_CASES if p.stem.startswith(stem)]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    change(data)
    out = tmp_path / "case.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return read_case(out)


def _no_attempt_documented(data):
    data["findings"].update(impracticable="cost_exceeds_recovery", recovery_cost=30000,
                            recovery_attempt_documented=False)


def test_rule_10d1_recovery_carries_no_2019_discretion_over_the_cost(qualys_revised, tmp_path):
    # Case 24 with the cost label, a cost of 30,000 above the 27,000 excess, and no documented
    # attempt to recover: Rule 10D-1(b)(1)(iv)(A) does not excuse it, so recovery is
    # mandatory, and the 2019 note that "the Committee may take that cost into account in
    # deciding what action to take" would contradict it.
    d = evaluate(qualys_revised, _case(tmp_path, "24-", _no_attempt_documented))
    (award,) = d.awards
    assert (award.outcome, award.revisions) == ("recovery", ["rule_10d1"])
    assert award.recoverable.amount == "27000.00"
    assert [r.modality for r in award.remedies if r.up_to.amount != "0.00"] == ["shall"]
    notes = [n for n in d.notes if n.rule == "cost_of_recovery"]
    assert [(n.source, n.clause) for n in notes] == [
        ("rule_10d1",
         "Rule 10D-1(b)(1)(iv)(A): the cost of recovery excuses it only with its conditions")]
    assert "recovery is mandatory" in notes[0].text
    assert not any("may take that cost into account" in n.text for n in d.notes)


def test_the_2019_cost_note_stays_where_the_2019_rules_decide(qualys_2019, tmp_path):
    # The same case under the 2019 text alone: its discretion over the cost is the text's own.
    d = evaluate(qualys_2019, _case(tmp_path, "24-", _no_attempt_documented))
    assert [n.source for n in d.notes if n.rule == "cost_of_recovery"] == ["policy"]


def _service_start_not_known(data):
    data["participant"]["executive_officer_since"] = None


def test_section_304_asks_when_a_title_only_ceo_began_where_the_window_turns_on_it(
        qualys_revised, tmp_path):
    # Case 20 (a CEO by title, no dates of the role's own) with no executive-officer service
    # start: the role may have begun after the FY2021 window ended (2023-02-09), and then
    # Section 304 would not reach the bonus or the sales. Not known, so asked, never taken
    # as held throughout (the case's answer, 2018-11-01, gives case 07's 2,815,000).
    d = evaluate(qualys_revised, _case(tmp_path, "20-", _service_start_not_known))
    assert d.outcome == "pending"
    (question,) = [q for q in d.open_questions if q.fact == "participant.executive_officer_since"]
    leads = {a.outcome for a in question.answers}
    assert leads == {"recovery", "no_recovery"}, leads


def _bonus_of_kind_other(data):
    data["awards"][0]["kind"] = "other"


def test_section_304_reaches_an_award_of_any_kind_earned_on_a_financial_measure(
        qualys_revised, tmp_path):
    # Case 07 with the FY2021 bonus recorded as kind `other` (basis financial_results):
    # "any bonus or other incentive-based ... compensation" reaches it as Rule 10D-1's
    # incentive-based compensation does, by its measures: the whole 650,000 as before.
    d = evaluate(qualys_revised, _case(tmp_path, "07-", _bonus_of_kind_other))
    award = d.awards[0]
    assert (award.outcome, award.recoverable.amount) == ("recovery", "650000.00")


def _share_cost_no_attempt(data):
    data["findings"]["recovery_attempt_documented"] = False


def test_rule_10d1_says_recovery_is_mandatory_for_a_share_award_costing_more(
        qualys_revised, tmp_path):
    # Case 31 (a 20,000 USD cost; psu-fy2023's 200 shares at 95 = 19,000 USD) with no
    # documented attempt: the exception does not hold, so the 200 shares are recovered, and
    # the note that the cost does not excuse it is given for shares as for dollars.
    d = evaluate(qualys_revised, _case(tmp_path, "31-", _share_cost_no_attempt))
    award = next(a for a in d.awards if a.id == "psu-fy2023")
    assert award.outcome == "recovery"
    assert any(n.rule == "cost_of_recovery" and n.award == "psu-fy2023" for n in d.notes)
