"""What every command shares: the application, the exit codes, the formats, failing and
rendering. The exit codes are listed in `clawpolicy.cli`'s docstring."""

from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from enum import Enum
from typing import NoReturn

import typer

from clawpolicy import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_POLICY = 3
EXIT_CASE = 4
EXIT_RECOVERY = 5   # check --fail-on recovery: the outcome is recovery
EXIT_PENDING = 6    # check --fail-on pending: the outcome is pending
EXIT_INTERNAL = 70  # a defect of clawpolicy itself; never a traceback
EXIT_OS = 71        # sysexits EX_OSERR: a worker process stopped
EXIT_IO = 74        # sysexits EX_IOERR: the output cannot be written, a stream is closed
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE

app = typer.Typer(
    name="clawpolicy",
    help="Evaluate executive-compensation clawback policies against case files.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    md = "md"  # markdown, as a user types it
    html = "html"


class Explain(str, Enum):
    """How much of the reasoning a memo shows (the JSON keeps it all)."""

    full = "full"
    summary = "summary"
    fails = "fails"


class FailOn(str, Enum):
    recovery = "recovery"
    pending = "pending"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"clawpolicy {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Evaluate executive-compensation clawback policies against case files."""


def _fail_on_code(outcomes, fail_on) -> int:
    if FailOn.recovery in fail_on and "recovery" in outcomes:
        return EXIT_RECOVERY
    if FailOn.pending in fail_on and "pending" in outcomes:
        return EXIT_PENDING
    return EXIT_OK


def _fail(diagnostics, code: int) -> NoReturn:
    """Every diagnostic to standard error, then the exit code that says what failed."""
    from clawpolicy.core.diagnostics import render_all

    sys.stderr.write(render_all(diagnostics))
    raise typer.Exit(code)


def _render(determination, chosen: Format, explain: Explain = Explain.summary,
            policy=None) -> str:
    if chosen is Format.json:
        from clawpolicy.render import json as json_render

        return json_render.render(determination)
    from clawpolicy.render import layout  # the memo's modules, only for a memo

    # The memo in the words of the vocabulary the policy was checked against.
    vocabulary = policy.vocabulary if policy is not None else None
    if chosen in (Format.markdown, Format.md):
        return layout.markdown(determination, explain.value, vocabulary)
    if chosen is Format.html:
        from clawpolicy.render import html
        from clawpolicy.tools.lint import source_document

        source = source_document(policy) if policy is not None else None
        return html.render(determination, source, explain.value, vocabulary)
    return layout.text(determination, explain.value, vocabulary)


@contextmanager
def reported(assumption_exit: int = EXIT_USAGE):
    """An invalid policy, case or assumption within the block: its diagnostics to standard
    error and its exit code (an assumption's is the command's to choose)."""
    from clawpolicy import api

    try:
        yield
    except api.AssumptionError as error:
        _fail(error.diagnostics, assumption_exit)
    except api.PolicyError as error:
        _fail(error.diagnostics, EXIT_POLICY)
    except api.CaseError as error:
        _fail(error.diagnostics, EXIT_CASE)


# True while `clawpolicy.cli.main` runs a command as the program, whose process ends with
# the command (not for a caller running commands in its own process, as tests do).
AS_PROGRAM = False


@contextmanager
def start_up():
    """A command's start-up (its modules imported, the policy unpickled or checked, the
    case models built and the case read) without the cyclic collector: what it makes lives
    until the command ends, so the collector's passes over it find nothing. When it ends,
    however it ends, the collector runs again as before; in the program, what was made is
    first frozen out of its later passes (gc.freeze: the passes of the command's own work
    and the one at exit), which is what saves the time (a sixth of a cold `check`'s CPU).
    A caller running commands in its own process keeps its collector as it was: nothing
    of its own is frozen."""
    enabled = gc.isenabled() or AS_PROGRAM  # the program may have paused it already
    gc.disable()
    try:
        yield
    finally:
        if AS_PROGRAM:
            gc.freeze()
        if enabled:
            gc.enable()
