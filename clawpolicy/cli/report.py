"""`clawpolicy report`: the report across many determinations, for a board, the auditors or
an Item 402(w) disclosure."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Optional

import typer

from clawpolicy.cli.common import EXIT_CASE, EXIT_USAGE, _fail, app

INSTALL = "pip install 'clawpolicy[report]'"
# The file of the secret `--redact` keys its pseudonyms with, where --redact-key is not given.
KEY_VARIABLE = "CLAWPOLICY_REDACT_KEY_FILE"


class ReportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    markdown = "markdown"
    md = "md"
    html = "html"


@app.command()
def report(
    determinations: str = typer.Argument(..., metavar="DETERMINATIONS.jsonl",
                                         help="What `check --batch` wrote: one determination "
                                         "a line.", show_default=False),
    format: ReportFormat = typer.Option(ReportFormat.markdown, "--format", "-f",
                                        help="csv, xlsx (needs -o), markdown (md) or html."),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                         help="Write the report to FILE (default: standard "
                                         "output)."),
    redact: bool = typer.Option(False, "--redact",
                                help="Replace ids and case sources with stable pseudonyms and leave "
                                "names out (a case not determined shows its error's code, field "
                                "and expectation, not its message, which may quote the case), "
                                "for a report that leaves the compensation team. Pseudonyms are "
                                "keyed by a secret: --redact-key, else the file "
                                "$CLAWPOLICY_REDACT_KEY_FILE names, else a random key for this "
                                "report alone."),
    redact_key: Optional[str] = typer.Option(None, "--redact-key", metavar="FILE",
                                             help="Redact (implies --redact) with the secret "
                                             "in FILE, so the same id gets the same pseudonym "
                                             "in every report made with it.",
                                             show_default=False),
) -> None:
    """One row per participant and award, totals per unit, and an Item 402(w)-style summary:
    the aggregate, the amount outstanding, the estimates used and the exceptions relied on.

    Example: clawpolicy report out.jsonl --format xlsx -o board.xlsx --redact-key team.key
    """
    import os

    from clawpolicy.core.diagnostics import DiagnosticError
    from clawpolicy.render import report as reports
    from clawpolicy.tools import report as reading
    from clawpolicy.tools.streams import output_file, write_file

    if format is ReportFormat.xlsx and output in (None, "-"):
        raise typer.BadParameter("an XLSX workbook is written to a file: give -o FILE.xlsx",
                                 param_hint="--output")
    if format is ReportFormat.xlsx:
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            sys.stderr.write(f"error: --format xlsx needs its extra: {INSTALL}\n")
            raise typer.Exit(EXIT_USAGE) from None
    key_file = redact_key if redact_key is not None else \
        (os.environ.get(KEY_VARIABLE) or None if redact else None)
    redact = redact or key_file is not None
    try:
        key = reading.read_key(key_file) if key_file is not None else None
    except DiagnosticError as error:
        _fail(error.diagnostics, EXIT_USAGE)
    try:
        found, errors = reading.read(determinations)
    except DiagnosticError as error:
        _fail(error.diagnostics, EXIT_CASE)
    built = reports.build(found, errors, redact, key)
    title = "Clawback determinations: report" + (" (redacted)" if redact else "")
    if format is ReportFormat.xlsx:
        import io

        book = io.BytesIO()  # built whole first: a failed write leaves no zip half-closed
        reports.xlsx(built, book)
        with output_file(output, binary=True) as target:
            target.write(book.getvalue())
        return
    text = reports.csv_text(built) if format is ReportFormat.csv else \
        reports.html(built, title) if format is ReportFormat.html else \
        reports.markdown(built, title)
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    write_file(output, text)
