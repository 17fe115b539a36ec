"""`clawpolicy diff OLD NEW [CASES]`: the impact of a change of policy, case by case, with the
rule changes that cause it; held to what a reader of examples/cases/revisions/EXPECTED.md
derives by hand."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from clawpolicy.api import read_case
from clawpolicy.cli import app
from clawpolicy.tools import impact, impactreport
from tests.conftest import EXAMPLE_CASES, QUALYS, QUALYS_2019, REVISION_CASES, ROOT

# From examples/cases/revisions/EXPECTED.md: each revision example whose determination under
# policies/qualys.claw differs from what policies/qualys-2019.claw alone gives ("2019 alone"
# in its row, or the 2019 reading of ../EXPECTED.md on its facts), and the revision
# responsible. The rest (06, 08, 13, 15, 19, 22) come out the same under both: 06 and 08
# recover nothing either way, 13 is outside every sub-set, 15's revision ties with the 2019
# rules, 19's award is not reached, 22's exception holds where 2019 finds no fault.
EXPECTED = {
    "01-10d1-no-fault-recovery": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "02-10d1-little-r": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "03-10d1-lookback-received-too-early": ("no_recovery", "recovery",
                                            ["rule_10d1 now applies"]),
    "04-10d1-received-before-nasdaq-date": ("no_recovery", "recovery",
                                            ["rule_10d1 now applies"]),
    "05-10d1-impracticable-home-country-law": ("no_recovery", "pending",
                                               ["rule_10d1 now applies"]),
    "07-sox304-ceo-window-and-stock-sales": ("no_recovery", "recovery",
                                             ["sox_304 now applies"]),
    "09-sox304-time-based-equity": ("not_covered", "recovery", ["sox_304 now applies"]),
    "10-california-partly-paid": ("recovery", "recovery", ["california_wage_law now applies"]),
    "11-california-fully-paid": ("recovery", "no_recovery",
                                 ["california_wage_law now applies"]),
    "12-california-cfo-10d1-and-sox": ("no_recovery", "recovery", ["sox_304 now applies"]),
    "14-pending-executive-officer-unknown": ("no_recovery", "pending", ["rule_10d1 may apply"]),
    "16-cfo-10d1-and-sox-no-misconduct": ("no_recovery", "recovery",
                                          ["rule_10d1 now applies", "sox_304 now applies"]),
    "17-sox304-rsu-work-location-unknown": ("not_covered", "no_recovery",
                                            ["sox_304 now applies"]),
    "18-10d1-amount-paid-unknown": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "20-sox304-title-spelled-out": ("no_recovery", "recovery", ["sox_304 now applies"]),
    "21-sox304-unknown-title": ("no_recovery", "pending", ["sox_304 may apply"]),
    "23-10d1-cost-label-contradicted": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "24-10d1-tax-qualified-plan": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "25-attained-and-paid-both-read": ("no_recovery", "recovery", ["sox_304 now applies"]),
    # Issue 12's examples: 26 and 27 recover under 10D-1 what the 2019 rules, finding no
    # fault, do not; 28 recovers nothing either way (misconduct is not among its causes).
    "26-10d1-recovered-in-part": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "27-10d1-former-executive-officer": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    # The look-back over a fiscal calendar with its changes (29: a transition period; 30:
    # 52/53-week years): no fault found, so only 10D-1 recovers.
    "29-10d1-transition-period": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "30-10d1-52-53-week-years": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    # The cost exception on share awards at their share price (one contradicted, one pending).
    "31-10d1-cost-share-awards": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "32-10d1-impracticable-per-award": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    # Rule 10D-1 read from roles: a principal accounting officer whose flag says false, and a
    # CEO by title with no flag.
    "33-10d1-role-without-flag": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    "34-10d1-ceo-by-title": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    # Section 304 reads the CFO role's dates: only the FY2018 window, when she was CFO.
    "35-sox304-former-cfo": ("no_recovery", "recovery", ["sox_304 now applies"]),
    # The Rule's remedies do not yield to `law.prohibited_remedies`.
    "36-10d1-prohibited-remedies": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    # An officer subject to Section 16 is Rule 10D-1's executive officer (Rule 16a-1(f)).
    "37-10d1-section16-officer-role": ("no_recovery", "recovery", ["rule_10d1 now applies"]),
    # Rule 10D-1(d): incentive-based by the measures, not the kind; the 2019 scope reads kind.
    "38-10d1-bonus-kind-other": ("not_covered", "recovery", ["rule_10d1 now applies"]),
    # Section 304 is not held back by the 2019 "to the extent permitted by law".
    "39-sox304-law-prohibits-recovery": ("no_recovery", "recovery", ["sox_304 now applies"]),
    # California: only the part recorded as not delivered is cancelled (400 -> 200 shares).
    "40-california-unvested-recorded-delivered": ("recovery", "recovery",
                                                  ["california_wage_law now applies"]),
    # The day the bonus was received (and so attained) unknown: pending under the revisions
    # (84000 USD under rule_10d1, 480000 USD under sox_304, or nothing, by the day). Both
    # apply to the CFO; which reaches the award turns on the answer (the determination's
    # `revisions_open`), and the report names both as revisions that may reach it (it named
    # none: "no rule change either determination cites").
    "41-attained-follows-received": ("no_recovery", "pending",
                                     ["rule_10d1 may reach an award",
                                      "sox_304 may reach an award"]),
}


def _compare(old, new, paths):
    return impact.compare(old, new, [(str(p), lambda p=p: read_case(p)) for p in paths])


def test_the_revisions_change_exactly_the_cases_a_reader_expects(qualys_2019, qualys_revised):
    result = _compare(qualys_2019, qualys_revised, REVISION_CASES)
    found = {c.source.rsplit("/", 1)[-1].removesuffix(".yaml"):
             (c.before.outcome, c.after.outcome,
              [f"{x.id} {x.why}" for x in c.causes if x.kind == "revision"])
             for c in result.cases}
    assert found == EXPECTED
    assert result.examined == len(REVISION_CASES) and not result.errors
    # Each change is put down to a revision alone: the 2019 rules are the same in both.
    assert all(x.kind == "revision" for c in result.cases for x in c.causes)


def test_amounts_before_and_after_are_the_determinations(qualys_2019, qualys_revised):
    (change,) = _compare(qualys_2019, qualys_revised,
                         [p for p in REVISION_CASES if p.stem.startswith("10-")]).cases
    assert change.before.total_recoverable == {"amount": "180000.00", "unit": "USD"}
    assert change.after.total_recoverable == {"amount": "100000.00", "unit": "USD"}
    assert change.kind == "amount"
    assert change.after.awards["ltip-cash-2021"] == (
        "recovery", {"amount": "100000.00", "unit": "USD"})


def test_a_policy_against_itself_changes_nothing(qualys_2019):
    result = _compare(qualys_2019, qualys_2019, EXAMPLE_CASES)
    assert result.rules == [] and result.cases == [] and not result.changed
    assert result.summary()["unchanged"] == len(EXAMPLE_CASES)


def test_the_rules_that_differ_with_their_citations(qualys_2019, qualys_revised):
    changes = impact.rule_changes(qualys_2019, qualys_revised)
    revisions = [(c.change, c.id, c.clause) for c in changes if c.kind == "revision"]
    assert revisions == [
        ("added", "rule_10d1", "Rule 10D-1(b)(1); Nasdaq Listing Rule 5608(b)(1)"),
        ("added", "sox_304", "Sarbanes-Oxley Act of 2002, Section 304(a)"),
        ("added", "california_wage_law", "California Labor Code Section 221")]
    # The definitions the revision files add; no rule of the 2019 text changes.
    assert {c.change for c in changes} == {"added"}
    assert {c.kind for c in changes} == {"revision", "definition"}
    assert [c.id for c in impact.rule_changes(qualys_revised, qualys_2019)
            if c.kind == "revision"] == ["rule_10d1", "sox_304", "california_wage_law"]


def test_a_changed_rule_is_the_cause_where_a_determination_cites_it(tmp_path):
    from clawpolicy.api import compile_policy

    text = QUALYS_2019.read_text(encoding="utf-8")
    (tmp_path / "sources").mkdir()
    for source in (ROOT / "policies" / "sources").iterdir():
        (tmp_path / "sources" / source.name).write_bytes(source.read_bytes())
    old, new = tmp_path / "old.claw", tmp_path / "new.claw"
    old.write_text(text, encoding="utf-8")
    # Three years become two: condition (3) is changed.
    assert text.count("+ 3 years") == 1
    new.write_text(text.replace("+ 3 years", "+ 2 years"), encoding="utf-8")
    result = _compare(compile_policy(old), compile_policy(new), EXAMPLE_CASES)
    assert [(c.change, c.kind) for c in result.rules] == [("changed", "condition")]
    assert result.cases, "some recovery falls outside two years"
    for case in result.cases:
        assert [(x.why, x.kind) for x in case.causes] == [("changed", "condition")]
        assert case.before.outcome == "recovery" and case.after.outcome == "no_recovery"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_revision_that_applies_and_may_reach_an_award_is_named_with_the_facts(
        qualys_2019, qualys_revised):
    """Example 41: both revisions take the CFO in; whether each reaches his bonus turns on
    the day it was received. The cause names the award and that fact, in the text and in
    JSON; a revision whose sub-set is in doubt (14) is still one that "may apply"."""
    cases = [p for p in REVISION_CASES if p.stem.startswith(("14-", "41-"))]
    result = _compare(qualys_2019, qualys_revised, cases)
    causes = {c.case_id: [(x.why, x.id, x.award, x.on) for x in c.causes]
              for c in result.cases}
    assert causes == {
        "pending-executive-officer-unknown": [("may apply", "rule_10d1", None, ())],
        "attained-follows-received": [
            ("may reach an award", "rule_10d1", "bonus-fy2023", ("awards[0].received",)),
            ("may reach an award", "sox_304", "bonus-fy2023", ("awards[0].received",))]}
    text = impactreport.render_text(result, with_cases=True)
    assert "  because: revision rule_10d1 may reach award bonus-fy2023, on awards[0].received " \
        "(Rule 10D-1(b)(1); Nasdaq Listing Rule 5608(b)(1))\n" in text
    assert "no rule change either determination cites" not in text
    assert "by cause: revision rule_10d1 may apply: 1; revision rule_10d1 may reach an " \
        "award: 1; revision sox_304 may reach an award: 1\n" in text
    data = json.loads(impactreport.render_json(result))
    assert data["cases"][0]["causes"] == [
        {"why": "may apply", "kind": "revision", "id": "rule_10d1",
         "clause": "Rule 10D-1(b)(1); Nasdaq Listing Rule 5608(b)(1)"}]
    assert data["cases"][1]["causes"][1] == {
        "why": "may reach an award", "kind": "revision", "id": "sox_304",
        "clause": "Sarbanes-Oxley Act of 2002, Section 304(a)", "award": "bonus-fy2023",
        "on": ["awards[0].received"]}


def test_diff_on_the_command_line_text_and_json(tmp_path):
    folder = ROOT / "examples" / "cases" / "revisions"
    text = run("diff", QUALYS_2019, QUALYS, folder)
    assert text.exit_code == 1
    assert "Summary: 34 of 41 cases change" in text.stdout
    assert "  because: revision california_wage_law now applies (California Labor Code " \
        "Section 221)" in text.stdout
    data = json.loads(run("diff", QUALYS_2019, QUALYS, folder, "-f", "json").stdout)
    assert data["summary"]["changed"] == 34 and data["summary"]["unchanged"] == 7
    assert data["summary"]["by_kind"] == {"outcome": 32, "amount": 2}  # 26-39, 41: outcomes
    assert sum(data["summary"]["by_outcome"].values()) == 34
    assert data["cases"][0]["causes"][0] == {
        "why": "now applies", "kind": "revision", "id": "rule_10d1",
        "clause": "Rule 10D-1(b)(1); Nasdaq Listing Rule 5608(b)(1)"}
    same = run("diff", QUALYS_2019, QUALYS_2019, EXAMPLE_CASES[0])
    assert same.exit_code == 0 and "Summary: 0 of 1 cases change" in same.stdout


def test_diff_reads_json_lines_and_reports_a_bad_case_in_its_place(tmp_path):
    from clawpolicy.input.reader import read_file

    lines = tmp_path / "cases.jsonl"
    good = [json.dumps(read_file(p), default=str) for p in REVISION_CASES[:2]]
    lines.write_text("\n".join([good[0], '{"case_id": "x"}', good[1]]) + "\n",
                     encoding="utf-8")
    result = run("diff", QUALYS_2019, QUALYS, lines, "-f", "json")
    assert result.exit_code == 4
    data = json.loads(result.stdout)
    assert [c["source"] for c in data["cases"]] == [f"{lines}:1", f"{lines}:3"]
    assert [e["source"] for e in data["errors"]] == [f"{lines}:2"]
    assert data["errors"][0]["errors"][0]["code"] == "CP0407"


def test_diff_with_no_cases_lists_the_rules(tmp_path):
    result = run("diff", QUALYS_2019, QUALYS)
    assert result.exit_code == 1
    # Twenty-five definitions of the revisions (received_in_sox_window, the service dates,
    # resulted_from_misconduct, the look-back's two ends, a share award's recoverable
    # amount in dollars, the seven that read the findings made award by award,
    # holds_executive_officer_role and the two named sets of roles among them) and three
    # revisions.
    assert "Rules that differ: 28" in result.stdout
    assert "  added    revision sox_304 (Sarbanes-Oxley Act of 2002, Section 304(a))" \
        in result.stdout
    assert "Summary" not in result.stdout
    assert run("diff", QUALYS, QUALYS).exit_code == 0


def test_diff_of_the_shipped_examples_is_reviewed(qualys_2019, qualys_revised, text_snapshot):
    # Every example, both folders: the 2019 examples were written for the 2019 policy, so
    # where a revision reaches their participants, this is what changes (reviewed here).
    result = _compare(qualys_2019, qualys_revised, EXAMPLE_CASES + REVISION_CASES)
    rendered = impactreport.render_text(result, with_cases=True)
    assert rendered.replace(str(ROOT) + "/", "") == text_snapshot


def test_the_reverse_diff_of_the_shipped_examples_is_reviewed(qualys_2019, qualys_revised,
                                                              text_snapshot):
    # The revised policy against the 2019 one: what a drafter who took the revisions out
    # would read. Where the revised determination is the pending one (14, 21, 41 and the 2019
    # examples that "may apply" forwards), the revision it was pending on is named from the
    # old side; it said "no rule change either determination cites".
    result = _compare(qualys_revised, qualys_2019, EXAMPLE_CASES + REVISION_CASES)
    rendered = impactreport.render_text(result, with_cases=True)
    assert rendered.replace(str(ROOT) + "/", "") == text_snapshot


# A cause read from the other side of the diff: what one determination applies or is
# pending on, the other no longer does (a rule's change read backwards is the opposite one).
MIRROR = {"now applies": "no longer applies", "may apply": "no longer may apply",
          "may reach an award": "no longer may reach an award", "added": "removed"}
MIRROR |= {after: before for before, after in MIRROR.items()} | {"changed": "changed"}


def test_the_reverse_diff_names_each_cause_of_the_diff_from_the_other_side(
        qualys_2019, qualys_revised):
    """The same cases change both ways, each with its sides swapped and its causes mirrored:
    no cause is read from one side only."""
    paths = EXAMPLE_CASES + REVISION_CASES
    forward = {c.source: c for c in _compare(qualys_2019, qualys_revised, paths).cases}
    backward = {c.source: c for c in _compare(qualys_revised, qualys_2019, paths).cases}
    assert forward.keys() == backward.keys() and len(forward) == 52

    def said(causes, why=lambda why: why):
        return sorted((why(x.why), x.kind, x.id, x.award, x.on) for x in causes)

    for source, change in forward.items():
        back = backward[source]
        assert (back.before, back.after, back.kind) == (change.after, change.before,
                                                        change.kind), source
        assert said(back.causes) == said(change.causes, MIRROR.__getitem__), source
        assert back.causes, source


def test_a_revision_the_old_determination_was_pending_on_is_named_backwards(
        qualys_2019, qualys_revised):
    """Examples 14, 21 and 41 read backwards: pending under the revised policy, no_recovery
    under the 2019 one. The revision whose sub-set was in doubt "no longer may apply"; those
    whose reach of the bonus turned on the day it was received "no longer may reach" it, with
    the award and the fact, in the text, the JSON and the summary's counts."""
    cases = [p for p in REVISION_CASES if p.stem.startswith(("14-", "21-", "41-"))]
    result = _compare(qualys_revised, qualys_2019, cases)
    causes = {c.case_id: [(x.why, x.id, x.award, x.on) for x in c.causes]
              for c in result.cases}
    assert causes == {
        "pending-executive-officer-unknown": [("no longer may apply", "rule_10d1", None, ())],
        "sox304-unknown-title": [("no longer may apply", "sox_304", None, ())],
        "attained-follows-received": [
            ("no longer may reach an award", "rule_10d1", "bonus-fy2023",
             ("awards[0].received",)),
            ("no longer may reach an award", "sox_304", "bonus-fy2023",
             ("awards[0].received",))]}
    assert [(c.before.outcome, c.after.outcome) for c in result.cases] == [
        ("pending", "no_recovery")] * 3
    text = impactreport.render_text(result, with_cases=True)
    assert "  because: revision rule_10d1 no longer may apply (Rule 10D-1(b)(1); Nasdaq " \
        "Listing Rule 5608(b)(1))\n" in text
    assert "  because: revision sox_304 no longer may reach award bonus-fy2023, on " \
        "awards[0].received (Sarbanes-Oxley Act of 2002, Section 304(a))\n" in text
    assert "no rule change either determination cites" not in text
    assert "  by cause: revision rule_10d1 no longer may apply: 1; revision sox_304 no longer " \
        "may apply: 1; revision rule_10d1 no longer may reach an award: 1; revision sox_304 " \
        "no longer may reach an award: 1\n" in text
    data = json.loads(impactreport.render_json(result))
    assert data["cases"][2]["causes"][0] == {
        "why": "no longer may reach an award", "kind": "revision", "id": "rule_10d1",
        "clause": "Rule 10D-1(b)(1); Nasdaq Listing Rule 5608(b)(1)", "award": "bonus-fy2023",
        "on": ["awards[0].received"]}
    # The JSON forwards, each cause's `why` read from the other side, in the same order.
    forward = json.loads(impactreport.render_json(_compare(qualys_2019, qualys_revised, cases)))
    assert [c["causes"] for c in data["cases"]] == [
        [x | {"why": MIRROR[x["why"]]} for x in c["causes"]] for c in forward["cases"]]
    assert data["summary"]["by_cause"] == {
        "revision rule_10d1 no longer may apply": 1, "revision sox_304 no longer may apply": 1,
        "revision rule_10d1 no longer may reach an award": 1,
        "revision sox_304 no longer may reach an award": 1}


def _revised_copy(tmp_path, file, old, new):
    """policies/qualys.claw and what it includes, copied, with `old` replaced by `new` once
    in the revision file `file`."""
    import shutil

    from clawpolicy.api import compile_policy

    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    path = tmp_path / "policies" / "revisions" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return compile_policy(tmp_path / "policies" / "qualys.claw")


def test_a_changed_revision_the_old_determination_was_pending_on_is_named(
        qualys_revised, tmp_path):
    """Section 304 narrowed to the CEO: example 41's CFO is no longer in its sub-set, so the
    bonus, pending on whether each revision reaches it, is now pending on Rule 10D-1's
    alone (up to 84,000 USD, not 480,000). The changed revision the old determination was
    pending on is the cause; Rule 10D-1, unchanged, is none, and the award still pending on
    it does not make it one that "no longer may reach" it. Backwards, sox_304 may reach it."""
    narrowed = _revised_copy(
        tmp_path, "sox-304.claw",
        "applies to any(r in participant.roles satisfies r.role in sox_officer_roles)",
        "applies to any(r in participant.roles satisfies r.role = chief_executive_officer)")
    case = [p for p in REVISION_CASES if p.stem.startswith("41-")]
    (change,) = _compare(qualys_revised, narrowed, case).cases
    assert [(r.change, r.id) for r in impact.rule_changes(qualys_revised, narrowed)] == [
        ("changed", "sox_304")]
    assert change.after.awards["bonus-fy2023"] == (
        "pending", {"min": {"amount": "0.00", "unit": "USD"},
                    "max": {"amount": "84000.00", "unit": "USD"}})
    assert [(x.why, x.id, x.award, x.on) for x in change.causes] == [
        ("no longer may reach an award", "sox_304", "bonus-fy2023", ("awards[0].received",))]
    (back,) = _compare(narrowed, qualys_revised, case).cases
    assert [(x.why, x.id, x.award) for x in back.causes] == [
        ("may reach an award", "sox_304", "bonus-fy2023")]


def test_a_revision_whose_amounts_are_no_longer_recoverable_is_named_backwards(
        qualys_2019, qualys_revised, tmp_path):
    """Example 07 without its FY2021 bonus: Section 304 reaches only the CEO's stock-sale
    profits (2,165,000 USD of `other_recoverable`), the FY2022 bonus being outside the window.
    Forwards sox_304 now applies; backwards it no longer does (it said "no rule change either
    determination cites": only the amounts a revision newly adds were read)."""
    data = yaml.safe_load((ROOT / "examples" / "cases" / "revisions"
                           / "07-sox304-ceo-window-and-stock-sales.yaml")
                          .read_text(encoding="utf-8"))
    data.pop("expect", None)
    data["awards"] = [a for a in data["awards"] if a["id"] == "bonus-fy2022"]
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    (forward,) = _compare(qualys_2019, qualys_revised, [path]).cases
    (backward,) = _compare(qualys_revised, qualys_2019, [path]).cases
    assert (forward.before.outcome, forward.after.outcome) == ("no_recovery", "recovery")
    assert forward.after.total_recoverable == {"amount": "2165000.00", "unit": "USD"}
    assert [(x.why, x.id) for x in forward.causes] == [("now applies", "sox_304")]
    assert [(x.why, x.id) for x in backward.causes] == [("no longer applies", "sox_304")]


def test_a_changed_revision_that_no_longer_reaches_an_award_is_changed_both_ways(
        qualys_revised, tmp_path):
    """Section 304's reach narrowed to what was received after 2022-03-01: example 07's
    FY2021 bonus (received 2022-02-25) is left to the 2019 rules (no fault: no_recovery),
    while the revision still applies to the CEO (his stock-sale profits). The revision was
    changed, both ways; forwards it said "no longer applies", backwards "changed"."""
    narrowed = _revised_copy(tmp_path, "sox-304.claw", "reaches received_in_sox_window\n",
                             "reaches received_in_sox_window and award.received > 2022-03-01\n")
    case = [p for p in REVISION_CASES if p.stem.startswith("07-")]
    (forward,) = _compare(qualys_revised, narrowed, case).cases
    (backward,) = _compare(narrowed, qualys_revised, case).cases
    assert forward.after.awards["bonus-fy2021"] == ("no_recovery",
                                                    {"amount": "0.00", "unit": "USD"})
    assert forward.after.total_recoverable == {"amount": "2165000.00", "unit": "USD"}
    assert [(x.why, x.id) for x in forward.causes] == [("changed", "sox_304")]
    assert [(x.why, x.id) for x in backward.causes] == [("changed", "sox_304")]


@pytest.mark.parametrize("missing", ["nothing-here.yaml", "nothing-here"])
def test_diff_refuses_a_case_path_that_does_not_exist(missing, tmp_path):
    result = run("diff", QUALYS_2019, QUALYS, tmp_path / missing)
    assert result.exit_code == 2


def test_a_case_id_with_control_characters_cannot_forge_a_line_of_the_diff(tmp_path):
    # The case's own text is shown with its control characters as escapes (core.source
    # visible), as the memo and the report show it: no case can print "Summary: ..." itself.
    data = yaml.safe_load((ROOT / "examples" / "cases" / "revisions"
                           / "01-10d1-no-fault-recovery.yaml").read_text(encoding="utf-8"))
    data.pop("expect", None)
    data["case_id"] = "c\nSummary: 0 of 1 cases change\x1b[2J"
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    text = run("diff", QUALYS_2019, QUALYS, path).stdout
    assert "(case c\\nSummary: 0 of 1 cases change\\x1b[2J)" in text
    assert not [line for line in text.splitlines() if line.startswith("Summary: 0")]
    assert "\x1b" not in text


def test_an_award_id_with_control_characters_cannot_forge_a_line_of_the_diff(tmp_path):
    # Example 41's award, named so as to print a line of its own where a cause names it.
    data = yaml.safe_load((ROOT / "examples" / "cases" / "revisions"
                           / "41-attained-follows-received.yaml").read_text(encoding="utf-8"))
    data.pop("expect", None)
    data["awards"][0]["id"] = "b\nSummary: 0 of 1 cases change\x1b[2J"
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    text = run("diff", QUALYS_2019, QUALYS, path).stdout
    assert "may reach award b\\nSummary: 0 of 1 cases change\\x1b[2J, on awards[0].received" \
        in text
    assert not [line for line in text.splitlines() if line.startswith("Summary: 0")]
    assert "\x1b" not in text
