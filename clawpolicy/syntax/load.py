"""Read a policy file and the files it includes, in order, each parsed and lowered.

Includes are relative to the including file and must stay inside the root policy's folder
tree: no absolute paths, no `..` that climbs out, no symbolic link that points outside."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core import source as source_chars
from clawpolicy.core.source import SourceFile, Span, TooLarge, printable, read_regular
from clawpolicy.syntax import ast

MAX_POLICY_BYTES = 1024 * 1024
MAX_INCLUDE_DEPTH = 16

# The texts an editor holds and has not saved, by resolved path: read in place of the files
# on disk. Only the language server sets them, for the length of one analysis.
_UNSAVED: ContextVar[Mapping[Path, str]] = ContextVar("unsaved", default={})


@contextmanager
def unsaved(texts: Mapping[Path, str]) -> Iterator[None]:
    token = _UNSAVED.set(texts)
    try:
        yield
    finally:
        _UNSAVED.reset(token)


# Modules lowered before (a checked policy kept between runs, check/cache.py), by source
# name: a file whose name and text are the same is not parsed again.
_KNOWN: ContextVar[Mapping[str, tuple[SourceFile, ast.Module]]] = ContextVar("known",
                                                                            default={})


@contextmanager
def known(files: Mapping[str, tuple[SourceFile, ast.Module]]) -> Iterator[None]:
    token = _KNOWN.set(files)
    try:
        yield
    finally:
        _KNOWN.reset(token)


@dataclass(frozen=True)
class LoadedPolicy:
    root: Path                   # the folder the policy's includes are confined to
    # In include order, root file first: (name relative to `root`, source, module).
    files: tuple[tuple[str, SourceFile, ast.Module], ...]

    @cached_property
    def sha256(self) -> str:
        """Hash of every file's path (relative to the root folder) and text, in load order,
        so it does not depend on where the checkout lives (computed once, not per case)."""
        digest = hashlib.sha256()
        for relative, source, _ in self.files:
            # The name's bytes as the system gave them (UTF-8 for a UTF-8 name; a name that is
            # not UTF-8 is kept by Python as lone surrogates, which UTF-8 cannot encode).
            digest.update(os.fsencode(relative) + b"\0")
            digest.update(source.text.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def decls(self) -> list[ast.Decl]:
        return [d for _, _, module in self.files for d in module.decls
                if not isinstance(d, ast.Include)]


def load_policy(path: str | Path) -> LoadedPolicy:
    path = Path(path)
    try:
        root = path.resolve().parent
    except (OSError, RuntimeError) as error:  # a symbolic link loop, a name too long
        shown = printable(str(path))
        raise DiagnosticError([_unreadable("policy file", shown, error, where=shown)]) from None
    files: list[tuple[SourceFile, ast.Module]] = []
    errors: list[Diagnostic] = []
    _load(path, root, path.name, None, [], files, errors, display_base=path.parent)
    if errors:
        raise DiagnosticError(errors)
    return LoadedPolicy(root, tuple(files))


def read_source(path: Path, name: str, included_by: ast.Include | None,
                what: str = "policy file") -> SourceFile:
    name = printable(name)
    span = included_by.span if included_by else None
    where = None if span else name
    try:
        held = _UNSAVED.get().get(path.resolve()) if _UNSAVED.get() else None
        raw = held.encode("utf-8") if held is not None else read_regular(path, MAX_POLICY_BYTES)
        if len(raw) > MAX_POLICY_BYTES:  # an editor's unsaved text, held to the same limit
            raise TooLarge(MAX_POLICY_BYTES)
    except (OSError, RuntimeError) as error:  # RuntimeError: a symbolic link loop
        raise DiagnosticError([_unreadable(what, name, error, span, where)]) from None
    except TooLarge:
        raise DiagnosticError([Diagnostic(
            "CP0115", f"the {what} `{name}` is larger than {MAX_POLICY_BYTES} bytes",
            "split the policy into included files", span, where)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DiagnosticError([Diagnostic(
            "CP0113", f"the {what} `{name}` is not UTF-8 text (byte {error.start})",
            f"save the {what} as UTF-8", span, where)]) from None
    source = SourceFile(name, line_feeds(text))
    if what == "policy file":  # a source document's text may hold form feeds (pdftotext)
        _no_control_character(source)
    return source


def line_feeds(text: str) -> str:
    """A policy's text with each line break as LF: a line ends at LF, CRLF or a lone CR (as
    old Mac editors save it, and as the case reader reads it), all three one line break. The
    language server reads an editor's text through it too, so its places are the loader's."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# A control character: C0 but tab and line feed, DEL, C1. Invisible, or shown differently by
# every editor, in a policy it would pass unseen into a clause's name or a quotation. And the
# characters that move text a reviewer reads ("trojan source"), as core/source.py defines
# them: the line and paragraph separators, the bidirectional controls and marks.
_CONTROL = re.compile(source_chars.character_class(
    source_chars.CONTROLS, source_chars.SEPARATORS, source_chars.BIDIRECTIONAL, but="\t\n"))
_KINDS = {"\u2028": "a line separator", "\u2029": "a paragraph separator",
          **dict.fromkeys("\u061c\u200e\u200f", "a bidirectional mark")}


def _no_control_character(source: SourceFile) -> None:
    found = _CONTROL.search(source.text)
    if found:
        char = found.group()
        kind = _KINDS.get(char) or ("a bidirectional control character" if ord(char) > 0x9F
                                    else "a control character")
        raise DiagnosticError([Diagnostic(
            "CP0118", f"the policy file holds {kind}, U+{ord(char):04X}",
            "remove it: a policy is text of printable characters, tabs and line breaks"
            + (", and this one can hide or reorder the text a reviewer reads"
               if ord(char) > 0x9F else ""),
            Span(source, found.start(), found.end()))])


def _unreadable(what: str, name: str, error: OSError | RuntimeError, span=None,
                where: str | None = None) -> Diagnostic:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else \
        "too many levels of symbolic links" if isinstance(error, RuntimeError) else str(error)
    return Diagnostic("CP0110", f"cannot read the {what} `{name}`: {reason}",
                      "give the path of a readable policy file (.claw)", span,
                      where if span is None else None)


def _load(path: Path, root: Path, name: str, included_by: ast.Include | None,
          stack: list[Path], files: list, errors: list[Diagnostic], display_base: Path) -> None:
    try:
        source = read_source(path, str(display_base / name) if included_by is None
                             else name, included_by)
        # Files on disk come back run after run: their trees are kept (treecache.py). An
        # editor's unsaved text changes at each keystroke: it is parsed afresh.
        source, module = _module(source)
    except DiagnosticError as error:
        errors.extend(error.diagnostics)
        return
    files.append((path.resolve().relative_to(root).as_posix(), source, module))
    stack = stack + [path.resolve()]
    for decl in module.decls:
        if not isinstance(decl, ast.Include):
            continue
        target, problem = _resolve_include(decl, path, root)
        if problem:
            errors.append(problem)
            continue
        if any(target.resolve() == (root / f[0]).resolve() for f in files) \
                and target.resolve() not in stack:
            errors.append(Diagnostic(
                "CP0116", f"`{decl.path}` is already included",
                "include each file once; every rule it holds is already in the policy",
                decl.span))
            continue
        if target.resolve() in stack:
            chain = " -> ".join(p.name for p in stack + [target.resolve()])
            errors.append(Diagnostic(
                "CP0112", f"include cycle: {chain}",
                "a file may not include itself, directly or through others", decl.span))
            continue
        if len(stack) >= MAX_INCLUDE_DEPTH:
            errors.append(Diagnostic(
                "CP0114", f"includes nest deeper than {MAX_INCLUDE_DEPTH} files",
                "include the files from fewer levels", decl.span))
            continue
        relative = target.resolve().relative_to(root).as_posix()
        shown = str(display_base / relative)
        _load(target, root, shown, decl, stack, files, errors, display_base)


def _module(source: SourceFile) -> tuple[SourceFile, ast.Module]:
    """The file and its module: a known one (the same name and text) as it was, so that its
    nodes' spans name the very file the policy lists; else parsed and lowered."""
    seen = _KNOWN.get().get(source.name)
    if seen is not None and seen[0].text == source.text:
        return seen
    # The parser (Lark) is imported only when a file is parsed.
    from clawpolicy.syntax.lower import lower
    from clawpolicy.syntax.parse import parse
    from clawpolicy.syntax.treecache import cached_parse

    return source, lower((parse if _UNSAVED.get() else cached_parse)(source), source)


def _resolve_include(decl: ast.Include, path: Path, root: Path) -> tuple[Path, Diagnostic | None]:
    raw = decl.path
    escape = Diagnostic(
        "CP0111", f"the include `{raw}` leaves the policy's folder",
        "include files inside the policy's own folder tree, by a relative path", decl.span)
    if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":"):
        return Path(raw), escape
    target = path.parent / raw
    try:
        target.resolve().relative_to(root)
    except ValueError:
        return target, escape
    except (OSError, RuntimeError) as error:  # a symbolic link loop, a name too long
        return target, _unreadable("included file", raw, error, decl.span)
    # Anything else that is not a regular file (a named pipe, a device) is refused when read.
    try:
        problem = "is a folder, not a file" if target.is_dir() else \
            None if target.exists() else "does not exist"
    except OSError as error:
        problem = f"cannot be read: {error.strerror or error}"
    if problem:
        return target, Diagnostic(
            "CP0110", f"the included file `{raw}` {problem}",
            "give the path of a policy file, relative to the including file", decl.span)
    return target, None
