"""The command's standard streams, guarded: a failed write of the output is raised as
`OutputFailed` (so the command can give the environment's exit code, never a traceback), and
a failed write to standard error is dropped, there being nowhere left to report it."""

from __future__ import annotations

import os
import sys


class OutputFailed(Exception):
    """Writing the output failed; carries the OSError. Not an OSError itself, so that the
    command-line library does not turn a broken pipe into exit code 1 on its own."""


class GuardedOutput:
    """Standard output, with a failed write raised as OutputFailed."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise OutputFailed(error) from None

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
