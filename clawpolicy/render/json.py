"""The contract's JSON object: fixed key order, two-space indent, UTF-8, a final newline."""

from __future__ import annotations

import json

from clawpolicy.evaluate.determination import Determination


def render(determination: Determination) -> str:
    data = determination.model_dump(mode="json", by_alias=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_line(determination: Determination, source: str | None = None) -> str:
    """The same object on one line, for JSON Lines; with `source` (where the case came from:
    `FILE:LINE` of a JSON Lines input, or a case file's name) first, so every line of a
    batch, determined or not, names its input."""
    data = determination.model_dump(mode="json", by_alias=True)
    if source is not None:
        data = {"source": source, **data}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
