"""The contract's JSON object: fixed key order, two-space indent, UTF-8, a final newline.

Written by pydantic-core's serializer straight from the determination (`model_dump_json`),
not by `model_dump` and then the json module: the same bytes (the same key order, the same
escapes of control characters, non-ASCII text as itself, `": "` and `","` with an indent)
in about two thirds of the time. tests/test_examples.py holds the bytes to the snapshots."""

from __future__ import annotations

import json

from clawpolicy.evaluate.determination import Determination


def render(determination: Determination) -> str:
    return determination.model_dump_json(by_alias=True, indent=2) + "\n"


def render_line(determination: Determination, source: str | None = None) -> str:
    """The same object on one line, for JSON Lines; with `source` (where the case came from:
    `FILE:LINE` of a JSON Lines input, or a case file's name) first, so every line of a
    batch, determined or not, names its input."""
    line = determination.model_dump_json(by_alias=True)
    if source is None:
        return line
    # The object's own keys follow `source`: its opening brace is replaced by the key.
    return '{"source":' + json.dumps(source, ensure_ascii=False) + "," + line[1:]
