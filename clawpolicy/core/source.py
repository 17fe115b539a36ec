"""Source files and spans: offsets into a file, with line and column computed on demand."""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property

from clawpolicy.core.deferred import deferred


@dataclass(frozen=True, eq=False)
class SourceFile:
    """A file as read: `name` is what messages show (the path as the user gave it)."""

    name: str
    text: str = field(repr=False)

    @cached_property
    def _line_starts(self) -> list[int]:
        starts = [0]
        starts.extend(i + 1 for i, ch in enumerate(self.text) if ch == "\n")
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")


@deferred(frozen=True)
class Span:
    """A range of characters in one source file. Never part of a node's equality."""

    file: SourceFile = field(repr=False, compare=False)
    start: int
    end: int

    @property
    def line_col(self) -> tuple[int, int]:
        return self.file.line_col(self.start)

    @property
    def text(self) -> str:
        return self.file.text[self.start : self.end]

    def __str__(self) -> str:
        line, col = self.line_col
        return f"{self.file.name}:{line}:{col}"


# ---------------------------------------------------------------- reading files

class NotRegularFile(OSError):
    """A path that names something other than a regular file: reading it could block (a
    named pipe) or never end (a device such as /dev/zero)."""


class TooLarge(Exception):
    """A file holds more bytes than its limit."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at `path`, reading at most `limit + 1` of them: raises
    TooLarge past `limit`, NotRegularFile for anything but a regular file, and OSError when it
    cannot be read. Opening never blocks, so a named pipe is refused rather than waited on;
    a file whose size is already past `limit` is refused before any of it is read."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise NotRegularFile(None, f"it is {kind}, not a regular file")
        if info.st_size > limit:
            raise TooLarge(limit)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def printable(text: str) -> str:
    """`text` as valid Unicode, for a message: a file name the system gave as bytes that are
    not UTF-8 (Python keeps them as lone surrogates) or a lone surrogate a case escaped shows
    as an escape, never as invalid output."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if _only_escaped_bytes(text) else text.encode("utf-8", "backslashreplace").decode()


# What could move a terminal's cursor or start a line of its own: the control characters
# (C0, DEL, C1: a line break, a carriage return, the ESC of an escape sequence, a backspace).
CONTROLS = ((0x00, 0x1F), (0x7F, 0x9F))
# What hides or reorders the text a reader reads ("trojan source"): the line and paragraph
# separators (a line break to some editors and viewers, none to others), the bidirectional
# controls (embeddings and overrides U+202A-U+202E, isolates U+2066-U+2069) and marks (the
# Arabic letter mark U+061C, the left-to-right and right-to-left marks U+200E, U+200F).
# The one definition of them: what a memo escapes (`visible`), what a policy refuses (CP0118,
# syntax/load.py) and what the line a diagnostic shows draws as U+FFFD (core/diagnostics.py).
SEPARATORS = ((0x2028, 0x2029),)
BIDIRECTIONAL = ((0x061C, 0x061C), (0x200E, 0x200F), (0x202A, 0x202E), (0x2066, 0x2069))


def codes(*ranges: tuple[tuple[int, int], ...]) -> list[int]:
    """The code points of the ranges given (each a tuple of (first, last))."""
    return [c for group in ranges for first, last in group for c in range(first, last + 1)]


def character_class(*ranges: tuple[tuple[int, int], ...], but: str = "") -> str:
    """A regular expression matching one character of the ranges given, but those of `but`."""
    return "[" + "".join(re.escape(chr(c)) for c in codes(*ranges) if chr(c) not in but) + "]"


_CONTROL = re.compile(character_class(CONTROLS, SEPARATORS, BIDIRECTIONAL))


def visible(text: str) -> str:
    """`text` for a memo or a report, as `printable`, with each control character shown as
    the escape an error message shows a case's value with (`\\n`, `\\x1b`, `\\u202e`): no
    text a case supplies can start a line of its own or move the cursor."""
    return printable(_CONTROL.sub(lambda m: repr(m[0])[1:-1], text))


def _only_escaped_bytes(text: str) -> bool:
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in text)
