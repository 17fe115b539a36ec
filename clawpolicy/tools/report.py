"""`clawpolicy report`: the determinations of `check --batch` (JSON Lines) read, each line
checked for the keys the report reads, every problem located as FILE:LINE:COLUMN, then the
report built and laid out by `render.report`."""

from __future__ import annotations

import json

from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core.source import TooLarge, printable, read_regular

# What a line must hold to be reported: the keys of the contract the report reads.
_CASE_KEYS = {"case_id": str, "outcome": str, "awards": list}
_AWARD_KEYS = {"id": str, "outcome": str}
# The determinations are read whole, at most one byte past this (docs/errors.md, CP1202).
MAX_DETERMINATIONS_BYTES = 256 * 1024 * 1024


def read(path: str) -> tuple[list[dict], list[dict]]:
    """The determinations, and the lines of cases `check --batch` could not read (with their
    errors). Raises DiagnosticError with every line that is neither."""
    shown = printable(path)
    try:
        text = read_regular(path, MAX_DETERMINATIONS_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, TooLarge) as error:
        reason = "it is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else \
            f"it is larger than {MAX_DETERMINATIONS_BYTES} bytes" \
            if isinstance(error, TooLarge) else _reason(error)
        raise DiagnosticError([Diagnostic(
            "CP1202", f"the determinations cannot be read: {reason}",
            "give the JSON Lines file `clawpolicy check POLICY --batch CASES` wrote",
            where=shown)]) from None
    found, errors, problems = [], [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(Diagnostic(
                "CP1200", f"line {number} is not JSON: {error.msg}",
                "each line is one determination, as `check --batch` writes it",
                where=f"{shown}:{number}:{error.colno}"))
            continue
        if isinstance(data, dict) and "errors" in data and "case_id" not in data:
            errors.append(data)
            continue
        problem = _problem(data)
        if problem:
            problems.append(Diagnostic(
                "CP1201", f"line {number} is not a determination: {problem}",
                "each line is one determination, as `check --batch` writes it",
                where=f"{shown}:{number}:1"))
            continue
        found.append(data)
    if problems:
        raise DiagnosticError(problems)
    return found, errors


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"  # as the system says it, lower case, as the other reasons
    return error.strerror or str(error)


def _problem(data) -> str | None:
    if not isinstance(data, dict):
        return "expected a JSON object"
    for key, kind in _CASE_KEYS.items():
        if not isinstance(data.get(key), kind):
            return f"`{key}` is missing or not a {kind.__name__}"
    for i, award in enumerate(data["awards"]):
        if not isinstance(award, dict):
            return f"`awards[{i}]` is not an object"
        for key, kind in _AWARD_KEYS.items():
            if not isinstance(award.get(key), kind):
                return f"`awards[{i}].{key}` is missing or not a {kind.__name__}"
    return None
