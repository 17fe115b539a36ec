"""Exact determinations: a case or award is `pending` if and only if two admissible answers to
its unknown facts give different outcomes or different recoverable amounts.

The case is first evaluated three-valued; the unknown facts an undecided award cites are the
candidates. Each candidate's admissible answers come from its declared type: a boolean's two
values, an enumeration's values, a text's literals the policy compares it with plus one
"any other", a list's none plus the values the policy names, and for an amount or a date the
intervals between the answers at which a comparison turns (found by tracking, tracking.py).
Every combination of the candidates' answers is evaluated, up to BOUND combinations; past
that the award is left as the three-valued evaluation gives it, and a note says so."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from clawpolicy.core import types as t
from clawpolicy.core.values import Money
from clawpolicy.evaluate.caserun import AwardEvaluation, CaseRun
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.env import Rec
from clawpolicy.evaluate.meets import note_meets
from clawpolicy.evaluate.questions import (ANY_OTHER, OTHER_VALUE, admissible, fact_floor,
                                           fact_format, fact_type, linked_keys, tie_points, tied)
from clawpolicy.evaluate import alike, searching, watch as watching
from clawpolicy.evaluate.ranges import FIRST_DAY, LAST_DAY, show_point
from clawpolicy.evaluate.shortcuts import interval_end, version as _version
from clawpolicy.evaluate.tracking import Scale, Tracker
from clawpolicy.vocabulary.declarations import format_values

# At most this many combinations of answers are evaluated for one award (or for the case).
BOUND = 1024
# Rounds of sampling between thresholds, until no new threshold appears.
ROUNDS = 6
# The largest amount tried for an amount with no declared bound (in its unit).
CEILING = Decimal(10) ** 15
NUMBER_STEP = Decimal("0.01")


@dataclass
class Finite:
    """A fact's admissible answers: (the value the case reads, the answer's words)."""

    answers: list[tuple[Any, Any]]
    ordered: bool = False  # in an order of their own (a year's days): asked as runs


@dataclass(frozen=True)
class Unknowns:
    """The data of a record whose every field is unknown (reads as null)."""

    record: str

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None


class _Any:
    """A fact a combination leaves unanswered: it stands for every answer to it."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


class _Unsettled(Exception):
    """The combinations cannot all be evaluated (past BOUND, or a whole record unknown)."""


class _Unsure(Exception):
    """Facts compared with each other as tracking.Tracker.step does not account for."""


@dataclass
class Combination:
    values: tuple[Any, ...]          # one answer per candidate (an interval's end), or ANY
    keys: dict[int, tuple]           # per award: (outcome, recoverable, remedies) or pending
    others: tuple | None             # the other amounts, None where not settled
    evaluation: dict[int, AwardEvaluation]
    open: tuple[str, ...] = ()       # the facts it still turns on, where it is pending
    # What it gives, as settle.py tells combinations apart (made once: `differ.gives`).
    given: tuple | None = field(default=None, compare=False, repr=False)


@dataclass
class Group:
    """The candidates of one undecided award (or, where the case itself is undecided, of the
    whole case), and every combination of their answers."""

    awards: list[int]
    facts: list[str]
    domains: dict[str, Any] = field(default_factory=dict)
    tracker: Tracker | None = None
    combinations: list[Combination] = field(default_factory=list)
    overflow: int = 0  # past BOUND: more combinations than it
    cited: list[str] = field(default_factory=list)  # what the three-valued evaluation cited
    # Searching for the outcome alone (Exact's `outcome_only`): the search stopped once two
    # of its combinations disagreed on every award it settles; no combinations are kept.
    undecided: bool = False
    # The points at which an answer turns were still moving after ROUNDS rounds of sampling:
    # the combinations found may miss one, so none is kept.
    moving: bool = False
    # A listed fact's answers alike (alike.py): each to the first of its class.
    alike: dict[str, dict] = field(default_factory=dict)
    # The combinations whose evaluation noted no threshold: the tracker's count then.
    clean: dict[tuple, int] = field(default_factory=dict)
    # The case-level facts whose answers are not enumerated (a list of records left unknown,
    # `stock_sales: null`) that only the case's other amounts turn on, no award: the search
    # leaves them unknown (those amounts stay unsettled), and they are asked on their own.
    unlisted: list[str] = field(default_factory=list)
    # Whether each fact (by its index) matters, once found (differ.matters).
    matters: dict[int, bool] = field(default_factory=dict, compare=False, repr=False)
    # A group joined from its awards' own searches (split.py): those searches' groups.
    parts: list["Group"] = field(default_factory=list, compare=False, repr=False)
    # An award searched alone once its group passed the bound (split.py): the facts it
    # shares with the group's other awards are asked alone, so it is not joined with them.
    alone: bool = False

    def kept(self, j: int, value: Any) -> list[Combination]:
        """The combinations that keep this answer to fact `j` (one that leaves it
        unanswered stands for it too)."""
        return [c for c in self.combinations if c.values[j] is ANY or c.values[j] == value]

    def where(self, j: int, value: Any) -> "Group":
        """The group with only the combinations that keep this answer to fact `j`; its parts
        (split.py) likewise."""
        fact = self.facts[j]
        sub = Group(self.awards, self.facts, self.domains, self.tracker, self.kept(j, value))
        sub.parts = [part if fact not in part.facts else part.where(part.facts.index(fact), value)
                     for part in self.parts]
        return sub


class Exact:
    def __init__(self, determiner: Determiner, run: CaseRun, outcome_only: bool = False,
                 bound: int | None = None, stop: bool = False):
        """With `outcome_only`, only what the groups settle each award to is wanted (the
        outcome and amount), not the combinations: a search stops as soon as every award it
        settles is known to stay pending (see `watch.Watch`). `bound` and `stop`: see
        settle.settle's `asked_only` (`passed`: some group passed the bound)."""
        self.determiner, self.run = determiner, run
        self.bound = BOUND if bound is None else bound  # (BOUND read now: tests set it)
        self.stop, self.passed = stop, False
        self.vocabulary = determiner.policy.vocabulary
        self.outcome_only = outcome_only and searching.SHORTCUTS
        # The determination's own search, whose facts are asked (`_joined`): not an
        # answer's, which is read for its outcome and amounts alone, shortcuts or not.
        self.asking = not outcome_only
        # Facts two groups came to answer in common whose groups, searched together, pass
        # the bound or keep moving: asked alone (`_joined`, settle.py).
        self.apart: set[str] = set()
        # The runs deciding awards for the result: for the outcome alone, without reasons.
        self.reasons = False if self.outcome_only else None
        self.searcher = searching.searching(determiner)  # the combinations are run by it
        # Searching for the outcome alone, where some award recovers whatever the answers:
        # then an award counts only by whether it recovers, and how much (watch.Watch).
        self.recovery_known = not run.unknowns and (
            any(e.result.outcome == "recovery" for e in run.awards)
            or any(m.amount > 0 for _, m in run.others))

    # ------------------------------------------------------------ the groups
    def groups(self) -> list[Group]:
        pending = [i for i, e in enumerate(self.run.awards) if e.result.outcome == "pending"]
        if self.run.unknowns:
            facts = _merge(*(u.facts for i in pending for u in self.run.awards[i].unknowns),
                           *(u.facts for u in self.run.unknowns))
            groups = [Group(list(range(len(self.run.awards))), facts)]
        else:
            # Awards that share an open fact are one group: an answer moves them together.
            groups = []
            for i in pending:
                facts = _merge(*(u.facts for u in self.run.awards[i].unknowns))
                joined = [g for g in groups if set(g.facts) & set(facts)]
                group = Group(sorted({i, *(a for g in joined for a in g.awards)}),
                              _merge(*(g.facts for g in joined), facts))
                groups = [g for g in groups if g not in joined] + [group]
        awarded = {f for i in pending for u in self.run.awards[i].unknowns for f in u.facts}
        for group in groups:
            group.cited, group.facts = group.facts, []  # added as the search answers them
            group.unlisted = [f for f in group.cited
                              if f not in awarded and self.domain(f) is None]
            group.cited = [f for f in group.cited if f not in group.unlisted]
        # The groups are independent searches (the memo shares what each would find itself).
        from clawpolicy.evaluate.split import split  # (it builds on this module)
        for group in groups:
            self.enumerate(group)
        if self.stop and self.passed:
            return groups
        groups = [g for group in groups for g in split(self, group)]  # past the bound
        return self._joined(groups) if self.asking else groups

    def _joined(self, groups: list[Group]) -> list[Group]:
        """Groups whose searches came to answer a fact in common, as one group searched
        again. The groups are made from the facts each award's first run stopped at; a search
        answers more as it goes (a fact the evaluation reads once another is answered), and an
        answer to a fact two groups answer moves the awards of both: searched apart, each
        would say where its answers lead with the other's awards held as they stand, and the
        determination would ask the fact twice, with answers that disagree. Only for the
        determination's own search (`asking`): an answer's is read for which awards stay
        pending, and each group decides its own awards, as it would alone (an award's result
        turns only on the facts it reads, and its group's search answers every one). Where the
        two searched together pass the bound or keep moving, they stay apart, each settling
        its awards as before, and the facts they share are asked alone (`apart`), each answer
        followed by settling the case with it in place. Where either is past the bound or
        moving already, their join is not searched: its search would hold all of that one's."""
        from clawpolicy.evaluate.split import split
        tried: list[tuple[Group, Group]] = []  # (by identity: groups compare by value)
        while True:
            shared = next(((a, b) for x, a in enumerate(groups) for b in groups[x + 1:]
                           if not any(a is c and b is d for c, d in tried)
                           and not (a.alone and b.alone)
                           and not set(a.facts).isdisjoint(b.facts)), None)
            if shared is None:
                return groups
            a, b = shared
            group = Group(sorted(a.awards + b.awards), [], cited=_merge(a.cited, b.cited),
                          unlisted=_merge(a.unlisted, b.unlisted))
            if a.combinations and b.combinations:
                self.enumerate(group)
                found = split(self, group)  # past the bound: award by award
                if len(found) == 1:
                    group = found[0]
            if group.combinations:
                groups = [group if g is a else g for g in groups if g is not b]
            else:
                tried.append((a, b))
                self.apart.update(set(a.facts) & set(b.facts))

    def domain(self, fact: str) -> Any:
        type_, unit, bound = fact_type(self.determiner, fact)
        pivots = self.run.evaluator.pivots.get(fact, [])
        if type_ == t.BOOLEAN:
            return Finite([(True, True), (False, False)])
        if isinstance(type_, t.Enum):
            return Finite([(v, v) for v in type_.values])
        if type_ == t.TEXT:
            form = fact_format(self.determiner, fact)
            if form is not None:
                # A text of a declared form (a month and day) is no free text: "any other"
                # is not an answer it admits; its answers are every value of the form.
                return Finite([(v, v) for v in format_values(form)], ordered=True)
            named = sorted({p for p in pivots if isinstance(p, str)}
                           | alike.words(self.determiner.policy, fact))
            return Finite([(v, v) for v in named] + [(OTHER_VALUE, ANY_OTHER)])
        if isinstance(type_, t.SetOf | t.ListOf) and \
                not isinstance(type_.element, t.Record):
            named = sorted({p for p in pivots if isinstance(p, str | bool | Decimal)}
                           | set(linked_keys(self.determiner, fact))
                           | alike.words(self.determiner.policy, fact), key=repr)
            subsets = [(), *((v,) for v in named)] + ([tuple(named)] if len(named) > 1 else [])
            return Finite([(s, list(s)) for s in subsets])
        if type_ == t.DATE:  # within the calendar and the vocabulary's constraints
            floor = fact_floor(self.determiner, fact)
            return Scale(max(floor, FIRST_DAY) if floor is not None else FIRST_DAY,
                         min(bound, LAST_DAY) if isinstance(bound, dt.date) else LAST_DAY,
                         dt.timedelta(days=1))
        if type_ in (t.MONEY, t.NUMBER):  # no answer above a bound the case declares; with
            # none, the ceiling past a floor at or above it (10**15 paid does not fix the amount
            # awarded), twice it where a floor is not known (its answers at the ceiling leave room)
            unit = unit if type_ == t.MONEY else None
            lo, fixed = fact_floor(self.determiner, fact) or Decimal(0), isinstance(bound, Money)
            twice = any(limit == fact and value is None  # (a floor not known: twice it)
                        for _, (_, limit, _), (value, _, _) in tied(self.determiner, fact))
            hi = bound.amount if fixed else (lo if lo >= CEILING else 0) + CEILING * (1 + twice)
            return Scale(lo, hi, self.vocabulary.step(unit) if unit else NUMBER_STEP, unit,
                         open=not fixed)
        if isinstance(type_, t.Record) and alike.through_fields(self.determiner.policy, fact):
            # A record left unknown as a whole, read only through its fields: its one answer
            # is the record with every field unknown, and its fields are asked in turn.
            key = self.vocabulary.key_of(type_)
            return Finite([(Rec(fact, Unknowns(type_.name), type_, key), "not known")])
        return None

    def enumerate(self, group: Group) -> None:
        start = (list(group.facts), list(group.unlisted))
        with contextlib.suppress(_Unsure):
            self._enumerate(group)
        if group.tracker.unsure:  # (_Unsure: searched again, following every turn)
            group.facts, group.unlisted, group.domains, group.alike, group.clean = \
                list(start[0]), list(start[1]), {}, {}, {}
            group.combinations, group.overflow, group.undecided, group.moving = [], 0, False, False
            self._enumerate(group, legacy=True)
        self.passed = self.passed or group.overflow > 0

    def _enumerate(self, group: Group, legacy: bool = False) -> None:
        """Every combination of the candidates' answers, as a search over partial ones: the
        facts are answered one at a time, and where the three-valued evaluation decides the
        group with some facts still unanswered, that combination stands for every answer to
        them (the three-valued evaluation is sound: an unknown it does not need cannot
        change what it decides). Repeated while sampling shows new thresholds."""
        group.tracker = Tracker({}, given=searching.SHORTCUTS, legacy=legacy)
        cache: dict[tuple, Combination] = {}
        try:
            for fact in group.cited:  # the cartesian product of the candidates' answers
                self._add(group, fact)
            count = self.count(group)
            if count > self.bound:
                raise _Unsettled(count)
        except _Unsettled as why:
            group.overflow = why.args[0]
            return
        # Searching for the outcome alone: a few leaves first, which may show the search
        # giving its run back, and stand in each round's watch (watch.py; a search shortcut).
        shown = watching.probe(self, group) \
            if self.outcome_only and count > watching.SMALL else []
        if shown is None:
            group.undecided = True
            return
        marks = 0
        for round_ in range(ROUNDS):
            before = ({f: list(v) for f, v in group.tracker.thresholds.items()},
                      group.tracker.marks)
            if group.tracker.marks != marks:  # (two dates compared: Tracker.unrelated)
                cache, marks = group.tracker.unrelated(cache), group.tracker.marks
            count = self.count(group)  # with the thresholds the last round found
            if count > self.bound:
                group.overflow, group.combinations = count, []
                return
            leaves: list[tuple[dict, Combination]] = []
            watch = watching.Watch(self, group, round_ == ROUNDS - 1) if self.outcome_only \
                else None
            try:
                for leaf in shown:
                    watch.leaf(leaf)
                self._search(group, {}, leaves, cache, watch)
            except _Unsettled as why:
                group.overflow = why.args[0]
                group.combinations = []
                return
            except watching.Undecided:
                group.undecided, group.combinations = True, []
                return
            group.combinations = [
                Combination(tuple(assigned.get(f, ANY) for f in group.facts), c.keys,
                            c.others, c.evaluation, c.open)
                for assigned, c in leaves]
            note_meets(group.tracker, group.facts, group.domains, leaves, group.awards)
            if (group.tracker.thresholds, group.tracker.marks) == before:
                from clawpolicy.evaluate.differ import gives  # (differ builds on this module)
                group.tracker.said_alike(group.facts, [(c.values, repr(gives(c)))
                                                       for c in group.combinations], ANY)
                return
        group.moving, group.combinations = True, []

    def count(self, group: Group) -> int:
        """How many combinations the candidates' answers make, with the thresholds found so
        far (they are only ever added to, and so is this)."""
        return math.prod(len(self.answers(group, fact)) for fact in group.cited)

    def _add(self, group: Group, fact: str) -> None:
        if fact in group.domains:
            return
        if fact not in group.facts:
            group.facts.append(fact)
        domain = group.domains[fact] = self.domain(fact)
        if domain is None:
            raise _Unsettled(0)
        if isinstance(domain, Scale):
            group.tracker.scales[fact] = domain
            self._seed(group.tracker, fact, domain)
        self._alike(group, fact)

    def _search(self, group: Group, assigned: dict, leaves: list, cache: dict,
                watch: "watching.Watch | None" = None) -> None:
        key = tuple(sorted(assigned.items(), key=lambda kv: kv[0]))
        combo = cache.get(key)
        if combo is None:
            if len(cache) >= self.bound:
                raise _Unsettled(self.bound + 1)
            combo = cache[key] = self._combination(group, assigned, key, cache)
            if group.tracker.unsure:
                raise _Unsure()
            past = watch.past(group, self.bound) if watch is not None else None
            if past is not None:  # past the bound already (watch.Watch.past)
                raise _Unsettled(past)
        open_ = [f for f in combo.open if f not in assigned]
        if not open_:
            leaves.append((assigned, combo))
            if watch is not None:
                watch.leaf(combo)
            return
        fact = next((f for f in group.facts if f in open_), open_[0])
        self._add(group, fact)
        for value in self.answers(group, fact):  # none the vocabulary's constraints rule out
            if admissible(self.determiner, {**assigned, fact: value}, fact):
                self._search(group, {**assigned, fact: value}, leaves, cache, watch)

    def _combination(self, group: Group, assigned: dict, key: tuple,
                     cache: dict) -> Combination:
        """The combination of these answers. Where an answer is alike an earlier one of its
        fact (alike.py: every test the policy makes on it treats them alike), the combination
        of the first answer of its class is what evaluating gives, and is taken: where no
        amount or date is answered (no comparison is tracked), or where its evaluation noted
        no threshold and none has been noted since (the same evaluation, on the same
        thresholds, notes none either). A search shortcut (searching.SHORTCUTS)."""
        if searching.SHORTCUTS:
            same = tuple((f, group.alike[f].get(v, v) if f in group.alike else v) for f, v in key)
            taken = cache.get(same) if same != key else None
            if taken is not None and (
                    group.clean.get(same) == _version(group.tracker)
                    or not any(isinstance(group.domains[f], Scale) for f in assigned)):
                return taken
            taken = interval_end(self, group, assigned, key, cache)  # (shortcuts.py)
            if taken is not None:
                return taken
        before = _version(group.tracker)
        combo = self.evaluate(group, assigned)
        if _version(group.tracker) == before:
            group.clean[key] = before
        return combo

    def _alike(self, group: Group, fact: str) -> None:
        """Each answer of a listed fact to the first answer alike it, where some are."""
        domain = group.domains[fact]
        if not isinstance(domain, Finite) or not searching.SHORTCUTS:
            return
        values = [value for value, _ in domain.answers]
        firsts = alike.representatives(self.determiner.policy, fact, values)
        if firsts is not None:
            group.alike[fact] = dict(zip(values, firsts))

    def _seed(self, tracker: Tracker, fact: str, scale: Scale) -> None:
        """The thresholds the three-valued evaluation named directly, and a constraint's
        where it ties the fact to another unknown (its answers up to the point), as a start."""
        tracker.seed(fact, [*((p, (-1, 0)) for p in self.run.evaluator.pivots.get(fact, [])),
                            *((p, (0,)) for p in tie_points(self.determiner, fact))])

    def answers(self, group: Group, fact: str) -> list[Any]:
        domain = group.domains[fact]
        if isinstance(domain, Finite):
            return [value for value, _ in domain.answers]
        return group.tracker.answers(fact)

    def evaluate(self, group: Group, assigned: dict) -> Combination:
        overrides = {}
        for fact, value in assigned.items():
            domain = group.domains[fact]
            overrides[fact] = group.tracker.wrap(fact, value) if isinstance(domain, Scale) \
                else value
        only = group.awards[0] if len(group.awards) == 1 else None
        # With nothing answered, the run is the one the search starts from: not made again.
        answered = self.run if not overrides else self.searcher.run(
            overrides, reasons=False, reuse=self.run, only_award=only, tracker=group.tracker,
            within=frozenset(group.awards))
        evaluations = {i: answered.awards[i] for i in group.awards}
        keys = {i: self.searcher.memo.keyed(e, award_key) for i, e in evaluations.items()}
        others = None if answered.unknowns else \
            tuple((o.source, m.amount, m.unit) for o, m in answered.others)
        cited = _merge(*(k[3] for k in keys.values() if k[0] == "pending"))
        open_ = _merge(cited, *(u.facts for u in answered.unknowns))
        for fact in open_:
            if fact not in cited and fact not in group.domains \
                    and fact not in group.unlisted and self.domain(fact) is None:
                group.unlisted.append(fact)
        return Combination((), keys, others, evaluations,
                           tuple(f for f in open_ if f not in group.unlisted or f in cited))

    def representatives(self, group: Group, values: tuple,
                        awards: list[int]) -> dict[int, AwardEvaluation]:
        """Awards of the group decided with their reasons (none for the outcome alone: where
        an answer leads, `reasons`), under one combination of answers (a fact it leaves
        unanswered stays unknown in the reasons): in one run, which decides only them (an
        award's decision does not depend on which others a run decides). As the combinations
        were, no award outside the group is decided again: an answer that would make another
        award's evaluation fail (a division by zero) is not one its search tried."""
        overrides = {f: (group.domains[f].answer(v) if isinstance(group.domains[f], Scale)
                         else v) for f, v in zip(group.facts, values) if v is not ANY}
        only = awards[0] if len(group.awards) == 1 else None
        if not searching.SHORTCUTS:  # one run each
            return {i: self.determiner.run(overrides, reuse=self.run, only_award=only,
                                           within=frozenset({i})).awards[i] for i in awards}
        answered = self.determiner.run(overrides, reuse=self.run, only_award=only,
                                       within=frozenset(awards), reasons=self.reasons)
        return {i: answered.awards[i] for i in awards}

    def words(self, group: Group, fact: str, value: Any) -> Any:
        if value is ANY:
            return "not known"
        domain = group.domains[fact]
        if isinstance(domain, Finite):
            return next(label for v, label in domain.answers if v == value)
        return show_point(value, domain)


def award_key(e: AwardEvaluation) -> tuple:
    if e.result.outcome == "pending":
        return ("pending", None, (), _merge(*(u.facts for u in e.unknowns)))
    return e.decided()


def _merge(*groups: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(f for g in groups for f in g))
