"""The determination: a checked policy and a case in, a Determination out. Pure.

For each award, in one fixed order: the revisions that apply to the participant and reach
the award are selected (before anything is evaluated), composed onto the base rules, and the
award is decided by scope, then conditions, then the recoverable amount and the remedies that
can reach it. Revisions that change the same rule are alternatives: each is evaluated and
the policy's combination (the greater amount, or the lesser) chooses one, never both."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any, Mapping

from clawpolicy.revise import alternatives
from clawpolicy.revise import rules as rs
from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.evaluate import amountrule, amounts
from clawpolicy.evaluate.amounts import citation
from clawpolicy.evaluate.determination import (
    AwardResult, Condition, Excused, OpenRevision, OtherRecoverable, RevisionApplied,
    amount)
from clawpolicy.evaluate.awardmemo import AwardMemo, note_pivots
from clawpolicy.evaluate.caserun import AwardEvaluation, CaseRun
from clawpolicy.evaluate.combine import Seen, combine, compared, ordered, pending
from clawpolicy.evaluate.env import Env, Rec
from clawpolicy.evaluate.compiled import compiled
from clawpolicy.evaluate.depends import MISSING, RuleValues
from clawpolicy.evaluate.expressions import EvaluationError, Evaluator
from clawpolicy.evaluate.reasons import made, said
from clawpolicy.evaluate.shared import Shared, signatures
from clawpolicy.evaluate.tracking import lift, observe, plain
from clawpolicy.syntax import ast
from clawpolicy.core.values import Money, Unknown, merge_facts


def status_of(value: Any) -> str:
    if isinstance(value, Unknown):
        return "unknown"
    return "met" if value else "not_met"


# False: every run records its awards' conditions in full, as the determination's (the
# reference tests/test_bare.py holds the bare runs to, byte for byte): see `run`.
BARE = True


class Determiner:
    """Runs the policy over one case; `run` may be repeated with facts answered."""

    # The facts answered in every run it makes, by path (none: settle._Answered answers some).
    answer: Mapping[str, Any] = MappingProxyType({})

    def __init__(self, policy: CheckedPolicy, case: Any, facts: dict[str, Any],
                 reasons: bool = True):
        self.policy = policy
        # Whether a run gives reasons unless told (recorded, written later: reasons.py); a
        # determination made for its outcomes and amounts alone gives none.
        self.reasons = reasons
        self.case = case
        self.facts = facts
        # The rules' values in the run of the case as it stands: a run answering a question
        # takes those no answered fact can move from here (depends.py).
        self.values: RuleValues | None = None
        # The awards decided in the runs that answer questions, kept by what they depended on
        # (awardmemo.py): the combinations of answers exact.py tries share them.
        self.memo = AwardMemo()
        # While an award is decided on the compiled path: what the ways revisions can apply
        # to it share (shared.py).
        self.shared: Shared | None = None
        self._composed = rs.composed_table(policy)
        self._signatures = signatures(policy)
        # The facts its evaluators read, shared where no answer moves them (reading.py).
        self.facts_read: dict[tuple[str, str], Any] = {}
        # The vocabulary's constraints naming each fact, with the case's values for them
        # (questions.tied), found once for the case.
        self.tied: dict[str, list] = {}
        # The records of the decided list's items by index (`_record`), made once for the
        # case: a record is a value (its path, data, type and key), the same in every run.
        self._records: dict[int, Rec] = {}

    def rules(self, revisions: list[ast.Revision]) -> rs.RuleSet:
        found = self._composed.get(tuple(r.name for r in revisions))
        return found if found is not None else rs.composed(self.policy, revisions)

    # ------------------------------------------------------------ the case
    def run(self, overrides: dict[str, Any] | None = None, reasons: bool | None = None,
            reuse: CaseRun | None = None, only_award: int | None = None,
            tracker: Any = None, within: frozenset[int] | None = None,
            taken: CaseRun | None = None) -> CaseRun:
        """Determine the case. With `reuse`, the run `overrides` answers a question of: only
        the awards that can move are decided again, the others' results are taken from
        `reuse`: with `only_award`, that award alone (a fact of one award cannot move
        another); otherwise each award whose evaluation in `reuse` read an answered fact, or
        every award when the revisions that apply may change; of those, only the awards in
        `within` if given (the caller reads no other). `tracker` follows an ordered fact
        through the evaluation, to find where the result turns (tracking.py).

        A run told `reasons=False` that answers a question is read for its outcomes and
        amounts alone (the exactness search's combinations, where an answer leads): on the
        compiled path its awards' conditions are recorded only as the combination of
        alternatives reads them (`BARE`, combine.Seen), never as the determination's; and,
        on either path, the policy's notes are not evaluated for its awards. A note is no
        part of what such a run is read for (an award's outcome, amount and remedies:
        AwardEvaluation.decided), and a note's own comparison of an amount or date the run
        answers (its `when` weighing a fact against an amount the award computes) would give
        the search a threshold at which nothing it reads turns, and a combination more for
        each.

        `taken`: a run that decided every award of the case, none of which read an answered
        fact, nor did which revisions take the participant in: its awards are taken as they
        are, with the pivots deciding them noted (`CaseRun.pivots_of_awards`), in a run that
        otherwise runs as it does without it (settle.py's sub-searches, a search shortcut)."""
        answering = reasons is False and bool(overrides)
        reasons = self.reasons if reasons is None else reasons
        fast = compiled(self.policy, memo=reasons)
        try:
            return self._run(overrides, reasons, reuse, only_award, tracker, fast, within,
                             answering, taken)
        except EvaluationError:
            if fast is None:
                raise
            # The error again, from the reference: it names the case facts a date that left
            # the calendar came from by the values it kept of each node.
            return self._run(overrides, reasons, reuse, only_award, tracker, None, within,
                             answering)

    def _run(self, overrides: dict[str, Any] | None, reasons: bool, reuse: CaseRun | None,
             only_award: int | None, tracker: Any, fast: Any,
             within: frozenset[int] | None = None, answering: bool = False,
             taken: CaseRun | None = None) -> CaseRun:
        ev = Evaluator(self.policy, self.case, self.facts, overrides, reasons, tracker)
        ev.compiled = fast
        ev.answering = answering
        ev.bare = BARE and answering and fast is not None  # the reference records every condition
        if fast is not None:
            ev.share(self.facts_read)
        if fast is not None and not overrides and reuse is None:
            self.values = RuleValues(self.policy)
        ev.reads = set() if reuse is None else None
        case_env = Env(self.rules([]))
        membership = self.memberships(ev, case_env)
        applied = [made(RevisionApplied, "because", self._why_applies(ev, r, case_env), id=r.name)
                   for r in self.policy.revisions if membership[r.name] is True]
        case_reads = frozenset(ev.reads or ())
        answered = set(overrides or ())
        decided = self.policy.vocabulary.roles.decided
        every = reuse is not None and bool(answered & reuse.case_reads)
        if reuse is not None and (only_award is not None or within is not None or not every):
            moved = [only_award] if only_award is not None else \
                [i for i, e in enumerate(reuse.awards) if (within is None or i in within)
                 and (every or not e.reads.isdisjoint(answered))]
            # Only these awards' records are made (reading the list makes one for each), and
            # only where they are decided again.
            changed = self.memo.awards(self, ev, moved, membership,
                                       lambda i: self._record(ev, decided, i))
            awards, base = None, reuse
        else:
            if taken is not None:  # as deciding them gives them (see `run`)
                awards = list(taken.awards)
                note_pivots(ev.pivots, taken.pivots_of_awards())
            else:
                awards = [self.award(ev, rec, membership) for rec in ev.read(ev.root, decided)]
            changed, base = None, None
        noted = {f: len(p) for f, p in ev.pivots.items()} if reuse is None else None
        members = [r for r in self.policy.revisions if membership[r.name] is True]
        others, unknowns = self._others(ev, Env(rs.others(self.policy, members)))
        for r in self.policy.revisions:
            if isinstance(membership[r.name], Unknown) and any(
                    c.kind == "other" for c in r.changes):
                unknowns.append(membership[r.name])
        return CaseRun(awards, others, unknowns, applied, ev, base, changed, case_reads,
                       noted)

    def _record(self, ev: Evaluator, decided: str, index: int) -> Rec:
        """The record of one item of the decided list, as reading the whole list makes it;
        made once a case (the exactness search's runs each ask for the awards they move)."""
        found = self._records.get(index)
        if found is None:
            element = ev.root.type.fields[decided].type.element
            found = self._records[index] = Rec(
                f"{decided}[{index}]", getattr(self.case, decided)[index], element,
                ev.vocabulary.key_of(element))
        return found

    def memberships(self, ev: Evaluator, env: Env) -> dict[str, Any]:
        """Which revisions take the participant in, by name (`membership`)."""
        return {r.name: self.membership(ev, r, env) for r in self.policy.revisions}

    def membership(self, ev: Evaluator, revision: ast.Revision, env: Env) -> Any:
        """Is the participant in the revision's sub-set, with the revision in force?"""
        if revision.effective is not None and self.case.as_of < revision.effective:
            return False
        return ev.eval(revision.applies_to, env)

    def _why_applies(self, ev: Evaluator, revision: ast.Revision, env: Env) -> Any:
        return said(ev, "explain", revision.applies_to, env, after="" if revision.effective
                    is None else f"; in force from {revision.effective.isoformat()}")

    def _others(self, ev: Evaluator, env: Env) -> tuple[list, list[Unknown]]:
        """Amounts recoverable that are not awards, from the `other` rules in force."""
        found, unknowns = [], []
        for entry in env.rules.of("other"):
            rule, each = entry.rule, entry.rule.each
            gate = ev.eval(each.when, env) if each.when is not None else True
            if gate is False:
                continue
            if isinstance(gate, Unknown):
                unknowns.append(gate)
                continue
            items = ev.eval(each.collection, env)
            if isinstance(items, Unknown):
                unknowns.append(items)
                continue
            for item in items:
                inner = env.bind(each.var, item)
                keep = ev.eval(each.where, inner) if each.where is not None else True
                if keep is not True and not isinstance(keep, Unknown):
                    continue
                try:
                    value = ev.eval_t(rule.body, inner)
                except EvaluationError:
                    if keep is True:
                        raise
                    value = keep  # (an item its test may leave out: not known either)
                if isinstance(value, Unknown):
                    unknowns.append(keep if isinstance(keep, Unknown) else value)
                    continue
                # Tracked where an answer tried moves it (a sale's profit asked): where it
                # turns to nothing is noted, as an award's amount's is (amounts.py).
                value = lift(lambda v: v if isinstance(v, Money) else
                             Money(Decimal(v), ev.vocabulary.default_unit), value)
                if observe(ev.tracker, lambda m: m.amount <= 0, value):
                    continue  # a loss, or nothing: no amount, whatever the item's test gives
                if isinstance(keep, Unknown):
                    unknowns.append(keep)
                    continue
                money = plain(value)
                why = said(ev, "explain", each.where, inner) if each.where is not None else ""
                found.append((made(
                    OtherRecoverable, "because", why, source=item.path, amount=amount(money),
                    rule=rule.name, revision=entry.source, clause=rule.citation.clause or ""),
                    money))
        return found, unknowns

    # ------------------------------------------------------------ one award
    def award(self, ev: Evaluator, rec: Rec, membership: dict[str, Any]) -> AwardEvaluation:
        if ev.reads is None:
            return self._award(ev, rec, membership)
        case_reads, ev.reads = ev.reads, set()
        try:
            evaluation = self._award(ev, rec, membership)
            evaluation.reads = frozenset(ev.reads)
        finally:
            ev.reads = case_reads
        return evaluation

    def _award(self, ev: Evaluator, rec: Rec, membership: dict[str, Any]) -> AwardEvaluation:
        outer = self.shared
        # Only where revisions may make more than one rule set (and not on the reference).
        self.shared = Shared(rec, ev.reasons, self.policy, self._signatures) \
            if ev.compiled is not None and self.policy.revisions else None
        try:
            return self._decide(ev, rec, membership)
        finally:
            self.shared = outer

    def _at(self, rules: rs.RuleSet, rec: Rec, node: ast.Expr, own: Env | None = None) -> Env:
        """Where `node` is evaluated for the award `rec` under `rules`: shared with the other
        rule sets that resolve its names alike where this run shares them (shared.py), else
        `own` (a new environment if not given)."""
        shared = self.shared
        if shared is not None and shared.rec is rec:
            own = shared.env(rules, node, own)
        return own if own is not None else Env(rules, rec)

    def _decide(self, ev: Evaluator, rec: Rec, membership: dict[str, Any]) -> AwardEvaluation:
        sure, unsure, notes = [], [], []
        for revision in self.policy.revisions:
            reach = self._reaches(ev, revision, rec, membership[revision.name])
            if reach is True:
                sure.append(revision)
                if revision.reaches is not None:  # say why: the window it is received in
                    notes.append(said(ev, "explain", revision.reaches,
                                      self._at(self.rules([]), rec, revision.reaches),
                                      f"{revision.name} reaches this award: "))
            elif isinstance(reach, Unknown):
                unsure.append((revision, reach))
            elif membership[revision.name] is True:
                notes.append(said(ev, "explain", revision.reaches,
                                  self._at(self.rules([]), rec, revision.reaches),
                                  f"{revision.name} applies to the participant but does not "
                                  "reach this award: "))
        if self.shared is not None and not (sure or unsure):  # the base rules alone
            self.shared = None
        elif unsure and self.shared is not None:  # two choices: decide each rule set once
            self.shared.keep = True
        chosen = self._choose(ev, rec, sure)
        chosen.result.notes[:0] = notes
        if unsure:
            # Settle what turns on revisions that may or may not govern this award: if
            # applying them changes nothing, nothing is asked.
            # Read for its outcome and amount alone: bare (`run`), as the reference is not.
            outer, ev.bare = ev.bare, ev.bare or (BARE and ev.compiled is not None)
            try:
                alternative = self._choose(ev, rec, sure + [r for r, _ in unsure])
            finally:
                ev.bare = outer
            if ev.tracker is not None and "pending" not in (alternative.result.outcome,
                                                            chosen.result.outcome):
                # Where the two amounts meet or part, for the answer tried.
                observe(ev.tracker, ordered, compared(alternative), compared(chosen))
            # The split between the remedies counts too: where only it differs, the search
            # keeps the outcome and amount and asks the split (settle.py).
            if alternative.decided() != chosen.decided():
                facts = Unknown(merge_facts(*(u.facts for _, u in unsure)))
                # Said in words (the note) and for a program: each revision in doubt with
                # the facts its reach of the award turns on (`revisions_open`).
                return pending(chosen, [facts], "which revisions govern this award is not "
                               f"known: {', '.join(r.name for r, _ in unsure)}",
                               revisions_open=[OpenRevision._make(id=r.name,
                                                                  turns_on=list(u.facts))
                                               for r, u in unsure])
        return chosen

    def _reaches(self, ev: Evaluator, revision: ast.Revision, rec: Rec, member: Any) -> Any:
        if member is False:
            return False
        reach = True if revision.reaches is None else \
            ev.eval(revision.reaches, self._at(self.rules([]), rec, revision.reaches))
        if reach is False:
            return False
        if isinstance(member, Unknown) or isinstance(reach, Unknown):
            return Unknown(merge_facts(*(v.facts for v in (member, reach)
                                         if isinstance(v, Unknown))))
        return True

    def _choose(self, ev: Evaluator, rec: Rec, revisions: list[ast.Revision]) -> AwardEvaluation:
        """Evaluate under each way the revisions can apply; the policy's combination picks
        one, never both (combine.py)."""
        groups, how = alternatives.ways(self.policy, revisions)
        shared = self.shared
        if shared is not None and shared.keep and shared.rec is rec:
            results = [(group, shared.decided(ev, rules, lambda: self.evaluate(ev, rec, rules)))
                       for group in groups for rules in (self.rules(group),)]
        else:
            results = [(group, self.evaluate(ev, rec, self.rules(group))) for group in groups]
        return results[0][1] if len(results) == 1 else combine(how, results, ev.tracker)

    def evaluate(self, ev: Evaluator, rec: Rec, rules: rs.RuleSet) -> AwardEvaluation:
        """Decide one award under one RuleSet: scope, conditions, amount, remedies."""
        env = Env(rules, rec)
        # In a run read for its outcomes and amounts alone (`run`'s `bare`), each condition
        # is recorded only as the combination of alternatives reads it (combine.Seen).
        conditions: list[Any] = []
        bare = ev.bare
        notes: list[str] = []

        def run(kind: str) -> list[Any]:
            values = []
            for entry in rules.of(kind):
                body = entry.rule.body
                at = env if self.shared is None else self._at(rules, rec, body, env)
                value = self._rule(ev, body, at, rules)
                if bare:
                    conditions.append(Seen(kind, status_of(value), entry.source))
                else:
                    clause, quote = citation(entry.rule)
                    conditions.append(made(
                        Condition, "because", said(ev, "explained", body, at),
                        id=entry.rule.name, kind=kind, status=status_of(value), clause=clause,
                        quote=quote, source=entry.source, replaces=entry.replaces))
                values.append(value)
            return values

        def removed(kind: str) -> None:
            for r in rules.removed:
                if r.kind == kind:
                    conditions.append(Seen(kind, "not_applicable", r.source) if bare else Condition._make(
                        id=r.name, kind=kind, status="not_applicable",
                        clause=r.citation.clause or "", quote=" … ".join(r.citation.quotes),
                        because=f"removed for this participant by revision {r.source}",
                        source=r.source))

        scope = run("scope")
        removed("scope")
        if any(v is False for v in scope):
            for entry in rules.of("condition"):
                if bare:
                    conditions.append(Seen("condition", "not_applicable", entry.source))
                    continue
                clause, quote = citation(entry.rule)
                conditions.append(Condition._make(
                    id=entry.rule.name, kind="condition", status="not_applicable",
                    clause=clause, quote=quote, because="the award is outside the policy's scope",
                    source=entry.source, replaces=entry.replaces))
            return self._result(rec, rules, "not_covered", conditions, [], notes, [], None, None)
        met = run("condition")
        removed("condition")
        unknowns = [v for v in scope + met if isinstance(v, Unknown)]
        if any(v is False for v in met):
            # A condition fails: only the scope is open (not_covered or no_recovery), so only
            # the scope's unknowns are what the outcome turns on.
            outcome = "pending" if any(isinstance(v, Unknown) for v in scope) else "no_recovery"
            evaluation = self._result(rec, rules, outcome, conditions, [], notes,
                                      [v for v in scope if isinstance(v, Unknown)], None, None)
        elif unknowns:
            evaluation = self._result(rec, rules, "pending", conditions, [], notes, unknowns,
                                      None, None)
            evaluation.bound, evaluation.moving = amounts.bound(self, ev, env, rec)
        else:
            evaluation = self._amounts(ev, env, rec, conditions, notes)
        if not ev.answering:  # (a run read for outcomes and amounts alone reads no note: `run`)
            evaluation.notes.extend(amounts.policy_notes(self, ev, env, rec))
        return evaluation

    def _rule(self, ev: Evaluator, body: ast.Expr, env: Env, rules: rs.RuleSet) -> Any:
        """A scope, condition or note rule's value under `rules` (evaluated in `env`); where this
        run answers a question (without reasons, its reads not recorded), taken from the run
        of the case as it stands if no answered fact can move it."""
        values, path = self.values, env.award.path
        if values is None:
            return ev.eval(body, env)
        if not ev.overrides:
            value = ev.eval(body, env)
            values.put(rules, path, body, value)
            return value
        if not ev.reasons and (ev.reads is None or ev.names is not None) \
                and ev.compiled is not None:
            # The field names that would stop it being reused are noted (awardmemo.py).
            value = values.get(rules, path, body, ev.overrides, ev.names)
            if value is not MISSING:
                return value
        return ev.eval(body, env)

    def _amounts(self, ev: Evaluator, env: Env, rec: Rec, conditions: list[Condition],
                 notes: list[str], bounding: bool = False) -> AwardEvaluation:
        """The award's amount and remedies (amounts.py); searching.Searching keeps them
        apart."""
        return amounts.derive(self, ev, env, rec, conditions, notes, bounding)

    def _result(self, rec: Rec, rules: rs.RuleSet, outcome: str, conditions, remedies, notes,
                unknowns, recoverable: Money | None, rc: Money | None,
                excused: Excused | None = None) -> AwardEvaluation:
        unit = self.policy.vocabulary.unit_of(rec.type, rec.data)
        if outcome in ("no_recovery", "not_covered"):
            recoverable = Money(Decimal(0), unit)
        recovered = outstanding = None
        items = self.policy.vocabulary.recoveries(self.case, rec.ident)
        if items is not None:  # what the case records as recovered already, and what is left
            total = sum(items, Decimal(0))
            recovered = amount(Money(total, unit))
            if recoverable is not None:
                outstanding = amount(Money(max(recoverable.amount - total, Decimal(0)), unit))
        bare = bool(conditions) and type(conditions[0]) is Seen
        result = made(
            AwardResult, "notes", notes, id=rec.ident, outcome=outcome,
            revisions=list(rules.revisions),
            recoverable=amount(recoverable) if recoverable is not None else None,
            recoverable_compensation=amount(rc) if rc is not None else None,
            recoverable_from=rules.recoverable.source,
            remedies=remedies, conditions=[] if bare else conditions, excused=excused,
            recovered=recovered, outstanding=outstanding,
            recoverable_rule=amountrule.named(rules) if outcome == "pending" else None)
        if bare:  # a result never written (`run`): its conditions as the combination reads them
            result.__dict__["conditions"] = conditions
        return AwardEvaluation(result, unknowns, recoverable)

