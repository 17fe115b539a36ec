"""What the YAML and the JSON reader of case files share, kept apart from the YAML reader so
that reading a JSON case (or a batch of JSON Lines) never imports YAML."""

from __future__ import annotations

from typing import Any

from clawpolicy.core.deferred import deferred

MAX_DEPTH = 64          # mappings and lists nested below the top mapping, as in JSON
_INT_DIGITS = 4300      # longer integers stay exact as a Decimal (Python's int() refuses them)


@deferred(frozen=True)
class Position:
    line: int
    col: int


class ReadError(Exception):
    """A problem with the file as YAML: a code, a message, a help line and where."""

    def __init__(self, code: str, message: str, help: str, mark: Any = None):
        super().__init__(message)
        self.code, self.message, self.help = code, message, help
        self.place = Position(mark.line + 1, mark.column + 1) if mark is not None else None
