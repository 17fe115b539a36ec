"""The command's standard streams and output files, guarded: a failed write of the output
(standard output, or the file `-o` names) is raised as `OutputFailed`, and a closed standard
input read as a case as `InputClosed`, so that the command gives the environment's exit code
(CP0801, CP0802: exit code 74), never a traceback; a failed write to standard error is
dropped, there being nowhere left to report it."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager


class OutputFailed(Exception):
    """Writing the output failed; carries the OSError, and the file's name (printable) when
    the output is a file rather than standard output. Not an OSError itself, so that the
    command-line library does not turn a broken pipe into exit code 1 on its own."""

    def __init__(self, error: OSError, target: str | None = None):
        super().__init__(error)
        self.target = target


class InputClosed(Exception):
    """Standard input, given as `-`, is closed."""


def standard_input():
    """Standard input's bytes stream; raises InputClosed when clawpolicy was started with it
    closed (`<&-`)."""
    if sys.stdin is None:
        raise InputClosed()
    return sys.stdin.buffer


@contextmanager
def output_file(path: str | os.PathLike, binary: bool = False):
    """The file at `path`, opened for writing (text: UTF-8, newlines as written); a failure
    to open, write or close it (a folder, a missing folder, a full disk) is OutputFailed."""
    from clawpolicy.core.source import printable

    name = printable(os.fsdecode(path))
    try:
        with (open(path, "wb") if binary
              else open(path, "w", encoding="utf-8", newline="")) as handle:
            yield handle
    except OSError as error:
        raise OutputFailed(error, name) from None


def write_file(path: str | os.PathLike, text: str) -> None:
    """`text` written to the file at `path` as UTF-8; a failure is OutputFailed."""
    with output_file(path) as handle:
        handle.write(text)


class GuardedOutput:
    """Standard output, with a failed write raised as OutputFailed."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise OutputFailed(error) from None

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise OutputFailed(error) from None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class QuietErrors:
    """Standard error, where a failed write is dropped: there is nowhere left to report it,
    and the exit code still says what happened."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except (OSError, ValueError):
            return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def silence_output() -> None:
    """Point standard output at /dev/null, so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
