"""The report of `clawpolicy test`: each case's result, and which conditions and revisions the
suite has seen met, not met and unknown; rendered as text or JSON. `tools/testing.py` runs
the cases and fills it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from clawpolicy.core.diagnostics import Diagnostic, render
from clawpolicy.core.source import visible

STATUSES = ("met", "not_met", "unknown")


@dataclass
class CaseResult:
    path: str
    case_id: str | None
    status: str  # "pass" | "fail" | "error"
    diff: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class RuleCoverage:
    id: str
    kind: str  # scope | condition | revision
    source: str
    seen: set[str] = field(default_factory=set)

    @property
    def missing(self) -> list[str]:
        return [s for s in STATUSES if s not in self.seen]


@dataclass
class PolicyCoverage:
    policy: str
    rules: list[RuleCoverage]

    @property
    def never_exercised(self) -> list[RuleCoverage]:
        return [r for r in self.rules if not r.seen]


@dataclass
class Report:
    cases: list[CaseResult]
    coverage: list[PolicyCoverage]
    skipped: list[str]  # files in the folders named that carry no expectation

    @property
    def failed(self) -> int:
        # A run that finds nothing to test has not passed.
        return sum(1 for c in self.cases if c.status != "pass") or (0 if self.cases else 1)


def render_text(report: Report) -> str:
    width = max([len(c.path) for c in report.cases] + [10])
    lines = []
    for c in report.cases:
        lines.append(f"{c.status.upper():5} {c.path.ljust(width)}  {visible(c.case_id or '')}"
                     .rstrip())
        lines += [f"      {line}" for line in c.diff]
        for d in c.diagnostics:
            lines += [f"      {line}" for line in render(d).splitlines()]
    passed = sum(1 for c in report.cases if c.status == "pass")
    lines.append("")
    if not report.cases:
        lines.append("no case file with an expectation was found")
    noun = "case" if len(report.cases) == 1 else "cases"
    lines.append(f"{len(report.cases)} {noun}: {passed} passed, {report.failed} failed"
                 + (f" ({len(report.skipped)} files without expectations skipped)"
                    if report.skipped else ""))
    for table in report.coverage:
        names = [_rule_name(r) for r in table.rules]
        w = max(len(n) for n in names + ["rule"])
        lines += ["", f"Coverage of {table.policy}",
                  f"  {'rule':{w}} {'kind':10} {'met':>4} {'not met':>8} {'unknown':>8}"]
        for rule, name in zip(table.rules, names):
            marks = ["yes" if s in rule.seen else "-" for s in STATUSES]
            lines.append(f"  {name:{w}} {rule.kind:10} {marks[0]:>4} {marks[1]:>8} {marks[2]:>8}")
        never = table.never_exercised
        lines.append("  never exercised: " + (", ".join(_rule_name(r) for r in never)
                                               if never else "none"))
    return "\n".join(lines) + "\n"


def _rule_name(rule: RuleCoverage) -> str:
    return rule.id if rule.source in ("policy", rule.id) else f"{rule.id} [{rule.source}]"


def render_json(report: Report) -> str:
    data = {
        "summary": {"cases": len(report.cases),
                    "passed": sum(1 for c in report.cases if c.status == "pass"),
                    "failed": report.failed, "skipped": report.skipped},
        "cases": [{"path": c.path, "case_id": c.case_id, "status": c.status, "diff": c.diff,
                   "errors": [{"code": d.code, "message": d.message, "help": d.help,
                               "where": str(d.span) if d.span else d.where}
                              for d in c.diagnostics]} for c in report.cases],
        "coverage": [{"policy": t.policy,
                      "rules": [{"id": r.id, "kind": r.kind, "source": r.source,
                                 **{s: s in r.seen for s in STATUSES}} for r in t.rules],
                      "never_exercised": [r.id for r in t.never_exercised]}
                     for t in report.coverage],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
