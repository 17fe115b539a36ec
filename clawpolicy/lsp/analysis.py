"""One policy as the editor sees it: its diagnostics (exactly those of `clawpolicy lint`), its
files as they parse now, the policy as checked when it has no errors, and the index of names.

The texts the editor holds stand in for the files on disk while a policy is analysed, so an
unsaved change is seen, and includes resolve relative to each file's place on disk."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from clawpolicy.check.checker import check
from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.syntax.load import (MAX_POLICY_BYTES, line_feeds, load_policy, read_source,
                                     unsaved)
from clawpolicy.lsp.index import PolicyIndex, build
from clawpolicy.core.source import SourceFile, TooLarge, read_regular
from clawpolicy.syntax import ast
from clawpolicy.syntax.lower import lower
from clawpolicy.syntax.parse import parse
from clawpolicy.tools.lint import lint, source_document
from clawpolicy.check.sentences import Traced, trace

_INCLUDE = re.compile(r"""^[ \t]*include\s+(["'])(.*?)\1""", re.MULTILINE)
# How far up from a file to look for the policy that includes it, at most.
_SEARCH_LEVELS = 3
# A folder that marks the top of a project: the walk up stops there.
_PROJECT_MARKERS = (".git",)


@dataclass
class Analysis:
    root: Path
    diagnostics: list[Diagnostic]
    # The files that parse as they are now: resolved path, source, syntax.
    files: list[tuple[Path, SourceFile, ast.Module]]
    # Files that do not parse now, as they last did: their names serve completion only.
    stale: dict[Path, ast.Module]
    checked: CheckedPolicy | None  # None while the policy has errors
    index: PolicyIndex
    _traced: list[Traced] | None = field(default=None, repr=False)
    _texts: Mapping[Path, str] = field(default_factory=dict, repr=False)

    def source(self, path: Path) -> SourceFile | None:
        return next((s for p, s, _ in self.files if p == path), None)

    def module(self, path: Path) -> ast.Module | None:
        return next((m for p, _, m in self.files if p == path), None)

    def traced(self) -> list[Traced] | None:
        """The source document sentence by sentence, with the rules that encode each: known
        only for a policy without errors that names its source document."""
        if self._traced is None and self.checked is not None:
            try:
                with unsaved(self._texts):
                    document = source_document(self.checked)
                self._traced = trace(self.checked, document) if document is not None else []
            except DiagnosticError:
                self._traced = []
        return self._traced


def analyse(root: Path, texts: Mapping[Path, str], previous: Analysis | None) -> Analysis:
    """Analyse the policy whose root file is `root` (a resolved path), reading `texts` in
    place of the files they name."""
    with unsaved(texts):
        errors, warnings = lint(root)
        checked = None
        try:
            loaded = load_policy(root)
        except DiagnosticError:
            files = _files_that_parse(root)
        else:
            files = [(Path(s.name).resolve(), s, m) for _, s, m in loaded.files]
            if not errors:
                try:
                    checked = check(loaded)
                except DiagnosticError:
                    checked = None
    fresh = {p for p, _, _ in files}
    stale = {}
    if previous is not None:
        stale = {p: m for p, _, m in previous.files if p not in fresh}
        stale.update({p: m for p, m in previous.stale.items() if p not in fresh})
    index = build([(p, m) for p, _, m in files])
    return Analysis(root, errors + warnings, files, stale, checked, index, _texts=texts)


def _files_that_parse(root: Path) -> list[tuple[Path, SourceFile, ast.Module]]:
    """The files of a policy that does not load: each that parses, following the includes of
    those that do, so that what is right in the policy is still known."""
    found: list[tuple[Path, SourceFile, ast.Module]] = []
    pending, seen = [root], set()
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            source = read_source(path, str(path), None)
            module = lower(parse(source), source)
        except DiagnosticError:
            continue
        found.append((path, source, module))
        pending += [(path.parent / d.path).resolve() for d in module.decls
                    if isinstance(d, ast.Include)]
    return found


def root_of(path: Path, read: Callable[[Path], str | None], top: Path | None = None) -> Path:
    """The root file of the policy a file belongs to: the topmost file that includes it, in
    the same folder or above (up to `top`), or the file itself when nothing includes it. A
    file that holds a `policy` header and is also included (the 2019 text, included by the
    revised policy) is read as part of the policy that includes it, with its revisions."""
    seen = {path}
    current = path
    while True:
        includer = next((c for c in _candidates(current, top)
                         if c not in seen and _includes(c, current, read)), None)
        if includer is None:
            return current
        seen.add(includer)
        current = includer


def _candidates(path: Path, top: Path | None) -> list[Path]:
    """The policy files that may include `path`: those of its folder and of the folders above
    it, up to the first of the workspace's folder `top` (when `path` is inside it), a
    project's top folder (one holding `.git`), and three levels above. A folder that anyone
    may write to (such as /tmp) or that another user owns is not searched, nor any above it:
    files there are not the drafter's."""
    inside = top is not None and top in path.parents
    folders = []
    for level, folder in enumerate(path.parents):
        if level > _SEARCH_LEVELS or not _searchable(folder):
            break
        folders.append(folder)
        if folder == top or (not inside and any((folder / m).exists()
                                                for m in _PROJECT_MARKERS)):
            break
    return [c.resolve() for folder in folders for c in sorted(folder.glob("*.claw"))]


def _searchable(folder: Path) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return False
    if os.name != "posix":  # Windows reports every folder as writable by all, owned by none
        return True
    return not info.st_mode & stat.S_IWOTH and info.st_uid == os.geteuid()


def read_policy_text(path: Path) -> str | None:
    """The text of a policy file on disk, or None when it cannot be read as one: only a
    regular file is read (a named pipe would block the server for good, a device never end),
    and at most one byte past the policy's limit."""
    try:
        return read_regular(path, MAX_POLICY_BYTES).decode("utf-8-sig")
    except (OSError, TooLarge, UnicodeDecodeError):
        return None


def _includes(candidate: Path, target: Path, read: Callable[[Path], str | None]) -> bool:
    # Its lines as the loader reads them: a lone CR ends a line too, or no `include` is found.
    text = line_feeds(read(candidate) or "")
    return any((candidate.parent / m[2]).resolve() == target for m in _INCLUDE.finditer(text))
