"""A list of records left unknown on a pending case (`participant.roles: null`,
`positions: null`) answered one class of records at a time: `[]`, then one record for each
class of items the policy tells apart (`[{"role": "chief_executive_officer"}]`), each saying
where it leads and, where it stays pending, on which other facts, never on the list it
answers nor on the item's fact the answer gives (the exactness rule: "every open question
says what each answer leads to"). Before, the answer was one "any other" pending on
`participant.roles[0].role`: it named its own subject.

The expectations of the first two tests are derived by hand from the policy texts
(policies/qualys-2019.claw and policies/revisions/), written before the code."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from clawpolicy.api import evaluate, read_case_data
from tests.test_exact import _set, _values

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "examples" / "cases"

CEO, CFO = [{"role": "chief_executive_officer"}], [{"role": "chief_financial_officer"}]
PAO, EXEC = [{"role": "principal_accounting_officer"}], [{"role": "executive_officer"}]
S16, NONE = [{"role": "section16_officer"}], [{"role": "none"}]


def _unknown_roles(name: str) -> dict:
    data = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
    data.pop("expect", None)
    data["participant"]["positions"] = None
    data["participant"].pop("roles", None)
    return data


def _roles_question(determination):
    [question] = [q for q in determination.open_questions if q.fact == "participant.roles"]
    return question


def _said(answer) -> tuple:
    total = answer.recoverable
    return (answer.if_, answer.outcome, total.amount if total is not None else None,
            answer.pending_on)


def test_a_cfos_paid_bonus_in_california_by_role(qualys_revised):
    """Example 01 (the CFO's fully paid FY2021 bonus, US-CA) with the roles unknown. By hand:
    with no statutory role, or with a role Section 304 does not name (the principal
    accounting officer, an executive officer, a Section 16 officer, none), the 2019 rules
    reach the 156,000 USD excess, but the California revision removes repay and nothing is
    unpaid to cancel: no recovery. A CEO or a CFO is within Section 304: the whole bonus
    received on 2022-02-25, within 12 months of the first issuance (2022-02-09), the role
    dated by executive_officer_since (2018-06-01), the restatement due to misconduct; the
    federal statute's repay is not removed by the state's limit: 520,000 USD."""
    d = evaluate(qualys_revised, read_case_data(_unknown_roles(
        "01-full-recovery-paid-bonus.yaml")))
    assert d.outcome == "pending"
    assert [_said(a) for a in _roles_question(d).answers] == [
        ([], "no_recovery", None, None),
        ([CEO, CFO], "recovery", "520000.00", None),
        ([PAO, EXEC, S16, NONE], "no_recovery", None, None)]


def test_a_ceo_by_title_under_rule_10d1_by_role(qualys_revised):
    """Revised example 34 (a FY2023 bonus, 480,000 USD paid, 396,000 USD as restated; no
    fault; the executive-officer flag not given) with the roles unknown. By hand: no fault,
    so the 2019 rules recover nothing and Section 304 (misconduct required) nothing; Rule
    10D-1 reaches the 84,000 USD excess of an executive officer, received in FY2023 within
    the look-back from the required date 2024-05-10. A role Rule 10D-1 counts (CEO, CFO,
    principal accounting officer, executive officer, Section 16 officer) makes her one:
    recovery of 84,000 USD. With none, or a role that is none, it turns on the flag
    `participant.executive_officer`, left unknown: pending on it."""
    d = evaluate(qualys_revised, read_case_data(_unknown_roles(
        "revisions/34-10d1-ceo-by-title.yaml")))
    assert d.outcome == "pending"
    assert [_said(a) for a in _roles_question(d).answers] == [
        ([], "pending", None, ["participant.executive_officer"]),
        ([CEO, CFO, PAO, EXEC, S16], "recovery", "84000.00", None),
        (NONE, "pending", None, ["participant.executive_officer"])]


# Shipped examples whose roles-unknown answer was pending on participant.roles[0].role
# (/tmp/r14/selfname.py's 35), a few of each kind: a paid bonus, a pending finding, Section
# 304 with stock sales, California with Rule 10D-1.
LIFTED = ["05-filing-window-expired.yaml", "10-pending-committee-findings.yaml",
          "revisions/07-sox304-ceo-window-and-stock-sales.yaml",
          "revisions/12-california-cfo-10d1-and-sox.yaml"]


@pytest.mark.parametrize("name", LIFTED)
def test_no_answer_to_the_unknown_roles_is_pending_on_them(qualys_revised, name):
    """Every answer says where it leads: none is pending on the list or on a fact of its
    item (the role the answer gives), and each, applied to the case, leads there."""
    data = _unknown_roles(name)
    d = evaluate(qualys_revised, read_case_data(data))
    question = _roles_question(d)
    assert "any other" not in [a.if_ for a in question.answers]
    for answer in question.answers:
        assert not [f for f in answer.pending_on or () if f.startswith("participant.roles")], \
            answer
    assert _keeps_their_promise(qualys_revised, data, question) > len(question.answers)


def _keeps_their_promise(policy, data: dict, question) -> int:
    """Each answer, each list it stands for put in the case's place (tests/test_exact.py's
    oracle, here also where the determination notes an award past the search's bound: the
    list's answers are searched whatever the award's), leads where it says: the outcome, the
    total, and where pending a fact it names asked. How many were applied."""
    applied = 0
    for answer in question.answers:
        for value in _values(answer.if_, question.fact, data):
            got = evaluate(policy, read_case_data(_set(data, question.fact, value)))
            applied += 1
            assert got.outcome == answer.outcome, (answer.if_, value)
            if answer.recoverable is not None:
                assert got.total_recoverable == answer.recoverable, (answer.if_, value)
            # Pending on facts the case with the answer given asks (the answer names the
            # facts its pending awards still read, as every answer past the search's bound
            # does: some, not always all, of them asked once the answer is given).
            asked = {q.fact for q in got.open_questions}
            assert not answer.pending_on or asked & set(answer.pending_on), (answer.if_, asked)
    return applied


def test_a_blank_item_has_the_fields_of_its_own_record_type():
    """Two vocabularies in one process may declare a record of one name with other fields:
    each one's blank item records nothing of its own fields (it was kept by name alone)."""
    from clawpolicy.core import types as t
    from clawpolicy.evaluate.items import _blank

    small = t.Record("role", {"role": None})
    large = t.Record("role", {"role": None, "level": None})
    assert _blank(small) is _blank(t.Record("role", {"role": None}))
    assert _blank(large).level is None and not hasattr(_blank(small), "level")
