"""What the benchmark scripts share: where things are, and clawpolicy driven through its
public entry points (`clawpolicy.api`, `input.reader.validate_case` / `parse_case`)."""

from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import clawpolicy  # noqa: E402
from clawpolicy import api  # noqa: E402
from clawpolicy.input.reader import LoadedCase, parse_case, validate_case  # noqa: E402
from clawpolicy.render.json import render_line  # noqa: E402

# The checkout the imported clawpolicy comes from (PYTHONPATH=/some/snapshot benchmarks a
# snapshot of another commit), so that its policy and examples go with its code.
_PACKAGE_ROOT = Path(clawpolicy.__file__).resolve().parents[1]
ROOT = _PACKAGE_ROOT if (_PACKAGE_ROOT / "policies").is_dir() else HERE.parent
POLICY = ROOT / "policies" / "qualys-2019.claw"
EXAMPLES = ROOT / "examples" / "cases"


def source() -> str:
    """Where clawpolicy was imported from, and its commit when that is a git checkout (read
    with git commands that change nothing)."""
    import subprocess

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "--no-optional-locks", "-C", str(ROOT), *args],
                                  capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD") if (ROOT / ".git").exists() else None
    if commit is None:
        stamp = ROOT / "COMMIT"  # a snapshot made with `git archive` may carry its commit here
        commit = stamp.read_text().strip()[:12] if stamp.is_file() else None
        return f"{ROOT}" + (f" (snapshot of {commit})" if commit else "")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "clawpolicy", "grammar",
                "policies")
    return f"{ROOT} (commit {commit}" + (", with uncommitted changes to clawpolicy/grammar/policies)"
                                          if dirty else ")")


def compile_policy():
    return api.compile_policy(POLICY)


def prevalidate(case: dict) -> LoadedCase:
    """A case dict checked against the contract, as `read_case` would give it."""
    name = str(case.get("case_id", "case"))
    return LoadedCase(validate_case(case, name), name, {})


def evaluate(policy, loaded: LoadedCase):
    """The whole determination, reasons and open questions included."""
    return api.evaluate(policy, loaded)


def award_results(determination) -> list[tuple[str, str, Decimal | None]]:
    """(award id, outcome, recoverable) of each award of a determination."""
    return [(a.id, a.outcome, Decimal(a.recoverable.amount) if a.recoverable is not None else None)
            for a in determination.awards]


def end_to_end(policy, line: bytes, sink: io.StringIO) -> None:
    """One JSON line in, one JSON line out: read and validate it as the CLI reads a .json
    case file, determine with full reasons, write the contract's JSON object as one line."""
    loaded = parse_case(line, "case.json", is_json=True)
    determination = api.evaluate(policy, loaded)
    sink.write(render_line(determination))  # as `check --batch` writes it
    sink.write("\n")
