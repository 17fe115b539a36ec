"""`clawpolicy test`: run case files that carry their expected determination, and report
which conditions and revisions the suite has seen met, not met and unknown.

Expectations live in the case file's `expect:` block or in a sibling `NAME.expect.yaml`
(the same fields, at its top level). Whatever an expectation states must match exactly."""

from __future__ import annotations

import difflib
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from clawpolicy import api
from clawpolicy.input.reader import LoadedCase, load_case, read_file, validate_case
from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.evaluate.determination import Determination
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.evaluate.determine import revision_statuses
from clawpolicy.core.values import quantize
from clawpolicy.render.testreport import (
    STATUSES, CaseResult, PolicyCoverage, Report, RuleCoverage)

CASE_SUFFIXES = (".yaml", ".yml", ".json")


def discover(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Case files to run: the files named, and in each folder named every case file that
    carries an expectation. Returns (to run, skipped)."""
    run, skipped = [], []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(p for p in path.rglob("*")
                                    if p.suffix.lower() in CASE_SUFFIXES and not p.name.lower()
                                    .endswith((".expect.yaml", ".expect.yml"))):
                (run if _has_expectation(candidate) else skipped).append(candidate)
        else:
            run.append(path)
    return run, skipped


def _has_expectation(path: Path) -> bool:
    if _sibling(path).exists():
        return True
    try:
        data = read_file(path)  # the strict reader: no named pipe, no unbounded read
    except DiagnosticError:
        return True  # let the run report what is wrong with it
    return isinstance(data, dict) and "expect" in data


def _sibling(path: Path) -> Path:
    return path.with_name(path.stem + ".expect.yaml")


def run(paths: list[Path], policy_override: Path | None = None) -> Report:
    files, skipped = discover(paths)
    policies: dict[Path, CheckedPolicy] = {}
    coverage: dict[Path, PolicyCoverage] = {}
    results = []
    for path in files:
        result, policy_path, statuses = _run_one(path, policy_override, policies)
        results.append(result)
        if policy_path is not None:
            table = coverage.setdefault(policy_path, _coverage_table(policies[policy_path],
                                                                      policy_path))
            _record(table, statuses)
    return Report(results, list(coverage.values()), [str(p) for p in skipped])


def _run_one(path: Path, override: Path | None, policies: dict):
    try:
        loaded = load_case(path)
        expectation = _expectation(path, loaded)
    except DiagnosticError as error:
        return CaseResult(str(path), None, "error", diagnostics=error.diagnostics), None, None
    case_id = loaded.case.case_id
    if expectation is None:
        return CaseResult(str(path), case_id, "error", diagnostics=[Diagnostic(
            "CP0601", "this case file states no expectation",
            "add an `expect:` block, or a sibling NAME.expect.yaml", where=str(path))]), None, None
    policy_path = override or (path.parent / expectation.policy if expectation.policy else None)
    if policy_path is None:
        return CaseResult(str(path), case_id, "error", diagnostics=[Diagnostic(
            "CP0602", "no policy to test this case against",
            "give `expect: {policy: PATH}` (relative to the case file) or --policy",
            where=loaded.where("expect"))]), None, None
    policy_path = Path(os.path.normpath(policy_path))
    try:
        if policy_path not in policies:
            policies[policy_path] = api.compile_policy(policy_path)
        policy = policies[policy_path]
        facts = api.policy_facts(policy, loaded)
        # Only outcomes, amounts and statuses are compared: no reason is written.
        determination = api.evaluate(policy, loaded, reasons=False)
    except DiagnosticError as error:
        return CaseResult(str(path), case_id, "error", diagnostics=error.diagnostics), None, None
    statuses = _statuses(determination, revision_statuses(policy, loaded.case, facts))
    diff = compare(expectation, determination, policy.vocabulary.default_unit)
    return CaseResult(str(path), case_id, "fail" if diff else "pass", diff), policy_path, \
        statuses


def _expectation(path: Path, loaded: LoadedCase) -> Any:
    """The case's expectation (a `case.expectation_model`), or None."""
    sibling = _sibling(path)
    if sibling.exists():
        try:
            data = read_file(sibling) or {}  # read by the same strict rules as a case file
        except DiagnosticError as error:
            raise DiagnosticError([Diagnostic(
                "CP0603", d.message.replace("the case file", "the expectation file", 1),
                d.help, where=d.where) for d in error.diagnostics]) from None
        # The same strict model as an `expect:` block, so a typo in a field is an error.
        shell = {"case_id": "expect", "as_of": "2000-01-01", "expect": data}
        return validate_case(shell, str(sibling)).expect
    return loaded.case.expect


# ---------------------------------------------------------------- comparing

def _money(value: Decimal, unit: str) -> str:
    """An amount in the places the determination writes it (`300000` is `300000.00` USD),
    where that is the same amount; else as stated, never rounded to agree: `300000.001`
    USD is not the amount `300000.00` (cases.md: what is stated must match exactly)."""
    places = quantize(value, unit)
    return format(places if places == value else value, "f")


# The totals and the amounts of an award an expectation may state.
TOTALS = ("total_recoverable", "total_excused", "total_recovered", "total_outstanding")
AWARD_AMOUNTS = ("recoverable", "excused", "recovered", "outstanding")


def _amounts(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [f"{_money(Decimal(a.amount), a.unit)} {a.unit}" for a in items]


def compare(expect: Any, d: Determination, default_unit: str) -> list[str]:
    """A unified diff of what was expected against what was found, over the parts the
    expectation states; empty when they agree. An award's expected amount is read in the
    unit the award was found in (the default unit for an award not found)."""
    expected: dict = {}
    actual: dict = {}
    if expect.outcome is not None:
        expected["outcome"], actual["outcome"] = expect.outcome, d.outcome
    for total in TOTALS:  # an absent total in the determination is none
        if getattr(expect, total) is not None:
            expected[total] = _amounts(getattr(expect, total))
            actual[total] = _amounts(getattr(d, total)) if getattr(d, total) else []
    if expect.awards is not None:
        units = {a.id: a.recoverable.unit if a.recoverable else default_unit for a in d.awards}
        expected["awards"], actual["awards"] = {}, {}
        for award_id, e in expect.awards.items():
            stated = {}
            if "outcome" in e.model_fields_set:
                stated["outcome"] = e.outcome
            for part in AWARD_AMOUNTS:  # null states a pending award's amount, or none
                if part in e.model_fields_set:
                    value = getattr(e, part)
                    stated[part] = None if value is None else \
                        _money(value, units.get(award_id, default_unit))
            expected["awards"][award_id] = stated
        for a in d.awards:
            stated = expected["awards"].get(a.id, {"outcome": None, "recoverable": None})
            found = {"outcome": a.outcome} | {
                part: getattr(a, part).amount if getattr(a, part) else None
                for part in AWARD_AMOUNTS}
            actual["awards"][a.id] = {k: v for k, v in found.items() if k in stated}
    if expect.open_questions is not None:
        expected["open_questions"] = list(expect.open_questions)
        actual["open_questions"] = [q.fact for q in d.open_questions]
    if expect.revisions_applied is not None:
        expected["revisions_applied"] = list(expect.revisions_applied)
        actual["revisions_applied"] = [r.id for r in d.revisions_applied]
    if expected == actual:
        return []
    dump = lambda value: yaml.safe_dump(value, sort_keys=False, allow_unicode=True,  # noqa
                                        default_flow_style=False).splitlines()
    return list(difflib.unified_diff(dump(expected), dump(actual), "expected", "actual",
                                     lineterm=""))


# ---------------------------------------------------------------- coverage

def _coverage_table(policy: CheckedPolicy, path: Path) -> PolicyCoverage:
    rules = [RuleCoverage(r.name, r.kind, "policy") for r in policy.rules
             if r.kind in ("scope", "condition")]
    for revision in policy.revisions:
        rules.append(RuleCoverage(revision.name, "revision", revision.name))
        rules += [RuleCoverage(c.rule.name, c.kind, revision.name) for c in revision.changes
                  if c.action in ("add", "replace") and c.kind in ("scope", "condition")]
    return PolicyCoverage(str(path), rules)


def _statuses(d: Determination, revisions: dict[str, str]) -> set[tuple[str, str, str]]:
    seen = {(c.id, c.source, c.status) for a in d.awards for c in a.conditions
            if c.status in STATUSES}
    seen |= {(name, name, status) for name, status in revisions.items()}
    return seen


def _record(table: PolicyCoverage, statuses: set[tuple[str, str, str]] | None) -> None:
    for rule in table.rules:
        rule.seen |= {status for rid, source, status in statuses or ()
                      if rid == rule.id and source == rule.source}
