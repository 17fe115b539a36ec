"""Parse trees of policy files kept on disk between runs, so that a command run again on the
same policy starts without building Lark's parser or lexing the file.

Building the parser (even from Lark's own table cache) and the first parse of a policy take
about 40 ms, the largest part of a `check` that clawpolicy itself spends beyond its imports.
A tree is stored under the hash of everything it depends on: the file's text, the grammar,
the parser's options (parse.py) and this file, the versions of Lark and Python; a stored tree is used only where all of them
are equal, and a file that does not parse is never stored. Anything wrong with the cache (a
folder that cannot be made, a file that cannot be read or unpickled) means parsing as if it
were not there: the tree is the same either way.

The folder is `$CLAWPOLICY_CACHE_DIR`, or `clawpolicy` under `$XDG_CACHE_HOME` (by default
`~/.cache`), made readable by its owner only; `CLAWPOLICY_CACHE_DIR=off` turns the cache off.
It holds at most MAX_ENTRIES trees: past that, the oldest half is removed."""

from __future__ import annotations

import hashlib
import pickle
import sys
from functools import lru_cache
from pathlib import Path

from lark import Token, Tree

from clawpolicy.core.cachedir import cache_folder, keep
from clawpolicy.core.cachedir import private as _private
from clawpolicy.core.source import SourceFile
from clawpolicy.syntax.parse import grammar_text, parse

MAX_ENTRIES = 256


def cached_parse(source: SourceFile) -> Tree:
    """The parse tree of `source`, from the cache where it holds it; else `parse`, whose
    errors are raised as they are."""
    folder = cache_folder()
    if folder is None or not _private(folder):
        return parse(source)
    path = folder / (_key(source.text) + ".tree")
    try:
        with open(path, "rb") as stored:
            tree = pickle.load(stored)
        if isinstance(tree, Tree):
            return tree
    except Exception:  # noqa: BLE001 - not there, or unreadable: parse instead
        pass
    tree = parse(source)
    _store(folder, path, tree)
    return tree


def _key(text: str) -> str:
    digest = hashlib.sha256(_salt())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _salt() -> bytes:
    import lark

    from clawpolicy.syntax import parse as parsing

    # parse.py holds the parser's options, this file the way trees are kept: a change of
    # either is a change of what is stored.
    options = Path(parsing.__file__).read_bytes() + b"\0" + Path(__file__).read_bytes()
    return hashlib.sha256("\0".join((
        grammar_text(), lark.__version__, sys.version, str(pickle.HIGHEST_PROTOCOL)))
        .encode("utf-8") + b"\0" + options).digest()


def _store(folder: Path, path: Path, tree: Tree) -> None:
    keep(path, lambda out: _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(tree),
         MAX_ENTRIES)


class _Pickler(pickle.Pickler):
    """Lark's own pickling of a Token keeps where it starts but not where it ends, which
    every span (and so every caret under a diagnostic) needs: a token is kept whole."""

    def reducer_override(self, obj):
        if type(obj) is Token:
            return Token, (obj.type, str(obj), obj.start_pos, obj.line, obj.column,
                           obj.end_line, obj.end_column, obj.end_pos)
        return NotImplemented
