"""A list of records left unknown (`participant.roles: null`, `positions: null`): an answer
that the list holds items is never pending on the list it answers, and where no answer can
change the determination (no award, nothing else recoverable) the case is not pending at
all (the exactness rule: pending only if an answer would change it)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from clawpolicy.api import evaluate, read_case_data

ROOT = Path(__file__).resolve().parent.parent

NO_AWARDS: dict[str, Any] = {
    "case_id": "t1", "as_of": "2024-08-15",
    "company": {"name": "X", "fiscal_year_end": "12-31"},
    "participant": {"id": "p", "name": "A", "section16_officer": None,
                    "executive_officer": None, "positions": None, "roles": None},
    "statements": [], "restatement": None, "awards": [],
    "findings": {"misconduct": None, "caused_restatement": None, "should_repay": None,
                 "impracticable": None, "recovery_cost": None},
    "law": {"recovery_prohibited": False, "prohibited_remedies": []},
    "facts": {},
}


def _with_roles(data: dict, roles: Any) -> Any:
    changed = copy.deepcopy(data)
    changed["participant"]["roles"] = roles
    return read_case_data(changed)


def test_with_no_award_the_unknown_roles_leave_nothing_pending(qualys_revised):
    """With no award nothing is recoverable whatever roles the participant holds: every
    admissible answer (none, a CEO, any other role) leads to the same determination, so the
    case is decided as they are, and the roles are not asked."""
    answered = {str(roles): evaluate(qualys_revised, _with_roles(NO_AWARDS, roles)).outcome
                for roles in ([], [{"role": "chief_executive_officer"}], [{"role": "none"}],
                              [{"role": "executive_officer"}])}
    assert set(answered.values()) == {"not_covered"}, answered
    determination = evaluate(qualys_revised, _with_roles(NO_AWARDS, None))
    assert determination.outcome == "not_covered"
    assert determination.open_questions == []


def _unknown_title_without_positions() -> dict:
    """Revised example 21 (Section 304 decides everything: the 2019 rules find no fault) with
    the participant's positions, and so the roles, left unknown."""
    path = ROOT / "examples" / "cases" / "revisions" / "21-sox304-unknown-title.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("expect", None)
    data["participant"]["positions"] = None
    return data


def test_with_awards_a_list_of_roles_is_answered_role_by_role_never_pending_on_them(
        qualys_revised):
    data = _unknown_title_without_positions()
    determination = evaluate(qualys_revised, read_case_data(data))
    assert determination.outcome == "pending"
    [question] = [q for q in determination.open_questions if q.fact == "participant.roles"]
    none, *lifted = question.answers
    assert (none.if_, none.outcome, none.pending_on) == ([], "no_recovery", None)
    # The list holding items: one record of each role, read from where a case with one role
    # whose kind is not known (example 21's unknown title) leads and what it asks of that
    # role; never an "any other" pending on the role it answers (main at 80d0476).
    one = copy.deepcopy(data)
    one["participant"]["positions"] = ["Executive Chair"]
    one_role = evaluate(qualys_revised, read_case_data(one))
    assert one_role.outcome == "pending"
    [asked] = one_role.open_questions
    assert asked.fact == "participant.roles[0].role"
    assert [(a.if_, a.outcome, a.recoverable, a.pending_on) for a in lifted] == [
        ([[{"role": w}] for w in a.if_] if isinstance(a.if_, list) else [{"role": a.if_}],
         a.outcome, a.recoverable, a.pending_on) for a in asked.answers]
    assert [a.outcome for a in lifted] == ["recovery", "no_recovery"]
    # and the answer none keeps its promise
    assert evaluate(qualys_revised, _with_roles(data, [])).outcome == "no_recovery"
