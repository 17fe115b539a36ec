"""Checked policies kept on disk between runs, so that a command run again on the same policy
starts without importing the parser and the checker, or checking the policy again.

A cold `check` of a JSON case spent about a fifth of its time on the policy: importing Lark,
the lowering and the checker, then parsing (or reading the kept trees, syntax/treecache.py)
and checking. A checked policy pickles as itself (CheckedPolicy.__reduce__), so it is kept
as it is, under the hash of how it was named (the path as given and where it leads, which
name its messages by) and of the code that made it (every module of `core`, `syntax`,
`check` and `vocabulary`, by size and time of change; the grammar; Python's version). It is
used only when every one of its files is read again and found the same, name and text,
following the includes of the files as they are now: a changed file is parsed and the
policy checked again, as if nothing were kept. A policy with errors is never kept. Only the
shipped vocabulary's policies are kept (another vocabulary's file could change unseen).

The folder and its rules are the parse trees' (treecache.py): `$CLAWPOLICY_CACHE_DIR`,
readable and writable by its owner only, `CLAWPOLICY_CACHE_DIR=off` to turn it off; it
holds at most MAX_ENTRIES checked policies, the oldest half removed past that."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core.cachedir import cache_folder, keep, private
from clawpolicy.syntax.load import known, load_policy
from clawpolicy.vocabulary import Vocabulary, load, vouched

MAX_ENTRIES = 64
SUFFIX = ".checked"


def checked_policy(path: str | Path, vocabulary: Vocabulary | None = None) -> CheckedPolicy:
    """The policy at `path` loaded and checked (`check.checker.check`), or kept from an
    earlier run where its files are the same; raises DiagnosticError as the checker does."""
    folder = _folder() if vocabulary is None else None
    entry = folder / (_key(path) + SUFFIX) if folder is not None else None
    kept = _read(entry) if entry is not None else None
    files = {source.name: (source, module) for _, source, module in kept.loaded.files} \
        if kept is not None else {}
    with known(files):
        loaded = load_policy(path)
    if kept is not None and _same(loaded, kept) and kept.vocabulary is load():
        return kept
    from clawpolicy.check.checker import check

    checked = check(loaded, vocabulary)
    if entry is not None:
        _store(entry, checked)
    return checked


def _same(loaded, kept: CheckedPolicy) -> bool:
    return [(r, s.name, s.text) for r, s, _ in loaded.files] == \
        [(r, s.name, s.text) for r, s, _ in kept.loaded.files]


def _folder() -> Path | None:
    folder = cache_folder()
    return folder if folder is not None and private(folder) else None


def _key(path: str | Path) -> str:
    try:
        where = str(Path(path).resolve())
    except (OSError, RuntimeError):
        where = ""
    digest = hashlib.sha256(_salt())
    digest.update(f"{path}\0{where}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _salt() -> bytes:
    """What a kept policy depends on besides its files: the code that read and checked it
    and the pickle's format."""
    package = Path(__file__).resolve().parent.parent
    parts = [sys.version, str(pickle.HIGHEST_PROTOCOL)]
    # The grammar is inside the installed package, or beside the package in a checkout.
    for folder in ("core", "syntax", "check", "vocabulary", "grammar", "../grammar"):
        try:
            entries = sorted(os.scandir(package / folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith((".py", ".lark", ".toml")):
                stat = entry.stat()
                parts.append(f"{folder}/{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).digest()


def _read(entry: Path) -> CheckedPolicy | None:
    try:
        # Kept by this same code (the key's salt): its shipped vocabulary is this process's.
        with open(entry, "rb") as stored, vouched():
            kept = pickle.load(stored)
    except Exception:  # noqa: BLE001 - not there, or unreadable: check instead
        return None
    return kept if isinstance(kept, CheckedPolicy) else None


def _store(entry: Path, checked: CheckedPolicy) -> None:
    keep(entry, lambda out: pickle.dump(checked, out, protocol=pickle.HIGHEST_PROTOCOL),
         MAX_ENTRIES)
