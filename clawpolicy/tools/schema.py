"""`clawpolicy schema`: the JSON Schema of case files, derived from the case vocabulary
(`clawpolicy/vocabulary/`), with the facts a policy declares for itself when a policy is
given; and the JSON Schema of the determination (`--determination`).

Both are committed under `schema/` (a test holds the files to what this prints), each with a
relative `$id` that resolves to the file it is read from."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from clawpolicy import vocabulary as vocabularies

if TYPE_CHECKING:
    from clawpolicy.check.checker import CheckedPolicy

DETERMINATION_ID = "determination.schema.json"


def case_schema(vocabulary: vocabularies.Vocabulary | None = None,
                policy: "CheckedPolicy | None" = None) -> dict:
    """The case schema; with a policy, in that policy's vocabulary, and with `facts:` (the
    case's and each award's) holding the facts the policy declares there, each of its
    declared type (or null: not known), and nothing else (even where it declares none)."""
    if policy is not None:
        vocabulary = policy.vocabulary
    schema = (vocabulary or vocabularies.load()).json_schema()
    if policy is not None:  # the reader refuses a key the policy does not declare, at both
        schema = json.loads(json.dumps(schema))  # the vocabulary's own stays as it is
        from clawpolicy.check.facts import by_level

        whole, per = by_level(policy.fact_decls)
        name = policy.header.name
        schema["properties"]["facts"] = _facts(
            schema, whole, f"the facts the policy {name!r} declares for itself")
        declarations = policy.vocabulary.declarations
        item = next(f.record for f in declarations.fields
                    if f.name == policy.vocabulary.roles.decided)
        each = policy.vocabulary.roles.each
        schema["$defs"][declarations.records[item].model_name]["properties"]["facts"] = _facts(
            schema, per, f"the facts the policy {name!r} declares per {each}, a money fact "
                         f"in the {each}'s own unit")
    return schema


def _facts(schema: dict, decls: tuple, description: str) -> dict:
    properties = {decl.name: {"anyOf": [_fact_type(schema, decl), {"type": "null"}],
                              "description": decl.question or f"the policy's fact "
                                                              f"`{decl.name}`"}
                  for decl in decls}
    # A key the policy does not declare is refused (CP0414, docs/cases.md).
    return {"type": "object", "default": {}, "properties": properties,
            "additionalProperties": False, "description": description}


def _fact_type(schema: dict, decl) -> dict:
    from clawpolicy.core.case import _DECIMAL_SCHEMA, _SIGNED_SCHEMA, DATE_SCHEMA

    if decl.type == "enum":
        return {"type": "string", "enum": list(decl.values)}
    return {"boolean": {"type": "boolean"}, "text": {"type": "string"},
            "date": DATE_SCHEMA,
            "money": _DECIMAL_SCHEMA, "number": _SIGNED_SCHEMA}[decl.type]


def determination_schema() -> dict:
    """The JSON Schema of the determination, as `check --format json` prints it."""
    from pydantic import BaseModel

    from clawpolicy.evaluate import determination as models

    schema = models.Determination.model_json_schema(mode="serialization", by_alias=True)
    classes = {name: value for name, value in vars(models).items()
               if isinstance(value, type) and issubclass(value, BaseModel)}
    # Every key is always written (null where there is no value), and no other; only the
    # keys a model leaves out where they do not apply (its `_optional`) may be missing.
    for name, definition in [("Determination", schema), *schema.get("$defs", {}).items()]:
        left_out = getattr(classes.get(name), "_optional", ())
        definition["additionalProperties"] = False
        definition["required"] = [key for key in definition["properties"]
                                  if key not in left_out]
    # A line of `check --batch` names where its case came from, first; nowhere else.
    schema["properties"] = {"source": {
        "type": "string", "title": "Source",
        "description": "Only in a line of `check --batch`: where the case came from "
                       "(FILE:LINE of JSON Lines, or the case file's name)."},
        **schema["properties"]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": DETERMINATION_ID, **schema}


def render(vocabulary: vocabularies.Vocabulary | None = None,
           policy: "CheckedPolicy | None" = None, determination: bool = False) -> str:
    schema = determination_schema() if determination else case_schema(vocabulary, policy)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
