"""Open questions in words: how a determination asks for a fact it does not know."""

from __future__ import annotations

import re

# Keyed by the fact's path with list indices taken out (`awards[].amount_as_restated`);
# `{award}` and `{statement}` are filled with the id of the record the fact belongs to.
_QUESTIONS = {
    "participant.section16_officer":
        "Is (or was) the participant an officer subject to Section 16 of the Exchange Act?",
    "participant.executive_officer": "Is (or was) the participant an executive officer?",
    "participant.executive_officer_since": "Since when has the participant been an "
                                           "executive officer?",
    "participant.positions": "Which positions does (or did) the participant hold?",
    "participant.work_location": "Where does the participant work?",
    "company.fiscal_year_end": "On what day does the company's fiscal year end?",
    "restatement.material": "Is the restatement material?",
    "restatement.kind": "Is the restatement a Big R or a little r restatement?",
    "restatement.required_date": "On what date was the company required to prepare the "
                                 "restatement?",
    "restatement.due_to_misconduct": "Did the restatement result from misconduct?",
    "findings.misconduct": "What misconduct, if any, has the Committee found on the "
                           "participant's part?",
    "findings.caused_restatement": "Has the Committee found that the participant's conduct "
                                   "caused the restatement?",
    "findings.should_repay": "Has the Committee decided that repayment is due?",
    "findings.impracticable": "Has the Committee determined that recovery is impracticable, "
                              "and on which ground?",
    "findings.recovery_cost": "What does the Committee estimate recovery would cost?",
    "law.recovery_prohibited": "Does applicable law prohibit the recovery?",
    "law.prohibited_remedies": "Which remedies, if any, does applicable law prohibit?",
    "stock_sales": "Has the participant sold company stock, and when and at what profit?",
    "awards[].kind": "What kind of compensation is award {award}?",
    "awards[].basis": "On what measures was award {award} determined?",
    "awards[].granted": "When was award {award} granted?",
    "awards[].received": "When was award {award} received?",
    "awards[].calculated_on": "On which financial statements was award {award} calculated?",
    "awards[].amount_awarded": "What amount of award {award} was originally determined?",
    "awards[].amount_paid": "How much of award {award} has been paid or delivered?",
    "awards[].amount_as_restated": "What would award {award} have been on the restated "
                                   "results?",
    "awards[].as_restated_is_estimate": "Is the restated amount of award {award} an "
                                        "estimate?",
    "awards[].performance_period.start": "When did the performance period of award {award} "
                                         "begin?",
    "awards[].performance_period.end": "When did the performance period of award {award} "
                                       "end?",
    "statements[].original_filing_date": "When were the {statement} statements first filed "
                                         "with the SEC?",
    "statements[].first_public_issuance": "When were the {statement} statements first "
                                          "issued publicly?",
    "statements[].restated": "Were the {statement} statements restated?",
    "statements[].period_end": "When did the period of the {statement} statements end?",
}


def question_for(fact: str, award_ids: list[str], statement_ids: list[str],
                 declared: dict[str, str | None]) -> str:
    if fact.startswith("facts."):
        asked = declared.get(fact.removeprefix("facts."))
        return asked or f"What is {fact}?"
    generic = re.sub(r"\[\d+\]", "[]", fact)
    template = _QUESTIONS.get(generic)
    if template is None:
        return f"What is {fact}?"
    award = re.match(r"awards\[(\d+)\]", fact)
    statement = re.match(r"statements\[(\d+)\]", fact)
    return template.format(
        award=award_ids[int(award[1])] if award else "",
        statement=statement_ids[int(statement[1])] if statement else "")
