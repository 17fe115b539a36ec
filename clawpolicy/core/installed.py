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
metadata is not a plain file, nothing is kept.

Where nothing is kept (the cache folder off, or a first run), the version is looked up as
`importlib.metadata` looks it up, without importing it (`_looked_up`, about 11 ms of CPU in
a `check` that parses its policy): the same folders in the same order, the same files, the
`Version` header where its metadata file writes it plainly; anything less plain is left to
`importlib.metadata` itself."""

from __future__ import annotations

import hashlib
import json
import os
import re
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
    looked_up = _looked_up()
    if looked_up is not None:
        return looked_up
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


# A line of a metadata file's headers as `email`'s parser takes one to open a header (the
# parser also takes `From `, and a name-less `:`, neither looked up here), and one that
# continues the header before it.
_HEADER = re.compile(r"[\x21-\x39\x3b-\x7e]+:")
_CONTINUED = (" ", "\t")
# A version written plainly: what `Version:` holds once its spaces and tabs are stripped
# from the left, as `email` strips them, with nothing to strip on the right.
_PLAIN = re.compile(r"[0-9A-Za-z.!+_-]+")


def _looked_up() -> tuple[str, list[str]] | None:
    """What `_found` finds, found without importing `importlib.metadata`, or None where
    anything met is not plain, and that is to look it up. As `importlib.metadata` (its
    `MetadataPathFinder`, `FastPath`, `Lookup`, `Prepared` and `PathDistribution`) does: the
    folders of `sys.path` in order, each one's entries in the order `os.listdir` gives them;
    the first entry named `NAME-*.dist-info` or `NAME-*.egg-info` (its name lowered, cut at
    the first `-`, normalized) is the distribution; its `METADATA`, else its `PKG-INFO`, the
    first of them read as UTF-8 that is not empty, gives the first `Version` header of its
    headers (the lines before the first empty one). Not plain: another finder of
    distributions, an entry of `sys.path` that is not a text, or is a file (a zip), or cannot
    be listed but for not being there, or whose name ends in `.egg` (whose `EGG-INFO`
    `importlib.metadata` also reads); a metadata file that cannot be read or decoded, a
    header line that `email` would read otherwise (a continued `Version`, a line that is
    neither a header nor continues one), a version with other characters."""
    if not _only_the_path_finder():
        return None
    from pathlib import Path

    for root in sys.path:
        if not isinstance(root, str) or os.path.basename(root).lower().endswith(".egg"):
            return None
        try:
            children = os.listdir(root or ".")
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return None
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")) and \
                    _normalized(low.rpartition(".")[0].partition("-")[0]) == NAME:
                where = Path(root, child)
                version = _version(where)
                return None if version is None else \
                    (version, [str(where), str(where / "METADATA"), str(where / "PKG-INFO")])
    return UNRELEASED, []


def _normalized(name: str) -> str:
    """A distribution's name as `importlib.metadata.Prepared.normalize` writes it."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _version(where) -> str | None:
    """The version a distribution's metadata folder gives plainly, or None."""
    for name in ("METADATA", "PKG-INFO"):
        try:
            text = (where / name).read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
            continue  # as importlib.metadata's read_text: the next file
        except (OSError, ValueError):  # not decoded: importlib.metadata raises it
            return None
        if text:
            break
    else:
        return None  # an egg-info file, read as itself: left to importlib.metadata
    lines = text.split("\n")  # read in text mode, every line ends in "\n"
    for i, line in enumerate(lines):
        if not line:
            return None  # the headers end, no Version among them
        if line.startswith(_CONTINUED):
            if i == 0:
                return None
            continue
        if _HEADER.match(line) is None:
            return None
        header, _, value = line.partition(":")
        if header.lower() == "version":
            value = value.lstrip(" \t")
            following = lines[i + 1] if i + 1 < len(lines) else ""
            return value if _PLAIN.fullmatch(value) and \
                not following.startswith(_CONTINUED) else None
    return None


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
