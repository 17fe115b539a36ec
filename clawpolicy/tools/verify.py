"""`clawpolicy verify DETERMINATION POLICY CASE`: make the determination again, with the
assumptions it records, and compare the bytes. Where they differ, the first difference and
what the seal says about why (another policy text, another case, another engine)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from clawpolicy import api
from clawpolicy.core.diagnostics import Diagnostic
from clawpolicy.core.source import TooLarge, printable, read_regular
from clawpolicy.render import json as json_render

# A determination is a few hundred kilobytes at most; its case is held to 10 MB.
MAX_DETERMINATION_BYTES = 64 * 1024 * 1024
HELP = ("give the JSON file `clawpolicy check --format json` wrote, or one line of --batch "
        "output, not the memo")


class VerifyError(Exception):
    """The determination file cannot be read (a usage error)."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass
class Verdict:
    same: bool
    report: list[str] = field(default_factory=list)

    def render(self) -> str:
        return "\n".join(self.report) + "\n"


def read_determination(path: str | Path) -> bytes:
    name = printable(str(path))
    try:
        return read_regular(path, MAX_DETERMINATION_BYTES)
    except TooLarge:
        message = f"the determination is larger than {MAX_DETERMINATION_BYTES} bytes"
    except OSError as error:
        message = f"cannot read the determination: {error.strerror or error}"
    raise VerifyError(Diagnostic("CP1110", message, HELP, where=name))


def parsed(recorded: bytes, path: str | Path) -> dict:
    """The recorded JSON object; a VerifyError where the file is not one (a memo, a file
    that is not UTF-8): nothing to compare a determination with. A JSON object that is not
    this determination is compared, and its first difference shown."""
    try:
        data = json.loads(recorded.decode("utf-8"))
    except UnicodeDecodeError as error:
        message = f"the determination is not UTF-8 text (byte {error.start + 1})"
    except json.JSONDecodeError as error:
        message = (f"the determination is not JSON: {error.msg} (line {error.lineno}, "
                   f"column {error.colno})")
    else:
        if isinstance(data, dict):
            return data
        message = "the determination is not a JSON object"
    raise VerifyError(Diagnostic("CP1110", message, HELP, where=printable(str(path))))


def recorded_assumptions(data) -> list[str]:
    """The assumptions the parsed determination lists, as `check --assume` takes them; none
    where it is not a determination (the comparison then shows what differs)."""
    try:
        return [f"{a['fact']}={_written(a['value'])}" for a in data.get("assumptions", [])]
    except (AttributeError, KeyError, TypeError):
        return []


def batch_source(data) -> str | None:
    """The `source` a line of `check --batch` output starts with (where its case came from:
    a case file's name, `FILE:LINE` of JSON Lines, `<stdin>:LINE`), or None. It names the
    input, not the determination, so the line is made again with it and compared whole."""
    if data and next(iter(data)) == "source" \
            and isinstance(data["source"], str):
        return data["source"]
    return None


def _written(value) -> str:
    # As YAML reads it back: JSON is YAML's flow style; text is quoted so that `true` or
    # `2024` written as text stays text.
    return json.dumps(value, ensure_ascii=False)


def verify(determination: str | Path, policy: api.CheckedPolicy,
           loaded: api.LoadedCase) -> Verdict:
    """Raises VerifyError, api.AssumptionError (the recorded assumptions cannot be made on
    this case) or the CaseError and PolicyError of `check`."""
    recorded = read_determination(determination)
    data = parsed(recorded, determination)
    made = api.evaluate(policy, loaded, recorded_assumptions(data))
    one_line = recorded.count(b"\n") <= 1 and not recorded.startswith(b"{\n")
    again = (json_render.render_line(made, batch_source(data))
             + ("\n" if recorded.endswith(b"\n") else "")
             if one_line else json_render.render(made)).encode("utf-8")
    name = printable(str(determination))
    if again == recorded:
        return Verdict(True, [f"verified: {name} is what {made.policy.name} gives for case "
                              f"{made.case_id}, byte for byte",
                              f"  policy sha256 {made.seal.policy_sha256}",
                              f"  case sha256   {made.seal.case_sha256}"])
    return Verdict(False, [f"{name} differs from the determination made again",
                           *_first_difference(recorded, again), *_seal_reasons(data, made)])


def _first_difference(recorded: bytes, again: bytes) -> list[str]:
    old = recorded.decode("utf-8", errors="replace").split("\n")
    new = again.decode("utf-8", errors="replace").split("\n")
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            column = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
                          min(len(a), len(b))) + 1
            return [f"  first difference: line {number}, column {column}",
                    f"    recorded: {_clip(a, column)}", f"    made now: {_clip(b, column)}"]
    number = min(len(old), len(new)) + 1
    longer = "recorded" if len(old) > len(new) else "made now"
    return [f"  first difference: line {number}: only the {longer} determination goes on"
            if len(old) != len(new) else "  the bytes differ in their line endings"]


def _clip(line: str, column: int, width: int = 90) -> str:
    start = max(0, column - width // 2)
    shown = line[start:start + width]
    return ("…" if start else "") + shown + ("…" if start + width < len(line) else "")


def _seal_reasons(data, made) -> list[str]:
    """What the recorded seal says about the difference, where it can be read."""
    seal = data.get("seal") or {}
    if not isinstance(seal, dict):
        return []
    now = made.seal.model_dump()
    why = {"policy_sha256": "made with another text of the policy (or its includes)",
           "case_sha256": "made for another case (or another version of this one)",
           "engine_version": "made by another version of clawpolicy",
           "vocabulary_version": "made with another version of the case vocabulary"}
    return [f"  seal: {key} differs ({seal.get(key)} recorded, {now[key]} now): {text}"
            for key, text in why.items() if seal.get(key) != now[key]]
