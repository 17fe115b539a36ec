"""`clawpolicy prove`: proofs about a policy, or two, with an SMT solver (the prove extra)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from clawpolicy.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_POLICY, EXIT_USAGE, _fail, app


@app.command()
def prove(
    policy: Path = typer.Argument(..., metavar="POLICY", help="The policy (OLD with --against)."),
    against: Optional[Path] = typer.Option(
        None, "--against", help="Prove POLICY and this policy agree on every case."),
    where: Optional[str] = typer.Option(
        None, "--where", metavar="EXPR", help="With --against: only on the cases where this "
        "condition of the policy language holds."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Where counterexamples are written: a file with "
        "--against (default counterexample.yaml), else a folder (default: here)."),
) -> None:
    """Prove that each revision touches no one outside its sub-set, or (with --against)
    that two policies agree, for every case of a bounded shape (docs/proofs.md).

    Each claim is proved, or refuted by a counterexample case file that `check` shows
    differing. Exit code 1 if any claim is not proved.

    Example: clawpolicy prove policies/qualys-2019.claw --against policies/qualys.claw
    --where 'participant.work_location != "US-CA"'
    """
    if where is not None and against is None:
        where_alone("--against NEW")
    if against is not None:
        prove_equivalence(policy, against, where, output)
    run_proof(lambda proving: proving.prove_policy(policy, output or Path(".")))


def prove_equivalence(old: Path, new: Path, where: Optional[str], output: Optional[Path]):
    """OLD and NEW agree on every case of the bounded shape (where EXPR holds): `prove OLD
    --against NEW` and `diff OLD NEW --prove`."""
    run_proof(lambda proving: proving.equivalence(old, new, where,
                                                  output or Path("counterexample.yaml")))


def where_alone(needed: str) -> None:
    from clawpolicy.core.diagnostics import Diagnostic

    _fail([Diagnostic("CP1405", f"--where needs {needed.split()[0]}: it limits a comparison of "
                      "two policies", f"add {needed}, or leave out --where",
                      where="--where")], EXIT_USAGE)


def run_proof(make_report) -> None:
    """Run a proof, print its report, and exit 1 if a claim is not proved."""
    from clawpolicy.api import PolicyError
    from clawpolicy.core.diagnostics import render_all
    from clawpolicy.tools import proving

    try:
        report = make_report(proving)
    except PolicyError as error:
        _fail(error.diagnostics, EXIT_POLICY)
    except proving.ProveError as error:
        _fail(error.diagnostics, error.code)
    sys.stdout.write("\n".join(report.lines) + "\n")
    if report.diagnostics:
        sys.stderr.write(render_all(report.diagnostics))
    raise typer.Exit(EXIT_FINDINGS if report.failed else EXIT_OK)
