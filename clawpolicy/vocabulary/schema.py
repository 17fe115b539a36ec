"""The JSON Schema of case files, generated from a vocabulary's case models, so that other
tools can validate cases before they reach clawpolicy.

The schema describes a case as JSON, or YAML read as YAML 1.2 (what editors read), holds it.
What a JSON Schema cannot say is listed in its description (`BEYOND_SCHEMA`), and in
docs/cases.md, which a test holds to the same list."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clawpolicy.vocabulary import Vocabulary

# Relative: it resolves to the file it is read from. The file is committed at
# schema/case.schema.json (a test holds it to what `clawpolicy schema` prints), and the
# example cases name it in their `yaml-language-server` line, so editors validate them.
SCHEMA_ID = "case.schema.json"

# Each rule the reader holds a case to that a JSON Schema cannot express, as the
# description lists it. The keys are what tests and docs/cases.md refer to.
BEYOND_SCHEMA = {
    "duplicate keys": "a key given twice in one mapping (JSON and YAML readers keep the "
                      "last one silently; clawpolicy refuses it)",
    "anchors and aliases": "YAML anchors and aliases (&name, *name)",
    "tags": "YAML tags (!!python/..., !!binary, ...) and several documents in one file",
    "notation": "how a number is written: exponent notation (1.5e5), hexadecimal (0x1F), "
                "octal and base-60 numbers are refused, although once read they are numbers "
                "like any other; so are NaN and Infinity",
    "cross-field rules": "rules across fields, such as an award's amount_paid at most its "
                         "amount_awarded",
    "references": "references between records: each id used once, and each id that names "
                  "another record (a statement an award was calculated on, the award a "
                  "recovery was made of) naming one the case lists, in that record's unit",
    "limits": "a file of at most 10 MB, in UTF-8, nested at most 64 levels; amounts of at "
              "most 30 significant digits",
}

_READING = (
    "This schema describes a case as JSON, or as YAML 1.2 (the YAML of editors), holds it: "
    "dates are text (YYYY-MM-DD, a day of the calendar, checked by a pattern; like amounts "
    "written as text, they may have spaces around them, as clawpolicy reads them). A program that reads a case with PyYAML's `yaml.safe_load` (YAML 1.1) "
    "gets `datetime.date` objects, and `yes`/`no` as booleans: validate "
    "`json.loads(json.dumps(data, default=str))` for the dates, and read the case with "
    "clawpolicy for the rest. clawpolicy also refuses what a JSON Schema cannot express: ")


def case_schema(vocabulary: "Vocabulary") -> dict:
    schema = vocabulary.case_model.model_json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              **schema}
    schema["description"] = (vocabulary.declarations.description + "\n\n" + _READING
                             + "; ".join(BEYOND_SCHEMA.values()) + ".")
    # What each record holds, in the words of its declaration.
    described = {r.model_name: r.description
                 for r in vocabulary.declarations.records.values() if r.description}
    for name, definition in schema.get("$defs", {}).items():
        if name in described:
            definition["description"] = described[name]
    return schema
