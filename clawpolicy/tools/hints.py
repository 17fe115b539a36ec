"""The common mistakes of the command line, recognised before anything is read, each with
the command the user meant: several case files, a folder or a JSON Lines file given as CASE
(`--batch`), the policy and the case swapped, a CSV (or a folder of them) given to `--batch`
(`clawpolicy import`), one case file or a folder with no case file given to `--batch`.

Each function returns the message of a usage error (exit code 2), or None."""

from __future__ import annotations

from pathlib import Path

POLICY_SUFFIX = ".claw"
CASE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xls")


def _suffix(path: str | Path) -> str:
    return Path(path).suffix.lower()


def swapped(policy: str | Path, case: str | Path | None) -> str | None:
    """POLICY that is a case file, and CASE a policy: the two given the wrong way round."""
    if _suffix(policy) in CASE_SUFFIXES and case is not None and _suffix(case) == POLICY_SUFFIX:
        return (f"the policy comes first, then the case: clawpolicy check {case} {policy}")
    if _suffix(policy) in CASE_SUFFIXES and Path(policy).is_file():  # not a pipe or device
        return (f"{policy} looks like a case file, not a policy: give the policy (.claw, or "
                "the name of a shipped policy: clawpolicy policies) first, then the case")
    return None


def several_cases(policy: str | Path, cases: list[str]) -> str | None:
    """A folder, or more than one file, given as CASE: that is what `--batch` is for."""
    if len(cases) > 1:
        return (f"CASE is one case file, and {len(cases)} were given: to determine many "
                f"cases, put them in a folder and give it to --batch: clawpolicy check "
                f"{policy} --batch FOLDER (or a JSON Lines file)")
    if cases and cases[0] != "-" and Path(cases[0]).is_dir():
        return (f"{cases[0]} is a folder: to determine every case in it, use "
                f"clawpolicy check {policy} --batch {cases[0]}")
    return None


def json_lines_as_case(policy: str | Path, case: str | None) -> str | None:
    """A JSON Lines file (one case a line, more than one line) given as CASE: read as one
    YAML or JSON document, it fails on its second line with an error that does not say
    why. Known by its first 64 KB: a whole line that is a JSON object, then another line
    that starts one."""
    if case is None or case == "-" or not Path(case).is_file():  # not a pipe or a device
        return None
    try:
        with open(case, "rb") as handle:
            pieces = handle.read(64 * 1024).lstrip(b"\xef\xbb\xbf").split(b"\n")
    except OSError:
        return None
    found = [(n, piece.strip()) for n, piece in enumerate(pieces) if piece.strip()][:2]
    if len(found) < 2 or found[0][0] == len(pieces) - 1:  # one line, or the first not whole
        return None
    (_, first), (_, second) = found
    if first.startswith(b"{") and first.endswith(b"}") and second.startswith(b"{"):
        from clawpolicy.core.source import printable

        return (f"{printable(case)} holds JSON Lines (one case a line), and CASE is one case: "
                f"to determine each, use clawpolicy check {printable(str(policy))} --batch "
                f"{printable(case)}")
    return None


def table_for_batch(source: str) -> str | None:
    """A spreadsheet given to `--batch`, which reads JSON Lines or a folder of case files."""
    if _suffix(source) in TABLE_SUFFIXES:
        return (f"--batch reads JSON Lines or a folder of case files, and {source} is a "
                "table: turn the tables into cases first with clawpolicy import FILE... -o "
                "cases.jsonl (docs/import.md)")
    if source != "-" and Path(source).is_file():
        try:
            with open(source, "rb") as handle:
                first = handle.readline(4096).lstrip(b"\xef\xbb\xbf").strip()
        except OSError:
            return None
        if first and not first.startswith((b"{", b"[")) and b"," in first \
                and b"case_id" in first:
            return (f"{source} looks like a CSV table (its first line is a header with "
                    "case_id), not JSON Lines: turn it into cases first with clawpolicy "
                    "import FILE... -o cases.jsonl (docs/import.md)")
    return None


def case_for_batch(policy: str | Path, source: str) -> str | None:
    """One case file given to `--batch`: a YAML file, or JSON written over several lines.
    Read as JSON Lines, each of its lines would be a case that cannot be read (one error
    line per line of the file, exit code 4), which does not say what was meant."""
    if source == "-" or not Path(source).is_file():  # not a pipe or a device
        return None
    if _suffix(source) == ".json":
        try:
            with open(source, "rb") as handle:
                first = next((line.strip() for line in handle if line.strip()), b"")
        except OSError:
            return None
        if not first.lstrip(b"\xef\xbb\xbf").startswith(b"{") or first.endswith(b"}"):
            return None  # JSON Lines (or not JSON at all: each line is reported)
    elif _suffix(source) not in (".yaml", ".yml"):
        return None
    from clawpolicy.core.source import printable

    shown = printable(source)
    return (f"--batch reads JSON Lines (one case a line) or a folder of case files, and "
            f"{shown} is one case file: determine it with clawpolicy check "
            f"{printable(str(policy))} {shown}, or give --batch the folder that holds it")


def folder_for_batch(source: str) -> str | None:
    """A folder given to `--batch` that holds no case file: of CSV tables or workbooks (the
    exports `clawpolicy import` reads), or of nothing a batch reads. Its run would be "0
    cases", which looks like success; it is refused instead. Known by its first case file
    (the folder is read no further), or by a walk of its names when it has none."""
    import os

    from clawpolicy.core.source import printable
    from clawpolicy.input.lines import CASE_SUFFIXES, items

    if source == "-" or not os.path.isdir(source) or next(items(source), None) is not None:
        return None
    tables = sorted(os.path.relpath(os.path.join(folder, name), source)
                    for folder, _, names in os.walk(source) for name in names
                    if _suffix(name) in TABLE_SUFFIXES)
    shown = printable(source)
    if tables:
        listed = ", ".join(printable(t) for t in tables[:3]) + (", ..." if len(tables) > 3
                                                                else "")
        return (f"--batch reads JSON Lines or a folder of case files, and {shown} holds "
                f"tables ({listed}), no case file: turn the tables into cases first with "
                "clawpolicy import FILE... -o cases.jsonl (docs/import.md)")
    return (f"{shown} holds no case file ({', '.join(CASE_SUFFIXES)}, in it or its folders): "
            "give a folder of case files, or a JSON Lines file")


def skipped_in_folder(source: str) -> str | None:
    """A folder given to `--batch` reads its case files only: JSON Lines files and tables
    in it are not read. Where it holds case files too, the run goes on (a folder of notes
    and cases is common), but the files passed over are named, never skipped in silence."""
    import os

    from clawpolicy.core.source import printable

    if source == "-" or not os.path.isdir(source):
        return None
    passed = sorted(os.path.relpath(os.path.join(folder, name), source)
                    for folder, _, names in os.walk(source) for name in names
                    if _suffix(name) in (".jsonl", ".ndjson", *TABLE_SUFFIXES))
    if not passed:
        return None
    listed = ", ".join(printable(p) for p in passed[:3]) + (", ..." if len(passed) > 3 else "")
    return (f"note: --batch reads the case files of a folder (.yaml, .yml, .json), and "
            f"{len(passed)} file{'s' if len(passed) > 1 else ''} of {printable(source)} "
            f"{'are' if len(passed) > 1 else 'is'} not read ({listed}): give a JSON Lines file "
            "to --batch on its own, and turn tables into cases first with clawpolicy import "
            "FILE... -o cases.jsonl (docs/import.md)")
