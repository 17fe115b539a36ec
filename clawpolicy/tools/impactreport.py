"""The impact of a change of policy (`clawpolicy diff`), as text for a drafter and as JSON
for a program: deterministic, in the order the rules and the cases were given."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from clawpolicy.core.source import visible
from clawpolicy.core.values import format_money
from clawpolicy.tools.impact import CaseChange, Cause, Impact, RuleChange, Side


def render_json(impact: Impact) -> str:
    data = {
        "old": {"name": impact.old.header.name, "sha256": impact.old.loaded.sha256},
        "new": {"name": impact.new.header.name, "sha256": impact.new.loaded.sha256},
        "rules": [_rule(r) for r in impact.rules],
        "cases": [_case(c) for c in impact.cases],
        "errors": [{"source": source, "errors": [
            {"code": d.code, "message": d.message, "help": d.help,
             "where": str(d.span) if d.span else d.where} for d in diagnostics]}
            for source, diagnostics in impact.errors],
        "summary": impact.summary(),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _rule(r: RuleChange) -> dict[str, Any]:
    return {"change": r.change, "kind": r.kind, "id": r.id, "clause": r.clause,
            "quote": r.quote}


def _case(c: CaseChange) -> dict[str, Any]:
    return {"source": c.source, "case_id": c.case_id, "kind": c.kind,
            "before": _side(c.before), "after": _side(c.after),
            "awards": [{"id": award, "before": _award(c.before, award),
                        "after": _award(c.after, award)} for award in _changed_awards(c)],
            "causes": [_cause(x) for x in c.causes]}


def _cause(x: Cause) -> dict[str, Any]:
    """A cause; one that is an award's names it and the facts it turns on."""
    found = {"why": x.why, "kind": x.kind, "id": x.id, "clause": x.clause}
    if x.award is not None:
        found.update(award=x.award, on=list(x.on))
    return found


def _side(side: Side) -> dict[str, Any]:
    return {"outcome": side.outcome, "total_recoverable": side.total_recoverable}


def _award(side: Side, award: str) -> dict[str, Any] | None:
    if award not in side.awards:
        return None
    outcome, amount = side.awards[award]
    return {"outcome": outcome, "recoverable": amount}


def _changed_awards(c: CaseChange) -> list[str]:
    ids = list(c.after.awards) + [a for a in c.before.awards if a not in c.after.awards]
    return [a for a in ids if c.before.awards.get(a) != c.after.awards.get(a)]


# ---------------------------------------------------------------- text

def render_text(impact: Impact, with_cases: bool) -> str:
    old, new = impact.old.header.name, impact.new.header.name
    out = [f"Policy change: {old} (sha256 {impact.old.loaded.sha256[:12]}) -> {new} "
           f"(sha256 {impact.new.loaded.sha256[:12]})", ""]
    out += [f"Rules that differ: {len(impact.rules)}" if impact.rules
            else "Rules that differ: none"]
    for r in impact.rules:
        out.append(f"  {r.change:8} {r.kind} {r.id}" + (f" ({r.clause})" if r.clause else ""))
        if r.quote:
            out.append(f'           "{_clip(r.quote)}"')
    if not with_cases:
        return "\n".join(out) + "\n"
    for c in impact.cases:
        out += ["", f"{visible(c.source)} (case {visible(c.case_id)})",
                f"  outcome: {c.before.outcome} -> {c.after.outcome}; total recoverable: "
                f"{_money(c.before.total_recoverable)} -> {_money(c.after.total_recoverable)}"]
        for award in _changed_awards(c):
            out.append(f"  award {visible(award)}: {_award_words(c.before, award)} -> "
                       f"{_award_words(c.after, award)}")
        out += [f"  because: {_said(x)}" + (f" ({x.clause})" if x.clause else "")
                for x in c.causes] or ["  because: no rule change either determination cites"]
    for source, diagnostics in impact.errors:
        out += ["", f"{source}: not compared"]
        out += [f"  error[{d.code}]: {d.message}" for d in diagnostics]
    s = impact.summary()
    out += ["", f"Summary: {s['changed']} of {s['cases']} cases change"
            + (f", {s['errors']} could not be compared" if s["errors"] else "")]
    out += [f"  by kind: {_counts(s['by_kind'])}" if s["by_kind"] else "  by kind: none"]
    if s["by_outcome"]:
        out.append(f"  by outcome: {_counts(s['by_outcome'])}")
    if s["by_cause"]:
        out.append(f"  by cause: {_counts(s['by_cause'])}")
    return "\n".join(out) + "\n"


def _said(x: Cause) -> str:
    """A cause as a changed case's lines say it: one that is an award's with the award (the
    case's own text, its control characters shown as escapes) and the facts it turns on
    ("(no longer) may reach an award" as "(no longer) may reach award bonus-fy2023, on …")."""
    if x.award is None:
        return x.words()
    return f"{x.kind} {x.id} {x.why.removesuffix('an award')}award {visible(x.award)}, " \
        f"on {visible(', '.join(x.on))}"


def _counts(counts: dict[str, int]) -> str:
    return "; ".join(f"{key}: {n}" for key, n in counts.items())


def _award_words(side: Side, award: str) -> str:
    if award not in side.awards:
        return "absent"
    outcome, amount = side.awards[award]
    if outcome == "pending" and isinstance(amount, dict) and "min" in amount:
        if amount["max"] is None:  # it grows with an answer that has no upper bound
            return f"pending, at least {_money(amount['min'])} (no upper bound)"
        return f"pending, between {_money(amount['min'])} and {_money(amount['max'])}"
    return outcome + (f", {_money(amount)}" if amount is not None and outcome != "pending"
                      else "")


def _money(value: Any) -> str:
    if value is None:
        return "not known yet"
    amounts = value if isinstance(value, list) else [value]
    return " and ".join(format_money(Decimal(a["amount"]), a["unit"]) for a in amounts)


def _clip(text: str, width: int = 88) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
