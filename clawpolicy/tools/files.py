"""The policy files a command is given: files, and folders searched for `.claw` files.

For `lint` and `trace`, a folder's policies are the files that hold a `policy` header, and
the files no other includes: `policies/` lints `qualys.claw` (which includes the rest) and
`qualys-2019.claw` (a policy of its own), not each revision on its own (a revision is linted
as a part of the policy that includes it). `fmt` formats every file."""

from __future__ import annotations

from pathlib import Path

from clawpolicy.core.diagnostics import DiagnosticError
from clawpolicy.core.shipped import resolve_policy

SUFFIX = ".claw"


def expand(paths: list[Path]) -> list[Path]:
    """Each file as given (a shipped policy's name resolved), each folder's `.claw` files
    in path order; a path given twice counts once."""
    found: list[Path] = []
    for path in paths:
        for one in (sorted(path.rglob(f"*{SUFFIX}")) if path.is_dir()
                    else [resolve_policy(path)]):
            if one not in found:
                found.append(one)
    return found


def policies(paths: list[Path]) -> list[Path]:
    """The policies among `paths`: files given by name always; of the files found in
    folders, those with a `policy` header of their own, and those no other file includes."""
    from clawpolicy.syntax import ast
    from clawpolicy.syntax.load import load_policy

    given = [resolve_policy(p) for p in paths if not p.is_dir()]
    found = [p for p in expand(paths) if p not in given]
    included: set[Path] = set()
    headed: set[Path] = set()
    for path in given + found:
        try:
            loaded = load_policy(path)
        except DiagnosticError:
            continue
        included.update((loaded.root / name).resolve() for name, _, _ in loaded.files[1:])
        if any(isinstance(d, ast.Header) for d in loaded.files[0][2].decls):
            headed.add(path.resolve())
    return given + [p for p in found
                    if p.resolve() in headed or p.resolve() not in included]
