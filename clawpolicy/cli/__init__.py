"""The `clawpolicy` command: arguments, rendering and exit codes; no logic of its own.

Exit codes:
  0   a determination was made (whatever its outcome); for test, lint and fmt --check: all is well
  1   test: a case failed; lint: warnings; fmt --check: a file would change; verify: the
      determination differs; diff: some determination (or rule) changes; lsp: the editor
      said exit without asking it to shut down first
  2   usage error (a bad flag or argument)
  3   the policy is invalid
  4   the case file is invalid
  5   check --fail-on recovery: the outcome (of any case, with --batch) is recovery
  6   check --fail-on pending: the outcome (of any case, with --batch) is pending
  70  an internal error (a defect of clawpolicy: please report it)
  71  a worker process of `check --batch --jobs N` stopped before its cases were decided
  74  an input or output error: the output cannot be written, or a standard stream is closed
  130 interrupted (Ctrl-C); quietly, as Unix tools are
  141 the reader of the output went away (a broken pipe); quietly, as Unix tools are

Errors of the environment (71, 74, 130, 141) are never reported as defects (70).
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager


def _the_program(frame) -> bool:
    """Whether `frame` is the top level of `__main__` (the `clawpolicy` script, `python -m
    clawpolicy`) with nothing frozen out of the collector: a process that is the program's
    and ends with its command."""
    return frame is not None and frame.f_globals.get("__name__") == "__main__" \
        and gc.get_freeze_count() == 0


def _imported_by_the_program() -> bool:
    """Whether this package is being imported by the program (`_the_program`): the test
    `main()` makes again once called, made here before typer is imported."""
    frame = sys._getframe(2)  # past this package's own frame
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back
    return _the_program(frame)


# The program's `check` pauses the cyclic collector from here on, before typer and pydantic
# are imported: what they make lives until the command ends, as its start-up's does
# (cli.common.start_up, which resumes the collector, the start-up frozen out of it); `main`
# resumes it at once where it finds it is not the program's `check`.
_PAUSED = sys.argv[1:2] == ["check"] and gc.isenabled() and _imported_by_the_program()
if _PAUSED:
    gc.disable()

from typer.main import get_command_name  # noqa: E402

# Each command registers itself on `app` when its module is imported; a new command is a
# module of this package, imported here (`check` first, which the help lists first).
from clawpolicy.cli import check as _check  # noqa: F401
from clawpolicy.cli import common as _common
from clawpolicy.cli import noplugins as _noplugins
from clawpolicy.cli.common import (EXIT_BROKEN_PIPE, EXIT_CASE, EXIT_FINDINGS, EXIT_INTERNAL,
                                   EXIT_INTERRUPTED, EXIT_IO, EXIT_OK, EXIT_OS, EXIT_PENDING,
                                   EXIT_POLICY, EXIT_RECOVERY, EXIT_USAGE, app)
from clawpolicy.tools.streams import GuardedOutput as _GuardedOutput
from clawpolicy.tools.streams import InputClosed, OutputFailed
from clawpolicy.tools.streams import QuietErrors as _QuietErrors
from clawpolicy.tools.streams import silence_output as _silence_output

_policytools = _prove = _report = _whatif = None


def _other_commands() -> None:
    """Import the modules of the commands other than `check`, each registering its own."""
    global _policytools, _prove, _report, _whatif
    from clawpolicy.cli import policytools as _policytools
    from clawpolicy.cli import prove as _prove
    from clawpolicy.cli import report as _report
    from clawpolicy.cli import whatif as _whatif


# The program's `check` needs none of them (`_only_the_command` would set them aside): they
# are imported where `main` finds it is not that (0.8 ms, 0.6% of a cold `check`).
if not _PAUSED or any(key.startswith("_CLAWPOLICY_COMPLETE") for key in os.environ):
    _other_commands()

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_CASE", "EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_INTERRUPTED",
           "EXIT_IO", "EXIT_OK", "EXIT_OS", "EXIT_PENDING", "EXIT_POLICY", "EXIT_RECOVERY",
           "EXIT_USAGE", "app", "main", "_check", "_policytools", "_prove", "_report", "_whatif"]


def main() -> None:
    # Called from the top level of `__main__` (the `clawpolicy` command, `python -m
    # clawpolicy`), this is the program: its process ends with the command, so `check`'s
    # start-up may stay frozen out of the collector to the end (cli.common.start_up).
    # Called from anywhere else (a test), the caller's collector is left as it was.
    _common.AS_PROGRAM = _the_program(sys._getframe(1))
    global _PAUSED
    if _PAUSED and not (_common.AS_PROGRAM and sys.argv[1:2] == ["check"]):
        gc.enable()  # paused at import for a program's `check` that this is not
    if _policytools is None and not (_PAUSED and _common.AS_PROGRAM):
        _other_commands()
    paused, _PAUSED = _PAUSED, False
    if _common.AS_PROGRAM:
        # No code but clawpolicy's runs in the program, so nothing in it can have set up a
        # pydantic plugin (an observer of validation, found through the installed packages'
        # entry points): the search for them, a scan of every installed package's metadata
        # on the first model, is skipped (typer skips it for its own validators), unless
        # the environment says otherwise.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        _noplugins.install()  # and, with plugins off, imports no importlib.metadata
    try:
        code = _main()
    finally:
        _common.AS_PROGRAM = False
        if paused:
            gc.enable()  # where its start-up did not (a usage error), as `_main` does
    batch = sys.modules.get("clawpolicy.batch")
    if batch is not None and batch.workers_stopped():
        # The worker pool's threads were cut off mid-send: Python's exit handlers would
        # print their traceback. Everything written is flushed; leave without them.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    raise SystemExit(code)


def _main() -> int:
    sys.stderr = _QuietErrors(sys.stderr if sys.stderr is not None
                              else open(os.devnull, "w", encoding="utf-8"))
    if sys.stdout is None:
        return _environment("CP0802", "standard output is closed",
                            "run clawpolicy with its output going to a file, a pipe or a "
                            "terminal")
    sys.stdout = _GuardedOutput(sys.stdout)
    paused = _common.AS_PROGRAM and sys.argv[1:2] == ["check"] and gc.isenabled()
    if paused:
        # Its start-up (cli.common.start_up) begins here: typer's parsing of its arguments
        # builds pydantic's validators, importing most of pydantic.
        gc.disable()
    try:
        try:
            with _only_the_command(sys.argv[1:]):
                app(standalone_mode=True)
            code = EXIT_OK
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else EXIT_OK if stop.code is None \
                else EXIT_USAGE
        sys.stdout.flush()
        return code
    except OutputFailed as failed:
        error = failed.args[0]
        if failed.target is not None:  # a file the command writes (-o FILE)
            return _environment("CP0801", f"cannot write {failed.target}: "
                                f"{error.strerror or error}", "check that the folder exists, "
                                "the name is not a folder's, and the disk is not full")
        _silence_output()
        if isinstance(error, BrokenPipeError):
            return EXIT_BROKEN_PIPE  # the reader went away: nothing to say, as `head` shows
        return _environment("CP0801", f"cannot write the output: {error.strerror or error}",
                            "check that the disk is not full and the output can be written")
    except InputClosed:
        return _environment("CP0802", "standard input is closed",
                            "give the case on standard input, or name its file")
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BaseException as error:  # noqa: BLE001 - the last guard before the user
        if _interrupted(error):
            return EXIT_INTERRUPTED
        if _raised_by("clawpolicy.input.lines", "InputError", error):
            return _environment(error.code, error.message, error.help)
        if _raised_by("concurrent.futures.process", "BrokenProcessPool", error):
            sys.stderr.write(f"error[CP0803]: a worker process stopped before its cases were "
                             f"decided: {error}\n  = help: check the memory and processes the "
                             "system allows, then run again (the lines written so far are "
                             "complete)\n")
            return EXIT_OS
        sys.stderr.write(
            f"error[CP0900]: internal error: {type(error).__name__}: {error}\n"
            "  = help: this is a defect of clawpolicy, not of your files; please report it "
            "with the policy and the case\n")
        return EXIT_INTERNAL
    finally:
        if paused:
            gc.enable()  # where it stopped before its start-up was over (a usage error)


@contextmanager
def _only_the_command(args: list[str]):
    """Typer builds every registered command (their signatures read, their parameters made)
    on every run, to find the one named: with `args` naming one, the others are set aside
    while it runs. Its help, usage and errors name only it, so they read the same. Anything
    else (no command, an option first, a name that is no command, whose error lists them,
    shell completion) sees them all."""
    registered = app.registered_commands
    named = [c for c in registered if args and args[0] == (
        c.name or get_command_name(c.callback.__name__ if c.callback else ""))]
    completing = any(key.startswith("_CLAWPOLICY_COMPLETE") for key in os.environ)
    if len(named) == 1 and not completing:
        app.registered_commands = named
    try:
        yield
    finally:
        app.registered_commands = registered


def _interrupted(error: BaseException) -> bool:
    """Whether `error` was raised while an interrupt was being handled: a Ctrl-C that comes
    as a lock is taken again in `threading.Condition.wait` (the batch's waits for its
    workers) leaves it released, and the `with` around the wait then raises "release
    unlocked lock" in the interrupt's place. The user pressed Ctrl-C: 130, quietly."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _raised_by(module: str, name: str, error: BaseException) -> bool:
    """Whether `error` is the exception `name` of `module`, without importing the module: a
    command that never loaded it (a single `check`: no batch, no process pool) cannot have
    raised it, and importing them for the test alone would slow every start."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(error, getattr(loaded, name))


def _environment(code: str, message: str, help: str) -> int:
    sys.stderr.write(f"error[{code}]: {message}\n  = help: {help}\n")
    return EXIT_IO
