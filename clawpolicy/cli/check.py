"""`clawpolicy check`: one case, or a batch."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from clawpolicy.cli import common
from clawpolicy.cli.common import (EXIT_CASE, EXIT_INTERNAL, EXIT_OK, EXIT_POLICY,
                                   Explain, FailOn, Format, _fail, _fail_on_code, _render, app,
                                   reported, start_up)


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
        help="Output format: text, json, markdown (md) or html (one self-contained page, the "
             "policy's text beside the memo). Default: text on a terminal, json otherwise."),
    explain: Explain = typer.Option(
        Explain.summary, "--explain",
        help="How much of the reasoning the memo shows: full (every condition with its "
             "reason and quotation), summary (the conditions that hold one line each), fails "
             "(only the conditions that do not hold or are not known). JSON keeps it all."),
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
    assume: Optional[list[str]] = typer.Option(
        None, "--assume", metavar="FACT=VALUE",
        help="What-if: determine the case as if it said FACT=VALUE (repeatable), e.g. "
             "findings.misconduct=fraud or awards[bonus-fy2022].amount_as_restated=300000. "
             "The JSON lists the assumptions; the memo marks each assumed fact."),
) -> None:
    """Print the reasoned determination of POLICY for the participant in CASE.

    Example: clawpolicy check policies/qualys-2019.claw examples/cases/01-full-recovery-paid-bonus.yaml

    Example: clawpolicy check qualys --batch cases.jsonl --jobs 2 > out.jsonl

    Example: clawpolicy check qualys-2019 case.yaml --assume findings.should_repay=true
    """
    with start_up():
        from clawpolicy import api
        from clawpolicy.tools import hints
        from clawpolicy.tools.streams import standard_input

    given = list(cases or [])
    mistake = hints.swapped(policy, given[0] if given else None) \
        or hints.several_cases(policy, given) \
        or hints.json_lines_as_case(policy, given[0] if len(given) == 1 else None)
    if mistake:
        raise typer.BadParameter(mistake, param_hint="CASE")
    if (not given) == (batch is None):
        raise typer.BadParameter("give either CASE or --batch CASES", param_hint="CASE")
    if batch is not None:
        if assume:
            raise typer.BadParameter("--assume goes with one CASE", param_hint="--assume")
        if format not in (None, Format.json):
            raise typer.BadParameter("--batch writes JSON Lines only", param_hint="--format")
        mistake = hints.table_for_batch(batch) or hints.case_for_batch(policy, batch) or \
            hints.folder_for_batch(batch)
        if mistake:
            raise typer.BadParameter(mistake, param_hint="--batch")
        passed = hints.skipped_in_folder(batch)
        if passed:
            sys.stderr.write(passed + "\n")
        _batch(policy, batch, jobs, fail_on or [])
        return
    if jobs != 1:
        raise typer.BadParameter("--jobs goes with --batch", param_hint="--jobs")
    chosen = format or (Format.text if sys.stdout.isatty() else Format.json)
    with reported():
        with start_up():
            compiled = api.compile_policy(policy)
            loaded = api.read_case_bytes(standard_input().read(), "-") if given[0] == "-" \
                else api.read_case(given[0])
        determination = api.evaluate(compiled, loaded, assume or [])
    sys.stdout.write(_render(determination, chosen, explain, compiled))
    raise typer.Exit(_fail_on_code([determination.outcome], fail_on or []))


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
    # Progress only where it cannot garble the output: lines on the same terminal show it.
    progress = sys.stderr if sys.stderr.isatty() and not sys.stdout.isatty() else None
    try:
        summary = batch.run(str(policy), source, sys.stdout, jobs, progress,
                            last=common.AS_PROGRAM)
    except api.PolicyError as error:
        _fail(error.diagnostics, EXIT_POLICY)
    sys.stderr.write(summary.render())
    raise typer.Exit(EXIT_INTERNAL if summary.defects else EXIT_CASE if summary.errors
                     else _fail_on_code(summary.outcomes, fail_on) if fail_on
                     else EXIT_OK)

