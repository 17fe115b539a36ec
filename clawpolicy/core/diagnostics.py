"""Diagnostics are values: a code, a located one-line message and a `help:` line.

One renderer prints them all, in the shape

    error[CP0201]: unknown name `particpant`
      --> policies/qualys-2019.claw:12:8
       |
    12 |   means particpant.section16_officer
       |         ^^^^^^^^^^
      = help: expected a definition, a rule or a case fact such as `participant`
"""

from __future__ import annotations

import re

from clawpolicy.core.deferred import deferred
from clawpolicy.core.source import BIDIRECTIONAL, CONTROLS, SEPARATORS, Span, codes


@deferred(frozen=True)
class Diagnostic:
    code: str
    message: str
    help: str
    span: Span | None = None
    # Where there is no source span (a case file's field), `where` names the place:
    # `cases/x.yaml:14:5: awards[1].amount_paid`.
    where: str | None = None
    severity: str = "error"

    def sort_key(self) -> tuple:
        if self.span is not None:
            line, col = self.span.line_col
            return (self.span.file.name, line, col, self.code, self.message)
        # `where` reads `file:line:col: path` when the place is known.
        match = re.match(r"^(.*?):(\d+):(\d+)", self.where or "")
        if match:
            return (match[1], int(match[2]), int(match[3]), self.code, self.message)
        return (self.where or "", 0, 0, self.code, self.message)


class DiagnosticError(Exception):
    """Raised by a stage that found errors; carries every diagnostic it found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.message for d in diagnostics))
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)


def render(diagnostic: Diagnostic) -> str:
    d = diagnostic
    lines = [f"{d.severity}[{d.code}]: {d.message}"]
    if d.span is not None:
        line, col = d.span.line_col
        end_line, _ = d.span.file.line_col(max(d.span.start, d.span.end - 1))
        text = _shown(d.span.file.line_text(line))
        # A caret under the span, clipped to the first line of a multi-line span.
        width = max(1, (len(text) - col + 1) if end_line > line else d.span.end - d.span.start)
        gutter = " " * len(str(line))
        lines += [
            f"{gutter}--> {d.span}",
            f"{gutter} |",
            f"{line} | {text}",
            f"{gutter} | {' ' * (col - 1)}{'^' * width}",
        ]
    elif d.where is not None:
        lines.append(f"  --> {d.where}")
    lines.append(f"  = help: {d.help}")
    return "\n".join(lines)


# A control character of the line shown is drawn as its symbol (U+0000 as ␀, U+001B as ␛),
# one character for one, so that the caret stays under it and the terminal is never sent it.
# The line and paragraph separators and the bidirectional controls and marks (which would
# reorder the line on the terminal), as core/source.py defines them, as U+FFFD, as C1 is.
_CONTROLS = {code: 0x2400 + code if code < 0x20 else 0x2421 if code == 0x7F else 0xFFFD
             for code in codes(CONTROLS, SEPARATORS, BIDIRECTIONAL) if code != 0x09}


def _shown(text: str) -> str:
    return text.translate(_CONTROLS)


def render_all(diagnostics: list[Diagnostic]) -> str:
    body = "\n\n".join(render(d) for d in diagnostics)
    counts = []
    for severity in ("error", "warning"):
        n = sum(1 for d in diagnostics if d.severity == severity)
        if n:
            counts.append(f"{n} {severity}{'' if n == 1 else 's'}")
    return f"{body}\n\n{', '.join(counts)}\n" if counts else f"{body}\n"


def as_dict(diagnostic: Diagnostic) -> dict:
    """One diagnostic for a program (`lint --format json`): its place as file, line and
    column where it has a span, and as `where` (what the text shows after `-->`) always."""
    d = diagnostic
    place: dict = {"file": None, "line": None, "column": None, "where": d.where}
    if d.span is not None:
        line, col = d.span.line_col
        place = {"file": d.span.file.name, "line": line, "column": col, "where": str(d.span)}
    return {"code": d.code, "severity": d.severity, "message": d.message, "help": d.help,
            **place}
