"""The `clawpolicy` command: arguments, rendering and exit codes; no logic of its own.

Exit codes:
  0   a determination was made (whatever its outcome); for test, lint and fmt --check: all is well
  1   test: a case failed; lint: warnings; fmt --check: a file would change
  2   usage error (a bad flag or argument)
  3   the policy is invalid
  4   the case file is invalid
  70  an internal error (a defect of clawpolicy: please report it)
  71  a worker process of `check --batch --jobs N` stopped before its cases were decided
  74  an input or output error: the output cannot be written, or a standard stream is closed
  130 interrupted (Ctrl-C); quietly, as Unix tools are
  141 the reader of the output went away (a broken pipe); quietly, as Unix tools are

Errors of the environment (71, 74, 130, 141) are never reported as defects (70).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import NoReturn, Optional

import typer

from clawpolicy import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_POLICY = 3
EXIT_CASE = 4
EXIT_INTERNAL = 70  # a defect of clawpolicy itself; never a traceback
EXIT_OS = 71        # sysexits EX_OSERR: a worker process stopped
EXIT_IO = 74        # sysexits EX_IOERR: the output cannot be written, a stream is closed
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE

app = typer.Typer(
    name="clawpolicy",
    help="Evaluate executive-compensation clawback policies against case files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


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


@app.command()
def check(
    policy: Path = typer.Argument(..., metavar="POLICY", help="The policy file (.claw).",
                                show_default=False),
    case: Optional[Path] = typer.Argument(None, metavar="[CASE]",
                                          help="The case file (YAML or JSON).",
                                          show_default=False),
    format: Optional[Format] = typer.Option(
        None, "--format", "-f",
        help="Output format: text, json or markdown. Default: text on a terminal, json "
             "otherwise."),
    batch: Optional[str] = typer.Option(
        None, "--batch", metavar="CASES",
        help="Determine many cases: a JSON Lines file, - for standard input, or a folder of "
             "case files. Writes one determination per line (JSON Lines), in input order; a "
             "case that cannot be read gets a line with its errors; a summary goes to "
             "standard error. Exit code 4 if any case could not be read."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=64,
                             help="With --batch: worker processes."),
) -> None:
    """Print the reasoned determination of POLICY for the participant in CASE.

    Example: clawpolicy check policies/qualys-2019.claw examples/cases/01-full-recovery-paid-bonus.yaml

    Example: clawpolicy check policies/qualys.claw --batch cases.jsonl --jobs 2 > out.jsonl
    """
    from clawpolicy import api

    if (case is None) == (batch is None):
        raise typer.BadParameter("give either CASE or --batch CASES", param_hint="CASE")
    if batch is not None:
        if format not in (None, Format.json):
            raise typer.BadParameter("--batch writes JSON Lines only", param_hint="--format")
        _batch(policy, batch, jobs)
        return
    if jobs != 1:
        raise typer.BadParameter("--jobs goes with --batch", param_hint="--jobs")
    chosen = format or (Format.text if sys.stdout.isatty() else Format.json)
    try:
        compiled = api.compile_policy(policy)
        determination = api.evaluate(compiled, api.read_case(case))
    except api.PolicyError as error:
        _fail(error.diagnostics, EXIT_POLICY)
    except api.CaseError as error:
        _fail(error.diagnostics, EXIT_CASE)
    sys.stdout.write(_render(determination, chosen))


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def test(
    paths: list[Path] = typer.Argument(..., metavar="PATH...",
                                       help="Case files, or folders to search for them."),
    policy: Optional[Path] = typer.Option(
        None, "--policy", "-p", help="Test every case against this policy, whatever the "
        "cases' `expect.policy` says."),
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f",
                                        help="text (a table) or json (for CI)."),
) -> None:
    """Run case files that carry their expected determination, and report coverage.

    A case states what it expects in an `expect:` block (or a sibling NAME.expect.yaml):
    outcome, total_recoverable, per-award outcome and recoverable, open_questions,
    revisions_applied. Exit code 1 if any case fails.

    Example: clawpolicy test examples/
    """
    from clawpolicy.render import testreport
    from clawpolicy.tools import testing

    report = testing.run(paths, policy)
    out = testreport.render_json(report) if format is ReportFormat.json \
        else testreport.render_text(report)
    sys.stdout.write(out)
    raise typer.Exit(EXIT_FINDINGS if report.failed else EXIT_OK)


@app.command()
def lint(
    policy: Path = typer.Argument(..., metavar="POLICY", help="The policy file (.claw)."),
) -> None:
    """Check POLICY without a case: every static error, and warnings.

    Warnings: definitions never used (CP1001), scopes or conditions that can never hold or
    never fail (CP1002, CP1003), quotations not word for word in the source document
    (CP1004), sentences of the source document no rule encodes and no `recital` marks as
    non-operative (CP1005), no source document (CP1006). Exit code 3 on errors, 1 on
    warnings, 0 when clean.

    Example: clawpolicy lint policies/qualys.claw
    """
    from clawpolicy.tools.lint import lint as run_lint

    errors, warnings = run_lint(policy)
    if errors or warnings:
        _fail(errors + warnings, EXIT_POLICY if errors else EXIT_FINDINGS)
    sys.stdout.write(f"{policy}: no errors, no warnings\n")


class TraceFormat(str, Enum):
    text = "text"
    markdown = "markdown"


@app.command()
def trace(
    policy: Path = typer.Argument(..., metavar="POLICY", help="The policy file (.claw)."),
    format: TraceFormat = typer.Option(TraceFormat.text, "--format", "-f",
                                       help="text, or markdown for a table a lawyer can "
                                       "review beside the text."),
) -> None:
    """Show the source document sentence by sentence, with the rules that encode each.

    Ends with "N of M operative sentences encoded"; sentences a `recital` marks as
    non-operative are shown with the reason and not counted.

    Example: clawpolicy trace policies/qualys-2019.claw --format markdown
    """
    from clawpolicy import api
    from clawpolicy.core.diagnostics import DiagnosticError
    from clawpolicy.tools.lint import render_trace

    try:
        compiled = api.compile_policy(policy)
        sys.stdout.write(render_trace(compiled, markdown=format is TraceFormat.markdown))
    except DiagnosticError as error:
        _fail(error.diagnostics, EXIT_POLICY)


@app.command()
def fmt(
    files: list[Path] = typer.Argument(..., metavar="FILE...",
                                       help="Policy files, or folders of them."),
    check: bool = typer.Option(False, "--check",
                               help="Change nothing; exit 1 and name the files that would "
                               "change."),
) -> None:
    """Rewrite policy files in the one canonical layout, keeping their comments.

    Formatting twice changes nothing more, and never changes what a policy means: the
    formatted file reads back to the same rules.

    Example: clawpolicy fmt --check policies/
    """
    from clawpolicy.core.diagnostics import DiagnosticError, render_all
    from clawpolicy.tools.fmt import format_file

    paths = [p for f in files for p in (sorted(f.rglob("*.claw")) if f.is_dir() else [f])]
    changed, failed = [], []
    for path in paths:
        try:
            before, after = format_file(path)
        except DiagnosticError as error:
            sys.stderr.write(render_all(error.diagnostics))
            failed.append(path)
            continue
        if before != after:
            changed.append(path)
            if not check:
                path.write_text(after, encoding="utf-8")
    verb = "would reformat" if check else "reformatted"
    for path in changed:
        sys.stdout.write(f"{verb} {path}\n")
    formatted = len(paths) - len(changed) - len(failed)
    sys.stdout.write(f"{formatted} of {len(paths)} files already formatted"
                     + (f", {len(failed)} not read" if failed else "") + "\n")
    if failed:
        raise typer.Exit(EXIT_POLICY)
    raise typer.Exit(EXIT_FINDINGS if check and changed else EXIT_OK)


@app.command()
def schema() -> None:
    """Print the JSON Schema of case files, so other tools can validate cases.

    Example: clawpolicy schema > case.schema.json
    """
    from clawpolicy.tools import schema as case_schema

    sys.stdout.write(case_schema.render())


@app.command()
def lsp() -> None:
    """Run the language server for editors, on standard input and output.

    Diagnostics as you type, hover, go to definition, references, completion and formatting:
    see docs/editors.md. Needs the `lsp` extra; without it, exit code 2.

    Example: clawpolicy lsp
    """
    from clawpolicy import lsp as language_server

    if not language_server.available():
        sys.stderr.write("error: the language server needs its extra: "
                         f"{language_server.INSTALL}\n")
        raise typer.Exit(EXIT_USAGE)
    language_server.serve()


def _batch(policy: Path, source: str, jobs: int) -> None:
    from clawpolicy import api, batch
    from clawpolicy.core.source import printable

    if source != "-" and not os.path.isdir(source):
        if not os.path.lexists(source):
            raise typer.BadParameter(f"{printable(source)} does not exist", param_hint="--batch")
        try:
            batch.open_source(source).close()
        except OSError as error:
            raise typer.BadParameter(f"{printable(source)} cannot be read: "
                                     f"{error.strerror or error}", param_hint="--batch") from None
    progress = sys.stderr if sys.stderr.isatty() else None
    try:
        summary = batch.run(str(policy), source, sys.stdout, jobs, progress)
    except api.PolicyError as error:
        _fail(error.diagnostics, EXIT_POLICY)
    sys.stderr.write(summary.render())
    raise typer.Exit(EXIT_INTERNAL if summary.defects else EXIT_CASE if summary.errors
                     else EXIT_OK)


def _fail(diagnostics, code: int) -> NoReturn:
    """Every diagnostic to standard error, then the exit code that says what failed."""
    from clawpolicy.core.diagnostics import render_all

    sys.stderr.write(render_all(diagnostics))
    raise typer.Exit(code)


def _render(determination, chosen: Format) -> str:
    from clawpolicy.render import json as json_render
    from clawpolicy.render import layout

    if chosen is Format.json:
        return json_render.render(determination)
    if chosen is Format.markdown:
        return layout.markdown(determination)
    return layout.text(determination)


class OutputFailed(Exception):
    """Writing the output failed; carries the OSError. Not an OSError itself, so that the
    command-line library does not turn a broken pipe into exit code 1 on its own."""


class _GuardedOutput:
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


class _QuietErrors:
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


def main() -> None:
    raise SystemExit(_main())


def _main() -> int:
    from concurrent.futures.process import BrokenProcessPool

    from clawpolicy.batch import InputError

    sys.stderr = _QuietErrors(sys.stderr if sys.stderr is not None
                              else open(os.devnull, "w", encoding="utf-8"))
    if sys.stdout is None:
        return _environment("CP0802", "standard output is closed",
                            "run clawpolicy with its output going to a file, a pipe or a "
                            "terminal")
    sys.stdout = _GuardedOutput(sys.stdout)
    try:
        try:
            app(standalone_mode=True)
            code = EXIT_OK
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else EXIT_OK if stop.code is None \
                else EXIT_USAGE
        sys.stdout.flush()
        return code
    except OutputFailed as failed:
        error = failed.args[0]
        _silence_output()
        if isinstance(error, BrokenPipeError):
            return EXIT_BROKEN_PIPE  # the reader went away: nothing to say, as `head` shows
        return _environment("CP0801", f"cannot write the output: {error.strerror or error}",
                            "check that the disk is not full and the output can be written")
    except InputError as error:
        return _environment(error.code, error.message, error.help)
    except BrokenProcessPool as error:
        sys.stderr.write(f"error[CP0803]: a worker process stopped before its cases were "
                         f"decided: {error}\n  = help: check the memory and processes the "
                         "system allows, then run again (the lines written so far are "
                         "complete)\n")
        return EXIT_OS
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BaseException as error:  # noqa: BLE001 - the last guard before the user
        sys.stderr.write(
            f"error[CP0900]: internal error: {type(error).__name__}: {error}\n"
            "  = help: this is a defect of clawpolicy, not of your files; please report it "
            "with the policy and the case\n")
        return EXIT_INTERNAL


def _environment(code: str, message: str, help: str) -> int:
    sys.stderr.write(f"error[{code}]: {message}\n  = help: {help}\n")
    return EXIT_IO


def _silence_output() -> None:
    """Point standard output at /dev/null, so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
