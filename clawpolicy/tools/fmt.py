"""`clawpolicy fmt`: one canonical layout for policy files, comments kept."""

from __future__ import annotations

from pathlib import Path

from clawpolicy.core.source import printable
from clawpolicy.syntax.load import read_source
from clawpolicy.syntax.lower import lower
from clawpolicy.syntax.parse import parse
from clawpolicy.syntax.printer import format_module
from clawpolicy.tools.streams import write_file


def format_file(path: Path) -> tuple[str, str]:
    """(the file as it is, the file formatted); raises DiagnosticError if it does not parse."""
    source = read_source(path, str(path), None)
    return source.text, format_module(lower(parse(source), source), source)


def run(paths: list[Path], check: bool, diff: bool, out, err) -> tuple[int, int]:
    """`fmt` over files: write each formatted (or, with `check` or `diff`, change nothing;
    `diff` prints what would change to `out`). Returns (files that would change or changed,
    files not read); the list of files goes to `out`, or to `err` with `diff`."""
    import difflib

    from clawpolicy.core.diagnostics import DiagnosticError, render_all

    changed, failed = [], []
    for path in paths:
        try:
            before, after = format_file(path)
        except DiagnosticError as error:
            err.write(render_all(error.diagnostics))
            failed.append(path)
            continue
        if before != after:
            changed.append(path)
            if diff:
                out.writelines(difflib.unified_diff(
                    before.splitlines(keepends=True), after.splitlines(keepends=True),
                    printable(str(path)), f"{printable(str(path))} (formatted)"))
            elif not check:
                write_file(path, after)
    listing = err if diff else out
    verb = "would reformat" if check or diff else "reformatted"
    for path in changed:
        listing.write(f"{verb} {printable(str(path))}\n")
    formatted = len(paths) - len(changed) - len(failed)
    listing.write(f"{formatted} of {len(paths)} files already formatted"
                  + (f", {len(failed)} not read" if failed else "") + "\n")
    return len(changed), len(failed)
