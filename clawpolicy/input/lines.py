"""The cases of a batch's input, read lazily: a JSON Lines file (a regular file only), standard
input, or a folder of case files, each case an `Item` (a line with its number, or a file),
every line read to at most the case size limit; a line or a folder that cannot be read is an
item of its own, reported in its place. Used by batch.py."""

from __future__ import annotations

import os
import stat
import sys
from typing import BinaryIO, Iterable, Iterator, NamedTuple

from clawpolicy.core.source import NotRegularFile, printable
from clawpolicy.input.reader import MAX_CASE_BYTES

CASE_SUFFIXES = (".yaml", ".yml", ".json")  # in any case of letters, as `check` reads them
_BOM = b"\xef\xbb\xbf"


class InputError(Exception):
    """The batch input itself could not be read on (not one case of it): an error of the
    environment, CP0801 (or CP0802 for a closed standard input)."""

    def __init__(self, message: str, code: str = "CP0801",
                 help: str = "check the device or the program the cases come from"):
        super().__init__(message)
        self.code, self.message, self.help = code, message, help


class Item(NamedTuple):
    """One case of the input: a line of JSON Lines (`line`, `raw`), or a case file of its own
    (`path`); `problem` when it is known to be unreadable before it is parsed."""

    name: str                     # as messages show it
    line: int | None = None
    raw: bytes | None = None
    path: str | None = None
    problem: tuple[str, str, str] | None = None  # code, message, help

    @property
    def where(self) -> str:
        return self.name if self.line is None else f"{self.name}:{self.line}"


def items(source: str) -> Iterator[Item]:
    """Each case of the input, lazily: `-` is standard input; a folder, its case files in
    name order; anything else, a JSON Lines file (a regular file: see `open_source`)."""
    if source != "-" and os.path.isdir(source):
        yield from _folder(source)
        return
    if source == "-":
        if sys.stdin is None:
            raise InputError("standard input is closed", "CP0802",
                             "give the cases on standard input, or name a file or a folder")
        yield from _lines(sys.stdin.buffer, "<stdin>")
        return
    try:
        stream = open_source(source)
    except OSError as error:  # `diff` reports it in its place (`check` refused it first)
        yield Item(printable(source), problem=(
            "CP0401", f"cannot read the cases: {error.strerror or error}",
            "give case files, folders of them or a JSON Lines file (- for standard input)"))
        return
    with stream:
        yield from _lines(stream, printable(source))


def case_items(sources: Iterable[str]) -> Iterator[Item]:
    """The cases of several inputs, in order: a case file (`.yaml`, `.yml` or `.json`), a
    folder of them, or a JSON Lines file (`-`: standard input)."""
    for source in sources:
        if source != "-" and not os.path.isdir(source) \
                and source.lower().endswith(CASE_SUFFIXES):
            yield Item(printable(source), path=source)
        else:
            yield from items(source)


def open_source(source: str) -> BinaryIO:
    """A JSON Lines file, opened for reading: a regular file only, so that a named pipe or
    a device is refused at once rather than waited on or read forever."""
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not _regular(fd):
            raise NotRegularFile(None, "it is not a regular file (give `-` to read a pipe "
                                 "from standard input)")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _regular(fd: int) -> bool:
    return stat.S_ISREG(os.fstat(fd).st_mode)


def _lines(stream: BinaryIO, name: str) -> Iterator[Item]:
    """The non-blank lines, each read to at most the case size limit: a longer line is
    reported in its place and skipped to its end without being kept."""
    number = 0
    while True:
        try:
            line = stream.readline(MAX_CASE_BYTES + 1)
        except OSError as error:
            raise InputError(f"cannot read {name}: {error.strerror or error}") from None
        if not line:
            return
        number += 1
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        if len(line) > MAX_CASE_BYTES and not line.endswith(b"\n"):
            _skip_line(stream, name)
            yield Item(name, number, problem=(
                "CP0402", f"the case file is larger than {MAX_CASE_BYTES} bytes",
                "split the case, or check that this is the right line"))
        elif line.strip():
            yield Item(name, number, raw=line)


def _skip_line(stream: BinaryIO, name: str) -> None:
    while True:
        try:
            rest = stream.readline(1 << 20)
        except OSError as error:
            raise InputError(f"cannot read {name}: {error.strerror or error}") from None
        if not rest or rest.endswith(b"\n"):
            return


def _folder(root: str) -> Iterator[Item]:
    """The case files under `root`, in name order, folders included where their name falls;
    symbolic links to folders are not followed (no loops). A folder that cannot be listed
    is reported in its place."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as error:
        yield Item(printable(root), problem=(
            "CP0401", f"cannot read the folder: {error.strerror or error}",
            "give a folder of case files that can be read"))
        return
    for entry in entries:
        try:
            folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            folder = False
        if folder:
            yield from _folder(entry.path)
        elif entry.name.lower().endswith(CASE_SUFFIXES):
            yield Item(printable(entry.path), path=entry.path)


def total(source: str) -> int | None:
    """How many cases the input holds, when that can be known before reading it (not for
    standard input): one pass that keeps nothing."""
    if source == "-":
        return None
    return sum(1 for _ in items(source))
