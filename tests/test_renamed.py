"""`replace condition X as Y`: a revision's replacing condition under a name of its own, with
the replaced id X as the handle that links the two (docs/revisions.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clawpolicy.api import PolicyError, compile_policy, evaluate, read_case
from clawpolicy.core.source import SourceFile
from clawpolicy.revise import rules as rs
from clawpolicy.syntax.lower import lower
from clawpolicy.syntax.parse import parse
from clawpolicy.syntax.printer import format_module
from tests.conftest import POLICIES, ROOT
from tests.test_errors import POLICY

# The catalogue's example policy (docs/errors.md), with two conditions to replace.
BASE = POLICY + '''
condition fault
  clause "Condition (4)"
  quote "the Compensation Committee determines"
  requires findings.should_repay
end

condition lawful
  clause "Recovery"
  quote "to the extent permitted by law"
  requires not law.recovery_prohibited
end
'''


def revision(name: str, applies: str, target: str, new: str) -> str:
    return f'''
revision {name}
  clause "Rule"
  quote "executive officer"
  applies to {applies}
  replace condition {target} as {new}
    clause "Rule (b)"
    quote "recover reasonably promptly"
    requires restatement is present
  end
end
'''


def compiled(tmp_path: Path, text: str):
    path = tmp_path / "policy.claw"
    path.write_text(text, encoding="utf-8")
    return compile_policy(path)


def codes(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    with pytest.raises(PolicyError) as raised:
        compiled(tmp_path, text)
    return [(d.code, d.span.text) for d in raised.value.diagnostics]


def test_the_replacing_condition_takes_the_place_of_the_one_it_replaces(tmp_path):
    policy = compiled(tmp_path, BASE + revision("officers", "participant.executive_officer",
                                                "fault", "prompt_recovery"))
    change = policy.revisions[0].changes[0]
    assert (change.target, change.rule.name, change.renamed) == ("fault", "prompt_recovery", True)
    entries = rs.compose(policy, policy.revisions).of("condition")
    assert [(e.rule.name, e.handle, e.replaces, e.source) for e in entries] == [
        ("prompt_recovery", "fault", "fault", "officers"), ("lawful", "lawful", None, "policy")]


def test_the_printer_writes_the_handle_and_the_name_back(tmp_path):
    text = BASE + revision("officers", "participant.executive_officer", "fault", "prompt_recovery")
    source = SourceFile("p.claw", text)
    printed = format_module(lower(parse(source), source), source)
    assert "  replace condition fault as prompt_recovery\n" in printed
    again = SourceFile("p.claw", printed)
    assert lower(parse(again), again) == lower(parse(source), source)


@pytest.mark.parametrize("new", ["lawful", "excess", "officers"])
def test_a_name_another_rule_or_revision_has_is_refused_where_it_stands(tmp_path, new):
    found = codes(tmp_path, BASE + revision("officers", "participant.executive_officer",
                                            "fault", new))
    assert found == [("CP0230", new)]


def test_two_revisions_may_not_give_two_conditions_one_name(tmp_path):
    text = BASE + revision("officers", "participant.executive_officer", "fault", "same") + \
        revision("chiefs", 'participant.work_location = "US-CA"', "lawful", "same")
    assert codes(tmp_path, text) == [("CP0230", "same")]


def test_a_reserved_name_is_refused(tmp_path):
    found = codes(tmp_path, BASE + revision("officers", "participant.executive_officer",
                                            "fault", "award"))
    assert found == [("CP0209", "award")]


def test_a_ceo_found_blameless_never_reads_the_committees_fault_test_as_met():
    """Section 304's misconduct test (anyone's) is not the 2019 Committee finding of the
    participant's own fault: it is shown under its own name, linked to the one it replaces."""
    case = ROOT / "examples" / "cases" / "revisions" / "07-sox304-ceo-window-and-stock-sales.yaml"
    determination = evaluate(compile_policy(POLICIES / "qualys.claw"), read_case(case))
    award = next(a for a in determination.awards if a.id == "bonus-fy2021")
    assert award.revisions == ["sox_304"]
    shown = {c.id: c for c in award.conditions}
    assert "committee_finds_fault_and_repayment_due" not in shown
    misconduct = shown["restatement_due_to_misconduct"]
    assert (misconduct.status, misconduct.source, misconduct.replaces) == (
        "met", "sox_304", "committee_finds_fault_and_repayment_due")
    # The 12-month window is a met condition, with the dates that make it so.
    window = shown["received_within_12_month_window"]
    assert (window.status, window.replaces) == ("met", "within_three_years_of_filing")
    for words in ("FY2021: first public issuance (2022-02-09)",
                  "bonus-fy2021: received (2022-02-25)", "+ 12 months = 2023-02-09"):
        assert words in window.because
    # A condition no revision renamed carries no `replaces`.
    assert shown["permitted_by_law"].replaces is None
    assert "replaces" not in shown["permitted_by_law"].model_dump()
