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
# A redaction key file (docs/cases.md, "The report"; docs/errors.md, CP1203): at least
# 32 bytes of secret (256 bits, as HMAC-SHA256's own output), at most 4096.
MIN_KEY_BYTES, MAX_KEY_BYTES = 32, 4096


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
    # JSON Lines end each line with \n only: a case's text may hold U+2028 or U+0085, which
    # str.splitlines would also break at, cutting a determination in two.
    for number, line in enumerate(text.split("\n"), 1):
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


def read_key(path: str) -> bytes:
    """The secret of a redaction key file: its bytes, without surrounding white space (the
    newline an editor or `openssl rand -hex 32 > FILE` leaves). Raises DiagnosticError
    (CP1203) for a file that cannot be read or holds too little to be a secret."""
    try:
        key = read_regular(path, MAX_KEY_BYTES).strip()
    except TooLarge:
        reason = f"it is larger than {MAX_KEY_BYTES} bytes"
    except OSError as error:
        reason = _reason(error)
    else:
        if len(key) >= MIN_KEY_BYTES:
            return key
        reason = "it is empty" if not key else \
            f"it holds {len(key)} bytes, fewer than the {MIN_KEY_BYTES} of a secret"
    raise DiagnosticError([Diagnostic(
        "CP1203", f"the redaction key cannot be used: {reason}",
        f"give a file of at least {MIN_KEY_BYTES} secret bytes the team keeps, e.g. made by "
        "`openssl rand -hex 32 > redact.key`", where=printable(path))])


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
