"""`clawpolicy prove`: the proofs of prove/ run on policy files, each counterexample written
as a case file and run through the evaluator to show the difference, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clawpolicy import api
from clawpolicy.core.diagnostics import Diagnostic
from clawpolicy.core.source import printable
from clawpolicy.tools.streams import OutputFailed
from clawpolicy.syntax import ast

INSTALL = "pip install 'clawpolicy[prove]'"
WHERE = "prove_where"


class ProveError(Exception):
    """A diagnostic that stops the command, with its exit code."""

    def __init__(self, diagnostics: list[Diagnostic], code: int):
        super().__init__(diagnostics[0].message)
        self.diagnostics, self.code = diagnostics, code


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    failed: bool = False


def require_z3() -> None:
    try:
        import z3  # noqa: F401
    except ImportError:
        raise ProveError([Diagnostic(
            "CP1400", "`prove` needs the SMT solver z3, which is not installed",
            f"install the prove extra: {INSTALL}", where="prove")], 2) from None


def where_expression(new_path: Path, text: str):
    """The condition of --where, checked as a definition of the NEW policy: (the policy with
    it, the expression)."""
    from clawpolicy.check.checker import check
    from clawpolicy.core.diagnostics import DiagnosticError
    from clawpolicy.core.shipped import resolve_policy
    from clawpolicy.syntax.load import load_policy, unsaved

    resolved = Path(resolve_policy(new_path)).resolve()
    virtual = resolved.parent / ".clawpolicy-where.claw"
    source = f'include "{resolved.name}"\n\ndefine {WHERE}\n  as {text}\nend\n'
    try:
        with unsaved({virtual: source}):
            policy = check(load_policy(virtual))
    except DiagnosticError as error:
        first = error.diagnostics[0]
        raise ProveError([Diagnostic(
            "CP1402", f"the condition of --where is not a condition of the policy: "
            f"{first.message}", "write an expression of the policy language, e.g. "
            "--where 'participant.work_location != \"US-CA\"'", where="--where")], 2) from None
    rule = policy.rule(WHERE)
    assert isinstance(rule, ast.Definition)
    return policy, rule.value


def _outside(proof) -> Diagnostic:
    what, span = proof.outside
    return Diagnostic("CP1401", f"outside the fragment the proof covers: {what}",
                      "see docs/proofs.md for what the translation covers; this claim is "
                      "neither proved nor refuted", span, None if span else "prove",
                      severity="error")


def _verify(proof, path: Path, names: tuple[str, str]) -> list[str]:
    """Run the counterexample through the evaluator under both policies: it must differ."""
    from clawpolicy.prove import observe

    first, second = proof.policies
    loaded = api.read_case(path, first.vocabulary)
    seen = [observe.comparable(observe.of_run(p, loaded.case, api.policy_facts(p, loaded)))
            for p in (first, second)]
    if seen[0] == seen[1]:
        raise ProveError([Diagnostic(
            "CP1404", f"the counterexample {path} gives the same determination under both "
            "policies: the translation to SMT is at fault",
            "this is a defect of clawpolicy; please report it with the policies",
            where=str(path))], 70)
    return [f"    {name}: {_summary(s)}" for name, s in zip(names, seen)]


def _summary(seen: dict) -> str:
    if seen["error"]:
        return "an evaluation error"
    parts = [seen["outcome"]]
    if seen["recoverable"] is not None:
        parts.append(f"{seen['recoverable']} recoverable")
    if seen["remedies"]:
        parts.append("remedies " + ", ".join(f"{k} ({m}) up to {c}"
                                             for k, (m, c) in seen["remedies"].items()))
    if seen["notes"]:
        parts.append("notes " + ", ".join(seen["notes"]))
    if seen["excused"]:
        parts.append("excused " + ", ".join(f"{c} by {k}" for k, c in seen["excused"].items()))
    if seen["others"]:
        parts.append("other amounts " + ", ".join(f"{r} {i}: {v}" for (r, i), v
                                                  in seen["others"].items()))
    if seen["others_unknown"]:
        parts.append("other amounts not known yet")
    return "; ".join(parts)


def prove_policy(policy_path: Path, folder: Path) -> Report:
    """Every revision of the policy: no one outside its sub-set is touched."""
    require_z3()
    from clawpolicy.prove import claims

    policy = api.compile_policy(policy_path)
    report = Report([f"Bounds: {claims.FRAGMENT}."])
    if not policy.revisions:
        report.lines.append("The policy has no revisions: nothing to prove.")
    for proof in claims.prove_revisions(policy):
        name = proof.claim.split(" ", 1)[0]
        if proof.status == "refuted":
            path = folder / f"counterexample-{name}.yaml"
            _write_case(claims, proof.counterexample, path)
            report.lines.append(f"{proof.claim}: REFUTED ({proof.seconds:.1f} s); "
                                f"counterexample: {path}")
            report.lines += _verify(proof, path, (f"with {name}", f"without {name}"))
        else:
            report.lines.append(_line(proof, report))
        report.failed |= proof.status != "proved"
    return report


def equivalence(old: Path, new: Path, where: str | None, output: Path) -> Report:
    """OLD and NEW agree on every case of the bounded shape (where the condition `where`, in
    the policy language, holds); a counterexample is written to `output`. The function
    `diff OLD NEW --prove [--where EXPR]` runs. Raises PolicyError, ProveError."""
    require_z3()
    from clawpolicy.prove import claims

    old_policy = api.compile_policy(old)
    new_policy = api.compile_policy(new)
    where_policy, expr = where_expression(new, where) if where else (None, None)
    proof = claims.prove_equivalent(old_policy, new_policy, expr, where_policy, None)
    if proof.outside is not None:  # one claim, and nothing to say of it but this
        raise ProveError([_outside(proof)], 1)
    if proof.counterexample is not None:
        _write_case(claims, proof.counterexample, output)
    report = Report([f"Bounds: {claims.FRAGMENT}."])
    if where:
        report.lines.append(f"Where: {where}")
    if proof.status == "refuted":
        report.lines.append(f"{proof.claim}: REFUTED ({proof.seconds:.1f} s); "
                            f"counterexample: {output}")
        report.lines += _verify(proof, output, ("old", "new"))
    else:
        report.lines.append(_line(proof, report))
    report.failed = proof.status != "proved"
    return report


def _write_case(claims, case: dict, path: Path) -> None:
    """The counterexample written to `path`, in a folder made if it is missing (the folder
    `-o` names: a proof of minutes is not lost for want of it); a failure is the
    environment's (CP0801)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        claims.write_case(case, path)
    except OSError as error:
        raise OutputFailed(error, printable(str(path))) from None


def _line(proof, report: Report) -> str:
    if proof.status == "proved":
        bounds, note = proof.within
        return f"{proof.claim}: proved {bounds} ({proof.seconds:.1f} s)" + \
            (f"; {note}" if note else "")
    if proof.outside is not None:
        report.diagnostics.append(_outside(proof))
        return f"{proof.claim}: not proved (outside the fragment)"
    report.diagnostics.append(Diagnostic(
        "CP1403", f"the solver gave up on `{proof.claim}`: {proof.reason}",
        "the claim is neither proved nor refuted; try a smaller policy or a condition "
        "with --where", where="prove"))
    return f"{proof.claim}: not proved (the solver gave up)"


__all__ = ["INSTALL", "ProveError", "Report", "equivalence", "prove_policy"]
