"""The folder where clawpolicy keeps what it made in one run for the next (the parse trees of
syntax/treecache.py, the checked policies of check/cache.py), and whether what is in it may
be unpickled.

The folder is `$CLAWPOLICY_CACHE_DIR`, or `clawpolicy` under `$XDG_CACHE_HOME` (by default
`~/.cache`), made readable by its owner only; `CLAWPOLICY_CACHE_DIR=off` turns it off."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def cache_folder() -> Path | None:
    chosen = os.environ.get("CLAWPOLICY_CACHE_DIR")
    if chosen is not None and chosen.strip().lower() in ("off", "0", "no", ""):
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "clawpolicy"


def private(folder: Path) -> bool:
    """What is kept is unpickled, so it is read only from a folder that no one else can
    write to: owned by this user, not writable by group or others. A folder not made yet
    is made so (mode 0o700) by whoever keeps something first."""
    try:
        stat = folder.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    return (getuid is None or stat.st_uid == getuid()) and not stat.st_mode & 0o022


def keep(path: Path, write: Callable[[BinaryIO], None], limit: int) -> None:
    """Write `path` in the cache folder (its parent) with `write`, whole or not at all,
    whoever reads it meanwhile; then, past `limit` files of its suffix, remove the oldest
    half. A cache that cannot be written is only slower: nothing is raised."""
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with open(partial, "wb") as out:
            write(out)
        os.replace(partial, path)
        entries = [e for e in os.scandir(folder) if e.name.endswith(path.suffix)]
        if len(entries) <= limit:
            return
        entries.sort(key=lambda e: e.stat().st_mtime)
        for entry in entries[:len(entries) // 2]:
            try:
                os.remove(entry.path)
            except OSError:
                pass
    except Exception:  # noqa: BLE001
        pass
