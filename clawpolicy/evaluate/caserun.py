"""One run of the determination over a case's awards, and the tally of their outcomes and
recoverable amounts: what decide.Determiner.run returns, and what an open question's
answers are counted from."""

from __future__ import annotations

import decimal
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Iterable

from clawpolicy.core.values import Money, Unknown
from clawpolicy.evaluate.determination import AwardResult, Note, OtherRecoverable, RevisionApplied
from clawpolicy.evaluate.expressions import Evaluator


@dataclass
class AwardEvaluation:
    result: AwardResult
    unknowns: list[Unknown]          # what the outcome turns on, when pending
    recoverable: Money | None
    notes: list[Note] = field(default_factory=list)  # the policy's notes that apply
    # For a pending award, the most it could recover however the open facts are answered,
    # where that is known: lets alternatives be compared before every fact is in.
    bound: Money | None = None
    # The case facts its evaluation read (recorded in a run that answers no question): an
    # answer to any other fact cannot change it.
    reads: frozenset = frozenset()
    # In a run that tries an answer to an amount or date (tracking.py): the amount the
    # alternatives compare (the recoverable amount, or a pending award's bound) as tracked,
    # so that where their comparison turns is noted too (combine.py, decide.py). Else None.
    moving: Any = None

    def decided(self) -> tuple:
        """What the result decides: its outcome, its amount (and unit), and what each remedy
        reaches. Two evaluations that agree on it differ at most in their reasons."""
        money = self.recoverable
        return (self.result.outcome, (money.amount, money.unit) if money is not None else None,
                tuple((r.kind, r.up_to.amount) for r in self.result.remedies))

    def fresh(self, **result: Any) -> "AwardEvaluation":
        """A copy its caller may add notes to, leaving this one as it was; `result` replaces
        fields of the award's result in the copy."""
        result = self.result.model_copy(update={"notes": list(self.result.notes), **result})
        return AwardEvaluation(result, list(self.unknowns), self.recoverable, list(self.notes),
                               self.bound, self.reads, self.moving)


class CaseRun:
    """Everything evaluated for one case, before it is shaped into a Determination.

    A run that answers a question (an open question's "what if") decides again only the
    awards whose evaluation read the fact answered, shares the others with the run it comes
    from, and counts outcomes and totals from that run's tally: an answer costs the awards
    it can move, not all of them, so a case of thousands of awards is answered in time
    linear in their number."""

    def __init__(self, awards: list[AwardEvaluation] | None,
                 others: list[tuple[OtherRecoverable, Money]], unknowns: list[Unknown],
                 applied: list[RevisionApplied], evaluator: Evaluator,
                 base: "CaseRun | None" = None,
                 changed: dict[int, AwardEvaluation] | None = None,
                 case_reads: frozenset = frozenset(), award_pivots: dict | None = None):
        self._awards = awards
        self.others = others
        self.unknowns = unknowns    # case-level facts the outcome turns on
        self.applied = applied
        self.evaluator = evaluator
        self._base, self._changed = base, changed or {}
        self.case_reads = case_reads  # facts read to decide which revisions apply
        # In a run that decided every award: how many pivots of each fact its evaluator had
        # noted once they were decided (a pivot list only grows), before the other amounts.
        self.award_pivots = award_pivots

    @property
    def awards(self) -> list[AwardEvaluation]:
        if self._awards is None:
            assert self._base is not None
            self._awards = list(self._base.awards)
            for index, evaluation in self._changed.items():
                self._awards[index] = evaluation
        return self._awards

    def pivots_of_awards(self) -> dict[str, list]:
        """The pivots its evaluator had noted once every award was decided (those of which
        revisions take the participant in, and the awards')."""
        pivots = self.evaluator.pivots
        return {fact: pivots[fact][:n] for fact, n in (self.award_pivots or {}).items()}

    def readers(self, fact: str) -> set[int] | None:
        """The awards whose evaluation read `fact`, in this run answering nothing and
        deciding every award: an answer to it cannot move another's (one that reads the same
        facts gives the same). None where that is not known, or where `fact` was read for
        which revisions take the participant in (an answer may then move any award)."""
        if self.award_pivots is None or self.evaluator.overrides or fact in self.case_reads:
            return None
        return {i for i, e in enumerate(self.awards) if fact in e.reads}

    def unread(self, fact: str) -> bool:
        """Whether an answer to `fact` can move no award's evaluation (`readers`)."""
        return self.readers(fact) == set()

    @cached_property
    def _tally(self) -> "_Tally":
        if self._base is None or len(self._changed) != 1:
            return _Tally.of(self.awards)
        ((index, evaluation),) = self._changed.items()
        return self._base._tally.replaced(index, self._base.awards[index], evaluation)

    @property
    def outcome(self) -> str:
        return case_outcome((o for o, n in self._tally.outcomes.items() if n),
                            [m for _, m in self.others], bool(self.unknowns))

    def totals(self) -> list[Money]:
        """The awards whose outcome is recovery, and the other amounts, one entry per unit
        in the order the units first appear (zero in the vocabulary's default unit when
        there are none)."""
        by_unit = self._tally.sums() if self._tally.exact else _sums(
            [e.recoverable for e in self.awards
             if e.result.outcome == "recovery" and e.recoverable is not None])
        return _with_others(by_unit, [m for _, m in self.others],
                            self.evaluator.vocabulary.default_unit)


def case_outcome(outcomes: Iterable[str], others: list[Money], unsettled: bool) -> str:
    """The case's outcome from its awards' outcomes and its other amounts: recovery if any
    award's is (or another amount is due), else pending if any is (or a case-level fact is
    open), else no_recovery if any award is covered, else not_covered."""
    present = set(outcomes)
    if "recovery" in present or any(m.amount > 0 for m in others):
        return "recovery"
    if "pending" in present or unsettled:
        return "pending"
    if present - {"not_covered"}:
        return "no_recovery"
    return "not_covered"


def case_totals(awards: list[tuple[str, Money | None]], others: list[Money],
                default_unit: str) -> list[Money]:
    """The awards whose outcome is recovery, and the other amounts, one entry per unit
    (zero in the vocabulary's default unit when there are none)."""
    return _with_others(_sums([m for outcome, m in awards
                               if outcome == "recovery" and m is not None]),
                        others, default_unit)


def _sums(moneys: list[Money]) -> dict[str, Decimal]:
    by_unit: dict[str, Decimal] = {}
    for m in moneys:
        by_unit[m.unit] = by_unit.get(m.unit, Decimal(0)) + m.amount
    return by_unit


def _with_others(by_unit: dict[str, Decimal], others: list[Money],
                 default_unit: str) -> list[Money]:
    for m in others:
        by_unit[m.unit] = by_unit.get(m.unit, Decimal(0)) + m.amount
    return [Money(a, u) for u, a in by_unit.items()] or [Money(Decimal(0), default_unit)]


def _recovered(evaluation: AwardEvaluation) -> Money | None:
    if evaluation.result.outcome == "recovery":
        return evaluation.recoverable
    return None


@dataclass
class _Tally:
    """The outcomes of a run's awards, and the recoverable amounts by unit: each unit's
    exact sum, how many awards make it, and the first two awards in it (so that the order
    of the units is known once one award is replaced). `exact`: every sum was exact, so one
    award's amount can be taken out and another put in without changing the value a sum in
    award order would have (an inexact sum is done again in award order)."""

    outcomes: Counter
    units: dict[str, list]   # unit -> [sum, count, (first indices, at most two)]
    exact: bool

    @classmethod
    def of(cls, awards: list[AwardEvaluation]) -> "_Tally":
        units: dict[str, list] = {}
        exact = True
        with decimal.localcontext() as context:
            context.traps[decimal.Inexact] = True
            for i, evaluation in enumerate(awards):
                money = _recovered(evaluation)
                if money is None:
                    continue
                entry = units.setdefault(money.unit, [Decimal(0), 0, ()])
                try:
                    entry[0] += money.amount
                except decimal.Inexact:
                    exact = False
                entry[1] += 1
                entry[2] = (entry[2] + (i,))[:2]
        return cls(Counter(e.result.outcome for e in awards), units, exact)

    def replaced(self, index: int, old: AwardEvaluation, new: AwardEvaluation) -> "_Tally":
        """The tally with award `index` changed from `old` to `new` (one award only: the
        first two awards of a unit say which is first once one of them is taken out)."""
        outcomes = self.outcomes.copy()
        outcomes[old.result.outcome] -= 1
        outcomes[new.result.outcome] += 1
        units = {u: list(entry) for u, entry in self.units.items()}
        exact = self.exact
        with decimal.localcontext() as context:
            context.traps[decimal.Inexact] = True
            for money, sign in ((_recovered(old), -1), (_recovered(new), 1)):
                if money is None:
                    continue
                entry = units.setdefault(money.unit, [Decimal(0), 0, ()])
                try:
                    entry[0] += sign * money.amount
                except decimal.Inexact:
                    exact = False
                entry[1] += sign
                firsts = tuple(i for i in entry[2] if i != index)
                entry[2] = tuple(sorted(firsts + (index,)))[:2] if sign > 0 else firsts
        return _Tally(outcomes, {u: e for u, e in units.items() if e[1] > 0}, exact)

    def sums(self) -> dict[str, Decimal]:
        order = sorted(self.units, key=lambda u: self.units[u][2][0])
        return {u: self.units[u][0] for u in order}
