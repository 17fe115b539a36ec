"""The JSON Schema of case files, generated from a vocabulary's case models, so that other
tools can validate cases before they reach clawpolicy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clawpolicy.vocabulary import Vocabulary

SCHEMA_ID = "https://clawpolicy.invalid/schema/case.json"


def case_schema(vocabulary: "Vocabulary") -> dict:
    schema = vocabulary.case_model.model_json_schema(mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              **schema}
    schema["description"] = vocabulary.declarations.description
    # What each record holds, in the words of its declaration.
    described = {r.model_name: r.description
                 for r in vocabulary.declarations.records.values() if r.description}
    for name, definition in schema.get("$defs", {}).items():
        if name in described:
            definition["description"] = described[name]
    return schema
