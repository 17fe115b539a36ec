"""The JSON Schema of case files, generated from the case models, so that other tools can
validate cases before they reach clawpolicy."""

from __future__ import annotations

import json

from clawpolicy.case import Case

SCHEMA_ID = "https://clawpolicy.invalid/schema/case.json"

# What each record holds, in the words of docs/cases.md.
DESCRIPTIONS = {
    "Case": "One participant at one moment: who they are, the awards they hold, the "
            "restatement, and what the Compensation Committee has found so far. null (or a "
            "missing optional field) means not known yet; `restatement: null` means none has "
            "occurred.",
    "Company": "The company: its name and fiscal year end (MM-DD).",
    "Participant": "The participant: Section 16 and executive-officer status, positions held, "
                   "work location.",
    "Statement": "A financial statement awards were computed on, with its filing dates and "
                 "whether it was restated.",
    "Restatement": "The restatement: material or not, Big R or little r, the date it was "
                   "required, whether it resulted from misconduct.",
    "Award": "One award: its kind and measures, grant and receipt dates, the statements it "
             "was calculated on, and its amounts as determined, paid and as restated.",
    "Findings": "What the Compensation Committee has determined so far.",
    "Law": "Limits that applicable law puts on recovery.",
    "StockSale": "A sale of company stock by the participant.",
    "Period": "A performance period.",
    "Expectation": "Not a fact: what `clawpolicy test` checks the determination against.",
}


def case_schema() -> dict:
    schema = Case.model_json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              **schema}
    schema["description"] = DESCRIPTIONS["Case"]
    for name, definition in schema.get("$defs", {}).items():
        if name in DESCRIPTIONS:
            definition["description"] = DESCRIPTIONS[name]
    return schema


def render() -> str:
    return json.dumps(case_schema(), indent=2, ensure_ascii=False) + "\n"
