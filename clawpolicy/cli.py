"""The `clawpolicy` command: arguments, rendering and exit codes; no logic of its own.

Exit codes:
  0   a determination was made (whatever its outcome); for test, lint and fmt --check: all is well
  1   test: a case failed; lint: warnings; fmt --check: a file would change
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


@app.command()
def check(
    policy: Path = typer.Argument(..., metavar="POLICY",
                                help="The policy file (.claw), or a shipped policy's name "
                                "(clawpolicy policies).", show_default=False),
    cases: Optional[list[str]] = typer.Argument(None, metavar="[CASE]",
                                                help="The case file (YAML or JSON); - for "
                                                "standard input.", show_default=False),
    format: Optional[Format] = typer.Option(
        None, "--format", "-f",
        help="Output format: text, json or markdown (md). Default: text on a terminal, json "
             "otherwise."),
    batch: Optional[str] = typer.Option(
        None, "--batch", metavar="CASES",
        help="Determine many cases: a JSON Lines file, - for standard input, or a folder of "
             "case files. Writes one determination per line (JSON Lines), in input order, "
             "each naming its source; a case that cannot be read gets a line with its "
             "errors; a summary goes to standard error. Exit code 4 if any case could not "
             "be read."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=64,
                             help="With --batch: worker processes."),
    fail_on: Optional[list[FailOn]] = typer.Option(
        None, "--fail-on",
        help="Exit 5 if the outcome (of any case, with --batch) is recovery, 6 if pending."),
) -> None:
    """Print the reasoned determination of POLICY for the participant in CASE.

    Example: clawpolicy check policies/qualys-2019.claw examples/cases/01-full-recovery-paid-bonus.yaml

    Example: clawpolicy check qualys --batch cases.jsonl --jobs 2 > out.jsonl
    """
    from clawpolicy import api
    from clawpolicy.tools import hints

    given = list(cases or [])
    mistake = hints.swapped(policy, given[0] if given else None) \
        or hints.several_cases(policy, given)
    if mistake:
        raise typer.BadParameter(mistake, param_hint="CASE")
    if (not given) == (batch is None):
        raise typer.BadParameter("give either CASE or --batch CASES", param_hint="CASE")
    if batch is not None:
        if format not in (None, Format.json):
            raise typer.BadParameter("--batch writes JSON Lines only", param_hint="--format")
        mistake = hints.table_for_batch(batch)
        if mistake:
            raise typer.BadParameter(mistake, param_hint="--batch")
        _batch(policy, batch, jobs, fail_on or [])
        return
    if jobs != 1:
        raise typer.BadParameter("--jobs goes with --batch", param_hint="--jobs")
    chosen = format or (Format.text if sys.stdout.isatty() else Format.json)
    try:
        compiled = api.compile_policy(policy)
        loaded = api.read_case_bytes(sys.stdin.buffer.read(), "-") if given[0] == "-" \
            else api.read_case(given[0])
        determination = api.evaluate(compiled, loaded)
    except api.PolicyError as error:
        _fail(error.diagnostics, EXIT_POLICY)
    except api.CaseError as error:
        _fail(error.diagnostics, EXIT_CASE)
    sys.stdout.write(_render(determination, chosen))
    raise typer.Exit(_fail_on_code([determination.outcome], fail_on or []))


def _fail_on_code(outcomes, fail_on) -> int:
    if FailOn.recovery in fail_on and "recovery" in outcomes:
        return EXIT_RECOVERY
    if FailOn.pending in fail_on and "pending" in outcomes:
        return EXIT_PENDING
    return EXIT_OK



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


class LintFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def lint(
    paths: list[Path] = typer.Argument(..., metavar="POLICY...",
                                       help="Policy files, or folders of them (each policy "
                                       "in it, not the files its policies include)."),
    format: LintFormat = typer.Option(LintFormat.text, "--format", "-f",
                                      help="text, or json for machines (each finding with "
                                      "its file, line and column)."),
) -> None:
    """Check policies without a case: every static error, and warnings.

    Warnings: definitions never used (CP1001), scopes or conditions that can never hold or
    never fail (CP1002, CP1003), quotations not word for word in the source document
    (CP1004), sentences of the source document no rule encodes and no `recital` marks as
    non-operative (CP1005), no source document (CP1006). Exit code 3 on errors, 1 on
    warnings, 0 when clean.

    Example: clawpolicy lint policies/
    """
    from clawpolicy.core.diagnostics import render_all
    from clawpolicy.tools import files
    from clawpolicy.tools.lint import lint as run_lint
    from clawpolicy.tools.lint import render_json

    results = [(path, *run_lint(path)) for path in files.policies(paths)]
    if format is LintFormat.json:
        sys.stdout.write(render_json(results))
    else:
        for path, errors, warnings in results:
            if errors or warnings:
                sys.stderr.write(render_all(errors + warnings))
            else:
                sys.stdout.write(f"{path}: no errors, no warnings\n")
    raise typer.Exit(EXIT_POLICY if any(e for _, e, _ in results)
                     else EXIT_FINDINGS if any(w for _, _, w in results) else EXIT_OK)


class TraceFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    md = "md"


@app.command()
def trace(
    paths: list[Path] = typer.Argument(..., metavar="POLICY...",
                                       help="Policy files, or folders of them."),
    format: TraceFormat = typer.Option(TraceFormat.text, "--format", "-f",
                                       help="text, or markdown (md) for a table a lawyer "
                                       "can review beside the text."),
) -> None:
    """Show the source document sentence by sentence, with the rules that encode each.

    Ends with "N of M operative sentences encoded"; sentences a `recital` marks as
    non-operative are shown with the reason and not counted. With several policies, each
    report is headed by its file.

    Example: clawpolicy trace policies/qualys-2019.claw --format markdown
    """
    from clawpolicy import api
    from clawpolicy.core.diagnostics import DiagnosticError, render_all
    from clawpolicy.tools import files
    from clawpolicy.tools.lint import render_trace

    policies = files.policies(paths)
    failed = False
    for index, path in enumerate(policies):
        try:
            report = render_trace(api.compile_policy(path),
                                  markdown=format is not TraceFormat.text)
        except DiagnosticError as error:
            sys.stderr.write(render_all(error.diagnostics))
            failed = True
            continue
        if len(policies) > 1:
            heading = f"# {path}" if format is not TraceFormat.text else f"== {path} =="
            sys.stdout.write(("\n" if index else "") + heading + "\n\n")
        sys.stdout.write(report)
    raise typer.Exit(EXIT_POLICY if failed else EXIT_OK)


@app.command()
def fmt(
    files: list[Path] = typer.Argument(..., metavar="FILE...",
                                       help="Policy files, or folders of them."),
    check: bool = typer.Option(False, "--check",
                               help="Change nothing; exit 1 and name the files that would "
                               "change."),
    diff: bool = typer.Option(False, "--diff",
                              help="Change nothing; print what would change as a unified "
                              "diff, and exit 1 if anything would."),
) -> None:
    """Rewrite policy files in the one canonical layout, keeping their comments.

    Formatting twice changes nothing more, and never changes what a policy means: the
    formatted file reads back to the same rules.

    Example: clawpolicy fmt --check policies/
    """
    from clawpolicy.tools import files as policy_files
    from clawpolicy.tools.fmt import run

    changed, failed = run(policy_files.expand(files), check, diff, sys.stdout, sys.stderr)
    raise typer.Exit(EXIT_POLICY if failed else EXIT_FINDINGS if (check or diff) and changed
                     else EXIT_OK)


@app.command()
def schema(
    policy: Optional[Path] = typer.Argument(
        None, metavar="[POLICY]", help="A policy: add the facts it declares under `facts:`.",
        show_default=False),
    determination: bool = typer.Option(False, "--determination",
                                       help="The JSON Schema of the determination instead."),
) -> None:
    """Print the JSON Schema of case files (schema/case.schema.json), or --determination's.

    Example: clawpolicy schema > case.schema.json
    """
    from clawpolicy import api
    from clawpolicy.tools import schema as schemas

    if determination and policy is not None:
        raise typer.BadParameter("--determination takes no POLICY")
    compiled = None
    if policy is not None:
        try:
            compiled = api.compile_policy(policy)
        except api.PolicyError as error:
            _fail(error.diagnostics, EXIT_POLICY)
    sys.stdout.write(schemas.render(policy=compiled, determination=determination))


@app.command()
def policies() -> None:
    """List the shipped policies; a name works wherever a policy file is asked for.

    Example: clawpolicy check qualys-2019 case.yaml
    """
    from clawpolicy import api
    from clawpolicy.core.shipped import policies as shipped

    found = shipped()
    if not found:
        sys.stdout.write("no policies are shipped with this installation\n")
    for name, path in found.items():
        title = api.compile_policy(path).header.name
        sys.stdout.write(f"{name}\t{title}\t{path}\n")


@app.command("import")
def import_(
    tables: Optional[list[Path]] = typer.Argument(
        None, metavar="FILE...", help="CSV tables: cases.csv, and awards.csv, "
        "statements.csv, ... (docs/import.md).", show_default=False),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="CASES.jsonl",
                                         help="The cases' file (JSON Lines); - for stdout."),
    template: Optional[Path] = typer.Option(None, "--template", metavar="FOLDER",
                                            help="Write the empty tables of the template "
                                            "(their header rows) into FOLDER instead."),
) -> None:
    """Turn HR and equity-plan CSV tables into cases, one a line (docs/import.md).

    Each bad cell is reported as FILE:ROW:COLUMN; nothing is written then (exit code 4).

    Example: clawpolicy import cases.csv awards.csv statements.csv -o cases.jsonl
    """
    from clawpolicy.core.diagnostics import DiagnosticError
    from clawpolicy.tools import tables as csv_tables

    if template is not None:
        sys.stdout.writelines(f"wrote {p}\n" for p in csv_tables.write_template(template))
        return
    if not tables or output is None:
        raise typer.BadParameter("give the CSV tables and -o CASES.jsonl (or --template "
                                 "FOLDER)", param_hint="FILE...")
    try:
        cases = csv_tables.import_tables(tables)
    except DiagnosticError as error:
        _fail(error.diagnostics, EXIT_CASE)
    if output == "-":
        sys.stdout.write(csv_tables.json_lines(cases))
        return
    Path(output).write_text(csv_tables.json_lines(cases), encoding="utf-8")
    sys.stderr.write(f"{len(cases)} cases written to {output}\n")


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


def _batch(policy: Path, source: str, jobs: int, fail_on) -> None:
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
                     else _fail_on_code(summary.outcomes, fail_on) if fail_on
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
    if chosen in (Format.markdown, Format.md):
        return layout.markdown(determination)
    return layout.text(determination)


from clawpolicy.tools.streams import GuardedOutput as _GuardedOutput  # noqa: E402
from clawpolicy.tools.streams import OutputFailed  # noqa: E402
from clawpolicy.tools.streams import QuietErrors as _QuietErrors  # noqa: E402
from clawpolicy.tools.streams import silence_output as _silence_output  # noqa: E402


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
