"""The determination of one case of the bounded shape, as SMT terms: what
evaluate/decide.py does, step by step (selection of the revisions, composition, the
alternatives and their tie rule, scope, conditions, amounts, remedies, notes and `other`
rules), with each outcome, amount and remedy a term over the symbolic case."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Sequence

import z3

from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.prove.calendar import day_number
from clawpolicy.prove.shape import FALSE, TRUE, Shape, Unsupported, V
from clawpolicy.prove.terms import Terms
from clawpolicy.revise import alternatives
from clawpolicy.revise import rules as rs
from clawpolicy.syntax import ast

OUTCOMES = ("not_covered", "no_recovery", "recovery", "pending")
NC, NR, REC, PENDING = (z3.IntVal(i) for i in range(4))
MODALITY = {"may": 0, "shall": 1}
MAX_REVISIONS = 6  # every way 3**n that revisions can govern an award is translated


@dataclass
class Award:
    """One award's determination as terms (`recoverable` means something unless pending)."""

    outcome: Any
    recoverable: Any
    remedies: dict[str, tuple[Any, Any, Any]]  # name -> (shown, modality, up to)
    notes: dict[str, Any]                      # note rule -> does it apply
    err: Any = FALSE
    bound_known: Any = FALSE
    bound: Any = field(default_factory=lambda: z3.IntVal(0))
    changed: Any = field(default_factory=lambda: z3.IntVal(0))
    idle: Any = field(default_factory=lambda: z3.IntVal(0))
    excused: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # excuse -> (shown, amount)


class Amounts(NamedTuple):
    """An award's amounts where its scope and conditions hold (evaluate/amounts.py)."""

    outcome: Any
    recoverable: Any
    remedies: dict[str, tuple[Any, Any, Any]]  # name -> (reaches, modality, up to)
    excused: dict[str, tuple[Any, Any]]        # excuse -> (it excuses, how much)
    err: Any


def pick(c: Any, a: Award, b: Award) -> Award:
    """`a` where `c` holds, else `b`."""
    none = (FALSE, z3.IntVal(0), z3.IntVal(0))
    return Award(
        z3.If(c, a.outcome, b.outcome), z3.If(c, a.recoverable, b.recoverable),
        {k: tuple(z3.If(c, x, y) for x, y in zip(a.remedies.get(k, none),
                                                  b.remedies.get(k, none)))
         for k in dict.fromkeys([*a.remedies, *b.remedies])},
        {k: z3.If(c, a.notes.get(k, FALSE), b.notes.get(k, FALSE))
         for k in dict.fromkeys([*a.notes, *b.notes])},
        z3.If(c, a.err, b.err), z3.If(c, a.bound_known, b.bound_known),
        z3.If(c, a.bound, b.bound), z3.If(c, a.changed, b.changed), z3.If(c, a.idle, b.idle),
        {k: tuple(z3.If(c, x, y) for x, y in zip(a.excused.get(k, none[:2]),
                                                  b.excused.get(k, none[:2])))
         for k in dict.fromkeys([*a.excused, *b.excused])})


def differ(a: Award, b: Award) -> Any:
    """The two decide differently, as evaluate/caserun.py's `decided` tells: the outcome, the
    amount, or what each remedy reaches (where only the split between the remedies differs,
    the award is left pending on the revisions too)."""
    none = (FALSE, z3.IntVal(0), z3.IntVal(0))
    split = [z3.Or(s1 != s2, z3.And(s1, c1 != c2))
             for k in dict.fromkeys([*a.remedies, *b.remedies])
             for (s1, _, c1), (s2, _, c2) in ((a.remedies.get(k, none), b.remedies.get(k, none)),)]
    return z3.Or(a.outcome != b.outcome, z3.And(a.outcome != PENDING, z3.Or(
        a.recoverable != b.recoverable, *split)))


def pending(a: Award) -> Award:
    return Award(PENDING, z3.IntVal(0), {}, a.notes, a.err)


@dataclass
class Case:
    """The determination of the whole case: its one award, its other amounts."""

    award: Award
    others: dict[tuple[str, int], tuple[Any, Any]]  # (rule, item) -> (found, amount)
    others_unknown: Any
    err: Any
    membership: dict[str, V]
    extra: int = 0  # amounts are in units of 10**-(2 + extra) (Shape.extra)


def kt(v: V) -> Any:
    return z3.And(v.known, v.val)


def kf(v: V) -> Any:
    return z3.And(v.known, z3.Not(v.val))


class Decider:
    """The determination under `policy`, with only the revisions `active` (the others, and
    the rules declared beside them, as if never written: `without`)."""

    def __init__(self, policy: CheckedPolicy, shape: Shape,
                 active: Sequence[ast.Revision] | None = None):
        self.policy = policy
        self.shape = shape
        self.active = list(policy.revisions if active is None else active)
        if len(self.active) > MAX_REVISIONS:
            raise Unsupported((f"more than {MAX_REVISIONS} revisions", None))
        self.award_rec = shape.root.read(policy.vocabulary.roles.decided).val.items[0][1]
        self._evaluated: dict[tuple[str, ...], Award] = {}
        self._chosen: dict[tuple[str, ...], Award] = {}

    # ------------------------------------------------------------ the case
    def case(self) -> Case:
        base = rs.composed(self.policy, [])
        top = Terms(self.policy, self.shape, base, None)
        membership = {r.name: self.member(top, r) for r in self.active}
        award = self.award(membership)
        others, unknown, err = self.others(top, membership)
        err = z3.Or(award.err, err, *[m.err for m in membership.values()])
        return Case(award, others, unknown, err, membership, self.shape.extra)

    def member(self, top: Terms, revision: ast.Revision) -> V:
        applies = top.term(revision.applies_to)
        if revision.effective is None:
            return applies
        as_of = self.shape.root.read("as_of")
        in_force = as_of.val >= day_number(revision.effective)
        return V("bool", z3.Or(z3.Not(in_force), applies.known), z3.And(in_force, applies.val),
                 z3.And(in_force, applies.err))

    def others(self, top: Terms, membership: dict[str, V]):
        entries = [(TRUE, e.rule) for e in rs.base(self.policy).of("other")]
        entries += [(kt(membership[r.name]), c.rule) for r in self.active for c in r.changes
                    if c.action == "add" and c.kind == "other"]
        found: dict[tuple[str, int], tuple[Any, Any]] = {}
        unknown = z3.Or(*[z3.Not(membership[r.name].known) for r in self.active
                          if any(c.kind == "other" for c in r.changes)], FALSE)
        err = FALSE
        for included, rule in entries:
            each = rule.each
            gate = top.term(each.when) if each.when is not None else V("bool", TRUE, TRUE)
            items = top.term(each.collection)
            if items.kind != "list":
                raise Unsupported(("an `other` rule over other than a list of records",
                                   rule.span))
            on = z3.And(included, kt(gate), items.known)
            unknown = z3.Or(unknown, z3.And(included, z3.Or(
                z3.Not(gate.known), z3.And(kt(gate), z3.Not(items.known)))))
            err = z3.Or(err, z3.And(included, z3.Or(gate.err, z3.And(kt(gate), items.err))))
            for i, (present, item) in enumerate(items.val.items):
                local = {each.var: V("record", TRUE, item)}
                keep = top.term(each.where, local) if each.where is not None else \
                    V("bool", TRUE, TRUE)
                value = top.term(rule.recover, local)
                here = z3.And(on, present)
                unknown = z3.Or(unknown, z3.And(here, z3.Or(
                    z3.Not(keep.known), z3.And(kt(keep), z3.Not(value.known)))))
                err = z3.Or(err, z3.And(here, z3.Or(keep.err, z3.And(kt(keep), value.err))))
                hit = z3.And(here, kt(keep), value.known, value.val > 0)
                key = (rule.name, i)
                if key in found:
                    hit, value = z3.Or(found[key][0], hit), V(
                        "num", TRUE, z3.If(found[key][0], found[key][1], value.val))
                found[key] = (hit, value.val)
        return found, unknown, err

    # ------------------------------------------------------------ the award
    def award(self, membership: dict[str, V]) -> Award:
        base = rs.composed(self.policy, [])
        terms = Terms(self.policy, self.shape, base, self.award_rec)
        states = []
        err = FALSE
        for r in self.active:
            m = membership[r.name]
            reach = terms.term(r.reaches) if r.reaches is not None else V("bool", TRUE, TRUE)
            err = z3.Or(err, z3.And(z3.Not(kf(m)), reach.err))
            out = z3.Or(kf(m), kf(reach))
            sure = z3.And(kt(m), kt(reach))
            states.append({"out": out, "sure": sure,
                           "unsure": z3.And(z3.Not(out), z3.Not(sure))})
        result: Award | None = None
        for combo in itertools.product(("out", "sure", "unsure"), repeat=len(self.active)):
            when = z3.And(TRUE, *[states[i][s] for i, s in enumerate(combo)])
            sure = [r for r, s in zip(self.active, combo) if s == "sure"]
            unsure = [r for r, s in zip(self.active, combo) if s == "unsure"]
            chosen = self.choose(sure)
            if unsure:
                alt = self.choose(sure + unsure)
                decided = pick(differ(chosen, alt), pending(chosen), chosen)
                decided.err = z3.Or(chosen.err, alt.err)
            else:
                decided = chosen
            result = decided if result is None else pick(when, decided, result)
        assert result is not None
        result.err = z3.Or(result.err, err)
        return result

    def choose(self, revisions: list[ast.Revision]) -> Award:
        key = tuple(r.name for r in revisions)
        if key not in self._chosen:
            self._chosen[key] = self._choose(revisions)
        return self._chosen[key]

    def _choose(self, revisions: list[ast.Revision]) -> Award:
        groups = alternatives.alternatives(revisions)
        evals = [self.evaluate(g) for g in groups]
        if len(evals) == 1:
            return evals[0]
        how = alternatives.combination(self.policy, revisions)
        sign = 1 if how == "greater" else -1
        names = [sorted((r.name for r in g), reverse=True) for g in groups]
        known = [e.outcome != PENDING for e in evals]

        def covered(e: Award) -> Any:
            return z3.If(e.outcome == REC, 2, z3.If(e.outcome == NR, 1, 0))

        def beats(i: int, j: int) -> Any:
            a, b = evals[i], evals[j]
            keys = [(sign * a.recoverable, sign * b.recoverable), (covered(a), covered(b)),
                    (a.changed, b.changed), (-a.idle, -b.idle)]
            result = z3.BoolVal(names[i] > names[j])
            for x, y in reversed(keys):
                result = z3.Or(x > y, z3.And(x == y, result))
            return result

        best = [z3.And(known[i], *[z3.Implies(known[j], beats(i, j))
                                   for j in range(len(evals)) if j != i])
                for i in range(len(evals))]
        best_amount, best_outcome = z3.IntVal(0), NC
        for i, e in enumerate(evals):
            best_amount = z3.If(best[i], e.recoverable, best_amount)
            best_outcome = z3.If(best[i], e.outcome, best_outcome)
        any_known = z3.Or(*known)
        # As combine._cannot_win: a pending alternative loses by a lesser amount, or by the
        # same amount where the best decided one is already covered.
        escape = z3.And(z3.BoolVal(how == "greater"), any_known, *[
            z3.Implies(z3.Not(known[j]), z3.And(e.bound_known, z3.Or(
                e.bound < best_amount, z3.And(e.bound == best_amount, best_outcome != NC))))
            for j, e in enumerate(evals)])
        result = evals[-1]
        for i in reversed(range(len(evals))):
            result = pick(best[i], evals[i], result)
        first_pending = pending(evals[-1])
        for j in reversed(range(len(evals))):
            first_pending = pick(z3.Not(known[j]), pending(evals[j]), first_pending)
        result = pick(z3.And(z3.Not(z3.And(*known)), z3.Not(escape)), first_pending, result)
        result.err = z3.Or(*[e.err for e in evals])
        return result

    # ------------------------------------------------------------ one rule set
    def evaluate(self, group: list[ast.Revision]) -> Award:
        key = tuple(r.name for r in group)
        if key not in self._evaluated:
            self._evaluated[key] = self._evaluate(rs.composed(self.policy, group), group)
        return self._evaluated[key]

    def _evaluate(self, rules: rs.RuleSet, group: list[ast.Revision]) -> Award:
        terms = Terms(self.policy, self.shape, rules, self.award_rec)
        scopes = [(e, terms.term(e.rule.requires)) for e in rules.of("scope")]
        conds = [(e, terms.term(e.rule.requires)) for e in rules.of("condition")]
        out_of_scope = z3.Or(FALSE, *[kf(v) for _, v in scopes])
        scope_unknown = z3.Or(FALSE, *[z3.Not(v.known) for _, v in scopes])
        failed = z3.Or(FALSE, *[kf(v) for _, v in conds])
        open_ = z3.Or(scope_unknown, *[z3.Not(v.known) for _, v in conds])
        covered = z3.Not(out_of_scope)
        real, bounded = self._amounts(terms, rules)
        outcome = z3.If(out_of_scope, NC, z3.If(failed, z3.If(scope_unknown, PENDING, NR),
                                               z3.If(open_, PENDING, real.outcome)))
        recoverable = z3.If(z3.Or(outcome == NC, outcome == NR), 0, real.recoverable)
        notes_terms = [(e.rule.name, terms.term(e.rule.when)) for e in rules.of("note")]
        notes = {name: z3.And(covered, kt(v)) for name, v in notes_terms}
        shown = {name: (z3.And(outcome == REC, on), mod, cap)
                 for name, (on, mod, cap) in real.remedies.items()}
        by_amounts = z3.And(covered, z3.Not(failed), z3.Not(open_), real.outcome != PENDING)
        excused = {name: (z3.And(by_amounts, on), part)
                   for name, (on, part) in real.excused.items()}
        err = z3.Or(FALSE, *[v.err for _, v in scopes])
        err = z3.Or(err, z3.And(covered, z3.Or(FALSE, *[v.err for _, v in conds],
                                                  *[v.err for _, v in notes_terms])))
        # The amounts are evaluated where the conditions hold, and where one is open for the
        # most the award could recover (the bound: an exception not known to hold is passed).
        err = z3.Or(err, z3.And(covered, z3.Not(failed), z3.If(open_, bounded.err, real.err)))
        bound_known = z3.And(covered, z3.Not(failed), open_, bounded.outcome != PENDING)
        changed, idle = self._deciding(rules, group, scopes, conds, out_of_scope, failed,
                                       outcome, shown)
        return Award(outcome, recoverable, shown, notes, err, bound_known, bounded.recoverable,
                     changed, idle, excused)

    def _amounts(self, terms: Terms, rules: rs.RuleSet):
        """The amounts as evaluate/amounts.py computes them: the recoverable amount, less
        what the first exception that excuses some of it excuses, reached by the remedies
        (each capped by what is owed where something is excused); and the same for the bound
        (an exception whose test or amount is not known is passed)."""
        rc = terms.term(rules.recoverable.rule.amount)
        excuses = [(e.rule.name, terms.term(e.rule.when), terms.term(e.rule.amount))
                   for e in rules.of("excuse")]
        remedies = []
        for e in rules.of("remedy"):
            rule = e.rule
            barred = terms.term(rule.unless) if rule.unless is not None else \
                V("bool", TRUE, FALSE)
            remedies.append((rule.name, barred, terms.term(rule.cap),
                             z3.IntVal(MODALITY[rule.modality])))
        real = self._after_excuses(rc, excuses, remedies, bounding=False)
        return real, self._after_excuses(rc, excuses, remedies, bounding=True)

    @staticmethod
    def _after_excuses(rc: V, excuses: list, remedies: list, bounding: bool):
        looking = z3.And(rc.known, rc.val > 0)  # nothing to excuse in nothing owed
        part, open_, err = z3.IntVal(0), FALSE, rc.err
        excused = {}
        for name, when, amount in excuses:
            err = z3.Or(err, z3.And(looking, z3.Or(when.err, z3.And(kt(when), amount.err))))
            unknown = z3.Or(z3.Not(when.known), z3.And(kt(when), z3.Not(amount.known)))
            share = z3.If(amount.val > rc.val, rc.val, z3.If(amount.val < 0, 0, amount.val))
            hit = z3.And(looking, kt(when), amount.known, share > 0)
            excused[name] = (hit, share)
            part = z3.If(hit, share, part)
            if not bounding:
                open_ = z3.Or(open_, z3.And(looking, unknown))
                looking = z3.And(looking, z3.Not(unknown))
            looking = z3.And(looking, z3.Not(hit))
        owed = rc.val - part
        # Where an exception excuses all that is owed, no remedy is looked at.
        looked = z3.And(rc.known, z3.Or(part == 0, owed > 0))
        total, unknown = z3.IntVal(0), FALSE
        shown = {}
        for name, barred, cap, modality in remedies:
            capped = z3.If(z3.And(part > 0, cap.val > owed), owed, cap.val)
            unknown = z3.Or(unknown, z3.And(looked, z3.Or(
                z3.Not(barred.known), z3.And(kf(barred), z3.Not(cap.known)))))
            err = z3.Or(err, z3.And(looked, z3.Or(barred.err, z3.And(kf(barred), cap.err))))
            reaches = z3.And(looked, kf(barred), cap.known, capped > 0)
            total = total + z3.If(reaches, capped, 0)
            shown[name] = (reaches, modality, capped)
        least = z3.If(owed < total, owed, total)
        recoverable = z3.If(least > 0, least, 0)
        outcome = z3.If(z3.Or(z3.Not(rc.known), open_, unknown), PENDING,
                        z3.If(recoverable > 0, REC, NR))
        return Amounts(outcome, recoverable, shown, excused, err)

    def _deciding(self, rules, group, scopes, conds, out_of_scope, failed, outcome, shown):
        """The tie rule's counts: revisions' rules among those that decided the result,
        and the revisions of the group that decided nothing."""
        items: list[tuple[Any, str]] = []
        for e, v in scopes:
            items.append((z3.If(out_of_scope, kf(v), z3.If(failed, FALSE, kt(v))), e.source))
        for e, v in conds:
            items.append((z3.If(out_of_scope, FALSE, z3.If(failed, kf(v), kt(v))), e.source))
        rest = z3.Not(z3.Or(out_of_scope, failed))
        items.append((rest, rules.recoverable.source))
        for e in rules.of("remedy"):
            items.append((z3.And(rest, shown[e.rule.name][0]), e.modality_from or e.source))
        changed = z3.Sum(z3.IntVal(0), *[z3.If(c, 1, 0) for c, s in items if s != ast.BASE_POLICY])
        idle = z3.Sum(z3.IntVal(0), *[
            z3.If(z3.Or(FALSE, *[c for c, s in items if s == g.name]), 0, 1) for g in group])
        return changed, idle
