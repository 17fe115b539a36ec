"""The contract's JSON object: fixed key order, two-space indent, UTF-8, a final newline."""

from __future__ import annotations

import json

from clawpolicy.evaluate.determination import Determination


def render(determination: Determination) -> str:
    data = determination.model_dump(mode="json", by_alias=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_line(determination: Determination) -> str:
    """The same object on one line, for JSON Lines."""
    data = determination.model_dump(mode="json", by_alias=True)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
