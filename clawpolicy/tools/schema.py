"""`clawpolicy schema`: the JSON Schema of case files, derived from the case vocabulary
(`clawpolicy/vocabulary/`)."""

from __future__ import annotations

import json

from clawpolicy import vocabulary as vocabularies


def case_schema(vocabulary: vocabularies.Vocabulary | None = None) -> dict:
    return (vocabulary or vocabularies.load()).json_schema()


def render(vocabulary: vocabularies.Vocabulary | None = None) -> str:
    return json.dumps(case_schema(vocabulary), indent=2, ensure_ascii=False) + "\n"
