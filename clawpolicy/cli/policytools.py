"""The drafter's and the engineer's tools: test, lint, trace, fmt, schema, policies, import
and lsp."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from clawpolicy.cli.common import (EXIT_CASE, EXIT_FINDINGS, EXIT_OK, EXIT_POLICY, EXIT_USAGE,
                                   _fail, app)


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
        "statements.csv, ... (docs/import.md); or an .xlsx workbook with one sheet per table "
        "(the xlsx extra).", show_default=False),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="CASES.jsonl",
                                         help="The cases' file (JSON Lines); - for stdout."),
    template: Optional[Path] = typer.Option(None, "--template", metavar="FOLDER",
                                            help="Write the empty tables of the template "
                                            "(their header rows) into FOLDER instead."),
) -> None:
    """Turn HR and equity-plan tables (CSV or .xlsx) into cases, one a line (docs/import.md).

    Each bad cell is reported as FILE:ROW:COLUMN; nothing is written then (exit code 4).

    Example: clawpolicy import cases.csv awards.csv statements.csv -o cases.jsonl
    """
    from clawpolicy.core.diagnostics import DiagnosticError
    from clawpolicy.tools import tables as csv_tables
    from clawpolicy.tools.streams import write_file

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
    write_file(output, csv_tables.json_lines(cases))
    sys.stderr.write(f"{len(cases)} cases written to {output}\n")


@app.command()
def lsp() -> None:
    """Run the language server for editors, on standard input and output.

    Diagnostics as you type, hover, go to definition, references, completion and formatting:
    see docs/editors.md. Needs the `lsp` extra; without it, exit code 2. Ends with exit code
    0 when the editor asked it to shut down before saying exit, 1 otherwise (as the Language
    Server Protocol asks).

    Example: clawpolicy lsp
    """
    from clawpolicy import lsp as language_server

    if not language_server.available():
        sys.stderr.write("error: the language server needs its extra: "
                         f"{language_server.INSTALL}\n")
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(language_server.serve())
