"""`clawpolicy diff OLD NEW [CASES...]`: the impact of a change of policy. Rule by rule, what
differs between the two policies; case by case, whose determination changes (outcome,
amounts), and which of those rule changes cause it: a rule added, removed or changed that
either determination cites (directly, or through the definitions it uses), revisions that
now apply or no longer do, and revisions either determination is pending on (the new one's:
they may apply, or may reach an award; the old one's: they no longer may).

Rules are compared as the checker reads them (the same block in another place or layout, or
with other comments, is the same rule)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Callable

from clawpolicy import api
from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.evaluate.determination import Determination
from clawpolicy.evaluate.determine import revision_statuses
from clawpolicy.syntax import ast


@dataclass(frozen=True)
class RuleChange:
    change: str        # "added" | "removed" | "changed"
    kind: str          # the rule's kind (scope, condition, definition, …), or "revision"
    id: str
    clause: str | None
    quote: str | None  # the first words it quotes

    def words(self) -> str:
        return f"{self.kind} {self.id} {self.change}"


@dataclass(frozen=True)
class Cause:
    """Why a case's determination changes: a rule change it cites, a revision that now
    applies to it (or no longer does), or one that either determination is pending on."""

    # "added" | "removed" | "changed" (a rule), or "now applies" | "no longer applies" |
    # "changed" | "may apply" | "may reach an award" | "no longer may apply" | "no longer may
    # reach an award" (a revision: it governs the award now, or no longer does, or it was
    # changed (or governs the award on one side only while it applies to the participant on
    # both), or whether it applies is what the case is now pending on, or it applies and
    # whether it reaches an award is what the award is now pending on; or one of those two
    # was what the old determination was pending on, and the new one is not)
    why: str
    kind: str
    id: str
    clause: str | None
    # For "(no longer) may reach an award": the award, and the facts whether it reaches it
    # turns on (the new, or the old, determination's `revisions_open`).
    award: str | None = None
    on: tuple[str, ...] = ()

    def words(self) -> str:
        """The cause as the summary counts it (across cases: no award named)."""
        return f"{self.kind} {self.id} {self.why}"


@dataclass(frozen=True)
class Side:
    outcome: str
    total_recoverable: Any
    awards: dict[str, tuple[str, Any]]  # id -> (outcome, recoverable)


@dataclass
class CaseChange:
    source: str
    case_id: str
    before: Side
    after: Side
    causes: list[Cause]

    @property
    def kind(self) -> str:
        return "outcome" if self.before.outcome != self.after.outcome else "amount"


@dataclass
class Impact:
    old: CheckedPolicy
    new: CheckedPolicy
    rules: list[RuleChange]
    cases: list[CaseChange] = field(default_factory=list)
    examined: int = 0
    errors: list[tuple[str, list[Diagnostic]]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.cases) if self.examined or self.errors else bool(self.rules)

    def summary(self) -> dict[str, Any]:
        return {
            "cases": self.examined, "changed": len(self.cases),
            "unchanged": self.examined - len(self.cases), "errors": len(self.errors),
            "by_kind": dict(Counter(c.kind for c in self.cases)),
            "by_outcome": dict(Counter(f"{c.before.outcome} -> {c.after.outcome}"
                                       for c in self.cases)),
            "by_cause": dict(Counter(cause.words() for c in self.cases for cause in c.causes)),
        }


# ---------------------------------------------------------------- rules

def rule_changes(old: CheckedPolicy, new: CheckedPolicy) -> list[RuleChange]:
    """Every rule and revision that differs, in the new policy's order, removed ones last."""
    changes = []
    for kind, olds, news in (("rule", old.rules, new.rules),
                             ("revision", old.revisions, new.revisions)):
        before = {r.name: r for r in olds}
        after = {r.name: r for r in news}
        for name, rule in after.items():
            if name not in before:
                changes.append(_change("added", rule))
            elif before[name] != rule:
                changes.append(_change("changed", rule))
        changes += [_change("removed", rule) for name, rule in before.items()
                    if name not in after]
    if (old.header.effective, old.header.adopted_on) != (new.header.effective,
                                                           new.header.adopted_on):
        changes.append(RuleChange("changed", "header", "effective_date", None, None))
    if old.fact_decls != new.fact_decls:
        changes.append(RuleChange("changed", "header", "facts", None, None))
    return changes


def _change(change: str, rule: ast.Rule | ast.Revision) -> RuleChange:
    kind = "revision" if isinstance(rule, ast.Revision) else rule.kind
    quotes = rule.citation.quotes
    return RuleChange(change, kind, rule.name, rule.citation.clause,
                      quotes[0] if quotes else None)


def _names(node: Any) -> Iterator[str]:
    """Every name an AST node uses, however deep."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Name):
            yield item.name
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item)
                         if f.compare)
        elif isinstance(item, (tuple, list)):
            stack.extend(item)


def _closure(policy: CheckedPolicy, ids: set[str]) -> set[str]:
    """`ids` and the rules (definitions) they use, transitively."""
    by_name = {r.name: r for r in policy.rules}
    seen, todo = set(), list(ids)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in by_name:
            todo.extend(n for n in _names(by_name[name]) if n in by_name)
    return seen


# ---------------------------------------------------------------- cases

def _side(d: Determination) -> Side:
    return Side(d.outcome, _plain(d.total_recoverable), {
        a.id: (a.outcome, _plain(a.recoverable if a.outcome != "pending"
                                 else a.recoverable_range)) for a in d.awards})


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.model_dump(mode="json") if value is not None else None


def _cited(policy: CheckedPolicy, d: Determination) -> set[str]:
    ids = {c.id for a in d.awards for c in a.conditions}
    ids |= {r.kind for a in d.awards for r in a.remedies}
    ids |= {policy.recoverable.name} | {n.rule for n in d.notes}
    ids |= {o.rule for o in d.other_recoverable}
    return ids


def causes(impact: Impact, before: Determination, after: Determination,
           unknown_revisions: Callable[[CheckedPolicy], list[str]]) -> list[Cause]:
    """The rule changes and revisions behind the change of one case. `unknown_revisions`:
    the revisions of a policy (the old or the new) whose sub-set the case leaves unknown
    (asked only where that policy's determination is pending and no revision that now
    applies, or no longer does, explains the change).

    What a determination is pending on is read on both sides: the new one's revisions in
    doubt "may apply" or "may reach an award"; the old one's, where the new determination is
    no longer pending on them, "no longer may apply" or "no longer may reach an award" (a
    revision removed or changed), so that the diff read backwards names the same revisions."""
    revised = {c.id for c in impact.rules if c.kind == "revision"}
    clauses = {r.name: r.citation.clause for r in impact.old.revisions + impact.new.revisions}
    now_applies, no_longer = [], []
    reach: tuple[list, list] = ([], [])  # the old side's and the new side's, as causes
    olds = {a.id: a for a in before.awards}
    for award in after.awards:
        old = olds.get(award.id)
        if old is None or _award(old) == _award(award):
            continue
        now_applies += [r for r in award.revisions if r not in old.revisions]
        no_longer += [r for r in old.revisions if r not in award.revisions]
        now_applies += [r for r in award.revisions if r in old.revisions and r in revised]
        # A revision in doubt whose sub-set holds the participant: what is not known is
        # whether it reaches the award (one whose sub-set is in doubt "may apply", below).
        for side, d, a, why in ((0, before, old, "no longer may reach an award"),
                                (1, after, award, "may reach an award")):
            members = {r.id for r in d.revisions_applied} & revised
            reach[side].extend(Cause(why, "revision", r.id, clauses.get(r.id), award.id,
                                     tuple(r.turns_on))
                               for r in a.revisions_open or () if r.id in members)
    others = ([(o.source, o.amount, o.revision) for o in before.other_recoverable],
              [(o.source, o.amount, o.revision) for o in after.other_recoverable])
    if others[0] != others[1]:
        sources = [{r for *_, r in side} - {ast.BASE_POLICY} for side in others]
        now_applies += [r for *_, r in others[1] if r in sources[1] - sources[0]]
        no_longer += [r for *_, r in others[0] if r in sources[0] - sources[1]]
    # One that governs an award (or an amount) now and did not, or the reverse, is "changed"
    # where it applied to the participant on the other side too.
    found = [Cause(why, "revision", r, clauses.get(r)) for why, r in _unique(
        [("now applies" if r not in _applied(before) else "changed", r) for r in now_applies]
        + [("no longer applies" if r not in _applied(after) else "changed", r)
           for r in no_longer])]
    if not found:
        may = [[r for r in unknown_revisions(policy) if r in revised] if _pending(d) else []
               for policy, d in ((impact.old, before), (impact.new, after))]
        found += [Cause("may apply", "revision", r, clauses.get(r)) for r in may[1]]
        # Pending on it before, and still pending on it now: it "may apply" (above).
        found += [Cause("no longer may apply", "revision", r, clauses.get(r))
                  for r in may[0] if r not in may[1]]
    found += reach[1]
    # The award still pending on the revision's reach (or on its sub-set) is not one it no
    # longer may reach.
    still = {(r.id, a.id) for a in after.awards for r in a.revisions_open or ()}
    found += [x for x in reach[0] if (x.id, x.award) not in still]
    cited = _closure(impact.old, _cited(impact.old, before)) \
        | _closure(impact.new, _cited(impact.new, after))
    found += [Cause(c.change, c.kind, c.id, c.clause) for c in impact.rules
              if c.kind not in ("revision", "header") and c.id in cited
              and not any(c.id in _closure(impact.new, {f.id}) for f in found)]
    found += [Cause(c.change, c.kind, c.id, c.clause) for c in impact.rules
              if c.kind == "header"]
    return found


def _pending(d: Determination) -> bool:
    return "pending" in (d.outcome, *(a.outcome for a in d.awards))


def _award(a) -> tuple:
    return a.outcome, _plain(a.recoverable), _plain(a.recoverable_range)


def _applied(d: Determination) -> set[str]:
    return {r.id for r in d.revisions_applied} | {r for a in d.awards for r in a.revisions}


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


def compare(old: CheckedPolicy, new: CheckedPolicy,
            cases: Iterable[tuple[str, Callable[[], api.LoadedCase]]]) -> Impact:
    """The impact over `cases`, each a source (as messages name it) and a reader of it; a
    case that cannot be read, or that either policy cannot determine, is listed with its
    errors and the run goes on."""
    impact = Impact(old, new, rule_changes(old, new))
    for source, read in cases:
        try:
            loaded = read()
            # Outcomes, amounts and the rules cited are compared: no reason is written.
            before, after = api.evaluate(old, loaded, reasons=False), \
                api.evaluate(new, loaded, reasons=False)
        except DiagnosticError as error:
            impact.errors.append((source, error.diagnostics))
            continue
        impact.examined += 1
        sides = _side(before), _side(after)
        if sides[0] != sides[1]:
            def unknown(policy: CheckedPolicy, loaded=loaded) -> list[str]:
                statuses = revision_statuses(policy, loaded.case,
                                             api.policy_facts(policy, loaded))
                return [name for name, status in statuses.items() if status == "unknown"]

            impact.cases.append(CaseChange(source, before.case_id, *sides,
                                           causes(impact, before, after, unknown)))
    return impact
