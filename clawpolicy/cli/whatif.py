"""The auditor's and the drafter's commands: `verify` (a sealed determination made again and
compared byte for byte) and `diff` (the impact of a change of policy across cases)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from clawpolicy.cli.common import (EXIT_CASE, EXIT_FINDINGS, EXIT_OK, EXIT_POLICY, EXIT_USAGE,
                                   _fail, app, reported)
from clawpolicy.cli.policytools import ReportFormat


@app.command()
def verify(
    determination: Path = typer.Argument(..., metavar="DETERMINATION",
                                         help="A determination's JSON, as `check --format "
                                         "json` wrote it (or one line of --batch output).",
                                         show_default=False),
    policy: Path = typer.Argument(..., metavar="POLICY", help="The policy it was made with.",
                                  show_default=False),
    case: str = typer.Argument(..., metavar="CASE", help="The case it was made for.",
                               show_default=False),
) -> None:
    """Make the determination again and confirm it byte for byte, or show the first
    difference (exit code 1). The assumptions it records are made again too. A
    reproducibility check, not a signature (docs/cases.md, "The seal").

    Example: clawpolicy verify d.json qualys-2019 case.yaml
    """
    from clawpolicy import api
    from clawpolicy.tools import verify as verifying

    try:
        with reported(assumption_exit=EXIT_FINDINGS):
            verdict = verifying.verify(determination, api.compile_policy(policy),
                                       api.read_case(case))
    except verifying.VerifyError as error:
        _fail([error.diagnostic], EXIT_USAGE)
    sys.stdout.write(verdict.render())
    raise typer.Exit(EXIT_OK if verdict.same else EXIT_FINDINGS)


@app.command()
def diff(
    old: Path = typer.Argument(..., metavar="OLD", help="The policy before the change (a "
                               ".claw file or a shipped policy's name).", show_default=False),
    new: Path = typer.Argument(..., metavar="NEW", help="The policy after the change.",
                               show_default=False),
    cases: Optional[list[str]] = typer.Argument(
        None, metavar="CASES", help="Case files, folders of them, or JSON Lines files "
        "(- for standard input). With none, the rules that differ.", show_default=False),
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f",
                                      help="text (for people) or json (for programs)."),
    prove: bool = typer.Option(False, "--prove", help="Instead of comparing cases, prove "
                               "that OLD and NEW agree on every case of a bounded shape, or "
                               "write a counterexample (docs/proofs.md; the prove extra)."),
    where: Optional[str] = typer.Option(
        None, "--where", metavar="EXPR", help="With --prove: only on the cases where this "
        "condition of the policy language holds."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="With --prove: where the counterexample is written "
        "(default counterexample.yaml)."),
) -> None:
    """The impact of a policy change: for each case whose determination changes, the outcome
    and amount before and after and the rule changes that cause it (rules added, removed or
    changed, revisions that now apply); a summary by kind. With no cases, the rules that
    differ, with their citations. With --prove, a proof over every case instead.

    Exit code 1 if a determination changes (with no cases: if a rule differs; with --prove:
    if they are not proved to agree), 0 if none does, 4 if a case could not be read, 3 if a
    policy is invalid.

    Example: clawpolicy diff qualys-2019 qualys examples/cases

    Example: clawpolicy diff qualys-2019 qualys --prove --where 'not participant.executive_officer'
    """
    from functools import partial

    from clawpolicy import api, batch
    from clawpolicy.cli import prove as proofs
    from clawpolicy.tools import impact, impactreport

    if where is not None and not prove:
        proofs.where_alone("--prove")
    if output is not None and not prove:
        _usage("-o goes with --prove: it names the counterexample's file", "--output")
    if prove:
        if cases:
            _usage("--prove compares the policies over every case, not over CASES", "CASES")
        proofs.prove_equivalence(old, new, where, output)

    try:
        before, after = api.compile_policy(old), api.compile_policy(new)
    except api.PolicyError as error:
        _fail(error.diagnostics, EXIT_POLICY)
    for source in cases or []:
        if source != "-" and not os.path.exists(source):
            raise typer.BadParameter(f"{source} does not exist", param_hint="CASES")
    items = batch.case_items(cases or [])
    result = impact.compare(before, after, ((item.where, partial(batch.read_item, item,
                                                                  after.vocabulary))
                                            for item in items))
    sys.stdout.write(impactreport.render_json(result) if format is ReportFormat.json
                     else impactreport.render_text(result, with_cases=bool(cases)))
    raise typer.Exit(EXIT_CASE if result.errors else EXIT_FINDINGS if result.changed
                     else EXIT_OK)


def _usage(message: str, hint: str) -> None:
    raise typer.BadParameter(message, param_hint=hint)
