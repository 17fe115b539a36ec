"""The version of the clawpolicy distribution installed, as `importlib.metadata.version`
finds it, kept in the cache folder (core/cachedir.py) for the next run together with what
the finding read, and taken from there only while all of that is unchanged.

Importing `importlib.metadata` (with `email`, `zipfile`, `csv` ...) and reading the
distribution's metadata cost 10-11 ms of CPU, a twelfth of a cold `check` of a kept policy,
to write one line of the seal. `importlib.metadata` finds a distribution by listing every
folder of `sys.path` in order, the first `clawpolicy-*.dist-info` (or `.egg-info`) winning,
and reads its `METADATA` (or `PKG-INFO`). So what is kept is keyed on `sys.path` and each of
its folders' inode and time of change (an entry added, removed or renamed in a folder
changes its time), and holds the version with the inode, size and time of change of the
files it was read from: a changed key, or a changed file, and the version is found again
as before. Where anything but Python's own path finder could answer (another finder on
`sys.meta_path` that finds distributions), `sys.path` holds other than texts, or the
metadata is not a plain file, nothing is kept."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import lru_cache

from clawpolicy.core.cachedir import cache_folder, keep, private

NAME = "clawpolicy"
UNRELEASED = "unreleased"  # run from a checkout that was never installed
MAX_ENTRIES = 16
SUFFIX = ".version"


@lru_cache(maxsize=1)
def version() -> str:
    folder = cache_folder()
    if folder is None or not private(folder) or not _only_the_path_finder() or \
            not all(isinstance(entry, str) for entry in sys.path):
        return _found()[0]
    entry = folder / (_key() + SUFFIX)
    try:
        with open(entry, encoding="utf-8") as kept:
            found, files = json.load(kept)
        if isinstance(found, str) and [[path, _state(path)] for path, _ in files] == files:
            return found
    except Exception:  # noqa: BLE001 - not there, unreadable, or not ours: find it again
        pass
    found, read = _found()
    if read is not None:
        text = json.dumps([found, [[path, _state(path)] for path in read]])
        keep(entry, lambda out: out.write(text.encode("utf-8")), MAX_ENTRIES)
    return found


def _found() -> tuple[str, list[str] | None]:
    """The version as importlib.metadata finds it, and the files it was read from (None
    where they cannot be told)."""
    from importlib import metadata
    from pathlib import Path

    try:
        distribution = metadata.distribution(NAME)
    except metadata.PackageNotFoundError:
        return UNRELEASED, []
    where = getattr(distribution, "_path", None)
    if type(distribution) is not metadata.PathDistribution or not isinstance(where, Path):
        return distribution.version, None
    # What Distribution.metadata reads: METADATA, else PKG-INFO, else the path itself.
    return distribution.version, [str(where), str(where / "METADATA"), str(where / "PKG-INFO")]


def _only_the_path_finder() -> bool:
    from importlib.machinery import PathFinder

    return all(finder is PathFinder for finder in sys.meta_path
               if getattr(finder, "find_distributions", None) is not None)


def _key() -> str:
    """`sys.path` as importlib.metadata lists it: each entry's folder (`''` the current
    one) by its inode and time of change."""
    states = [[entry, _state(entry or ".")] for entry in sys.path]
    return hashlib.sha256(json.dumps([sys.version, states]).encode("utf-8",
                                                                     "surrogatepass")).hexdigest()


def _state(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]
