"""The memo's recovery arithmetic says what the policy's rule computed: it heads the amount
with the policy's own term for it (its `label`, or its name and clause) and lists only the
award's recorded amounts the rule read. Sarbanes-Oxley 304 recovers all that was received, so
its memo must not call the amount an excess over a restated amount it never read."""

from __future__ import annotations

import pytest

from clawpolicy.api import compile_policy, evaluate, read_case
from clawpolicy.render import layout
from clawpolicy.render import memo as memos
from clawpolicy.tools.fmt import format_file
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, REVISION_CASES


def _steps(policy, case_path) -> dict[str, list[str]]:
    """Each award with recovery or pending: the first column of its arithmetic."""
    m = memos.build(evaluate(policy, read_case(case_path)))
    return {part.id: [row[0] for row in part.arithmetic.rows] for part in m.awards}


def _case(cases, stem):
    return next(c for c in cases if c.stem.startswith(stem))


def test_sox_304_amount_is_what_was_received_not_an_excess(qualys_revised):
    steps = _steps(qualys_revised, _case(REVISION_CASES, "07-"))["bonus-fy2021"]
    assert steps[:4] == ["Awarded", "Paid",
                         "Compensation received in the 12-month period (Section 304(a)(1))",
                         "Unpaid"]
    assert "As restated" not in steps
    assert not any("Excess" in s or "Recoverable Compensation" in s for s in steps)


def test_rule_10d1_amount_is_headed_by_the_rule_term_with_what_it_read(qualys_revised):
    steps = _steps(qualys_revised, _case(REVISION_CASES, "01-"))
    (steps,) = steps.values()
    assert steps[:5] == ["Awarded", "As restated",
                         "Erroneously awarded compensation (Rule 10D-1(b)(1)(iii))", "Paid",
                         "Unpaid"]


def test_qualys_2019_amount_keeps_its_defined_term(qualys_2019):
    steps = _steps(qualys_2019, _case(EXAMPLE_CASES, "01-"))["bonus-fy2021"]
    assert steps[:5] == ["Awarded", "As restated", "Recoverable Compensation", "Paid", "Unpaid"]


@pytest.mark.parametrize("company,stem,term", [
    ("northrop-grumman-2010", "01-",
     "The payment received, or the amount or portion set (Reimbursement)"),
    ("icf-2023", "01-", "Recoverable amount")])
def test_other_companies_use_their_own_terms(company, stem, term):
    policy_path, case_path = next((p, c) for p, c in COMPANY_CASES
                                  if p.stem == company and c.stem.startswith(stem))
    (steps,) = _steps(compile_policy(policy_path), case_path).values()
    assert term in steps
    assert not any("Recoverable Compensation" in s for s in steps)
    # Northrop's amount is the whole payment: the restated amount is not part of it.
    assert ("As restated" in steps) == (company == "icf-2023")


def test_a_pending_award_is_headed_by_the_rule_in_force(qualys_2019):
    steps = _steps(qualys_2019, _case(EXAMPLE_CASES, "11-"))["bonus-fy2023"]
    assert "Recoverable Compensation" in steps and "As restated" in steps


def test_the_profits_of_stock_sales_are_named_in_the_total(qualys_revised):
    text = layout.text(evaluate(qualys_revised, read_case(_case(REVISION_CASES, "07-"))))
    assert ("Outcome: RECOVERY, 2,815,000.00 USD recoverable (650,000.00 USD from the awards "
            "and 2,165,000.00 USD from the other amounts below)") in text


LABELLED = '''policy "Label example"
  effective 2019-02-08
end

recoverable excess
  clause "Recovery: the excess"
  quote "the excess"
  label "Excess over the restated amount"
  is max(award.amount_awarded - award.amount_as_restated, 0)
end
'''


def test_label_is_kept_by_fmt_and_given_in_the_determination(tmp_path):
    path = tmp_path / "labelled.claw"
    path.write_text(LABELLED)
    assert format_file(path)[1] == LABELLED
    path.write_text(LABELLED + '''
remedy repay
  clause "Recovery: repayment"
  quote "shall repay"
  shall recover up to min(excess, award.amount_paid)
end
''')
    d = evaluate(compile_policy(path), read_case(_case(EXAMPLE_CASES, "01-")))
    rule = d.awards[0].recoverable_rule
    assert (rule.name, rule.label, rule.reads) == (
        "excess", "Excess over the restated amount", ["awarded", "as_restated"])
    assert memos.amount_label(rule) == "Excess over the restated amount (Recovery)"


def test_label_is_offered_by_completion():
    from clawpolicy.syntax.tokens import all_words

    assert "label" in all_words()


def test_an_amount_excused_is_taken_off_in_the_arithmetic():
    # ICF 13: 120,000 recoverable, 20,000 of it held in a tax-qualified plan and excused,
    # 100,000 repaid: the table shows the step between the amount and the remedy.
    policy_path, case_path = next((p, c) for p, c in COMPANY_CASES
                                  if p.stem == "icf-2023" and c.stem.startswith("13-"))
    m = memos.build(evaluate(compile_policy(policy_path), read_case(case_path)))
    (part,) = m.awards
    rows = [row for row in part.arithmetic.rows]
    assert rows[2:4] == [["Recoverable amount", "120,000.00 USD"],
                         ["Excused under tax_qualified_plan", "20,000.00 USD"]]
    assert rows[-1] == ["Repay (shall)", "100,000.00 USD"]


def test_the_reason_an_award_settled_on_is_not_repeated_as_a_note():
    # ICF 10: no recovery because the cost exception excuses all of it; the line of the award
    # without recovery says so, and the notes do not say it again (each note once).
    policy_path, case_path = next((p, c) for p, c in COMPANY_CASES
                                  if p.stem == "icf-2023" and c.stem.startswith("10-"))
    text = layout.text(evaluate(compile_policy(policy_path), read_case(case_path)))
    assert text.count("cost_exceeds_recovery excuses 120,000.00 USD") == 1
    assert "because cost_exceeds_recovery excuses 120,000.00 USD" in text


def test_an_award_settled_by_its_remedies_says_so_not_the_first_note(qualys_revised):
    # Revised 11 (California, fully paid): repayment is removed and cancellation reaches
    # nothing, so nothing is recovered; that a revision does not reach the award (the first
    # note) is not why.
    text = layout.text(evaluate(qualys_revised, read_case(_case(REVISION_CASES, "11-"))))
    settled = text.split("Awards without recovery")[1].split("Notes")[0]
    assert "because recoverable_compensation is 39,000.00 USD, but the available" in settled
    assert "does not reach this award" not in settled
