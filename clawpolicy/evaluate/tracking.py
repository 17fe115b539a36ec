"""Concolic tracking of one ordered fact (an amount, a number or a date): where a comparison
turns, found exactly.

An answer to an unknown amount or date is evaluated as a concrete sample wrapped in
`Tracked`, which carries, beside the concrete value, the function from the fact's answer to
the value computed so far (the fact moved by a duration, shifted by an amount, capped by
`min` or `max`, ...). Where a tracked value meets a comparison, or `min`/`max` picks between
it and another, the `Tracker` finds the answer at which that comparison turns: between the
sample and the nearest thresholds already known on either side, by bisection over whole steps
of the fact (cents, days). The evaluation then goes on with the concrete value. Sampling each
interval between the thresholds and repeating until no new threshold appears finds every
answer at which the result can turn, including those that pass through `min`, `max`,
`sum(...)` and calendar arithmetic."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from clawpolicy.core.deferred import deferred
from clawpolicy.core.diagnostics import DiagnosticError
from clawpolicy.core.values import Money


_UNSET = object()
# A related date's thresholds, by what noted them (Tracker.step): a test of the date alone
# (or the search's start); the comparison with the other date at one of the other's own;
# the comparison at one the other's comparison with this date noted, only so that this
# date's answers are tried on both sides of it (nothing is noted from it, and the answers
# are not said by it).
OWN, NOTED, AROUND = 0, 1, 2


@deferred(frozen=True)
class Tracked:
    """A concrete value computed from the answer to `fact`, and how it is computed from it.
    Computed from the answers to several facts (`lift`): `fact` is the tuple of them and
    `forward` one function for each, from its answer, the others at their samples."""

    value: Any
    fact: str | tuple[str, ...]
    forward: Callable[[Any], Any] | dict[str, Callable[[Any], Any]]
    # Each answer's value kept once computed (`lift`): the comparisons a run notes share the
    # chain of values they are computed from (an amount capped, summed, compared three
    # times). False: computed again at each call (the search without its shortcuts).
    remember: bool = False

    def __init__(self, value: Any, fact: Any, forward: Any, remember: bool = False):
        # As the frozen dataclass's __init__ sets them, without object.__setattr__ a field
        # (as core.values.Money): the search's runs make thousands.
        fields = self.__dict__
        fields["value"], fields["fact"], fields["forward"], fields["remember"] = \
            value, fact, forward, remember


def plain(value: Any) -> Any:
    return value.value if isinstance(value, Tracked) else value


@deferred()
class Scale:
    """An ordered fact's answers as whole steps: index i stands for `lo + i * step`."""

    lo: Any
    hi: Any
    step: Any  # a Decimal, or a timedelta of one day
    unit: str | None = None  # for an amount: its unit (the answer is Money)
    # `hi` is the search's ceiling, no bound a declaration sets (the answers go on past it)
    open: bool = False

    def index(self, x: Any) -> int:
        if isinstance(x, dt.date):
            return x.toordinal()
        return int((x - self.lo) / self.step)

    def ends(self) -> tuple[int, int]:
        """The indices of `lo` and `hi`, computed once (a scale is not changed once made)."""
        found = self.__dict__.get("_ends")
        if found is None:
            found = self.__dict__["_ends"] = (self.index(self.lo), self.index(self.hi))
        return found

    def point(self, i: int) -> Any:
        if isinstance(self.lo, dt.date):
            return dt.date.fromordinal(i)
        return self.lo + i * self.step

    def answer(self, x: Any) -> Any:
        """The value the case reads for the answer x."""
        return Money(x, self.unit) if self.unit is not None else x


@deferred()
class Tracker:
    """The thresholds found so far for each tracked fact, as indices: a threshold i means
    that answers up to `point(i)` and from `point(i + 1)` may lead to different results."""

    scales: dict[str, Scale]
    samples: dict[str, Any] = field(default_factory=dict)  # the answer being evaluated
    thresholds: dict[str, list[int]] = field(default_factory=dict)
    # A comparison's result at the sample is the one the evaluation computed (each tracked
    # value is its forward function at the sample): taken as given, not computed again.
    # False: computed again, as the search without its shortcuts does (searching.SHORTCUTS).
    given: bool = True
    # Two unknown dates compared with each other (an officer's first day against a day a
    # statement was issued, moved by 12 months): where one turns moves with each answer
    # tried of the other, so that following every such turn cuts both into days, a day a
    # round (a staircase along the comparison's diagonal: a turn of one noted from a turn
    # of the other noted from a turn of the first). Instead each threshold of such a date
    # (`related`) keeps what noted it (`step`): OWN where a comparison of it alone turns
    # (or the search started from it); NOTED where the comparison of the two turns at an
    # answer of the other that begins or ends an OWN interval of the other's (`boundary`:
    # not also at the day before such an answer, which cut the facts finer than their
    # answers lead apart: of run.py's 2,050 determinations it changed one, taking it past
    # the bound); AROUND where it turns at one of a NOTED threshold of the other's (so that
    # the first's answers meet it on both sides); at one of an AROUND threshold, nothing.
    # The least, where several noted it. The answers of one date alone
    # lead apart only where the comparison meets a threshold of the other's own (there the
    # other's answers in one of its intervals go from meeting the comparison on one side
    # only to meeting it on both): the answers are said by those (`points(said=True)`). A
    # related date is tried at the first day of each interval, as another date is, at the
    # last day of each of its own (OWN) intervals and at its last admissible day (`answers`).
    # Two unknown amounts compared (an amount paid against the excess an unknown restated
    # amount leaves, in a remedy's cap) would cut each other into cents so, and are related
    # the same way, a value computed from both included (as `lift` follows it: a function
    # of each, the other at its sample). Each is tried at both ends of every interval
    # (`at_ends`), so that where the comparison turns inside an interval of one, its
    # answers are tried on both sides of it; its answers are read from those ends, every
    # threshold said (an answer of one cent that such a comparison alone cuts out reads as
    # part of the interval next to it: `noted`).
    step: dict[str, dict[int, int]] = field(default_factory=dict)
    related: set[str] = field(default_factory=set)
    # Where that account is not shown to hold (three facts compared in one comparison or
    # in a chain, so that one has two `partners`, or a value computed from two dates):
    # `unsure`, and the search is made again `legacy`, following every turn
    # (exact.Exact.enumerate).
    unsure: bool = False
    legacy: bool = False
    partners: dict[str, set[str]] = field(default_factory=dict)  # each related date's
    marks: int = 0  # how often `related` grew or a threshold's `step` was set or lowered

    def version(self) -> int:
        """What the tracker knows, by its count: thresholds and related dates are only ever
        added, and a threshold's `step` only lowered (each counted in `marks`)."""
        return sum(map(len, self.thresholds.values())) + self.marks

    def wrap(self, fact: str, x: Any) -> Tracked:
        scale = self.scales[fact]
        self.samples[fact] = x
        return Tracked(scale.answer(x), fact, lambda y: scale.answer(y), self.given)

    def observe(self, fact: str, outcome: Callable[[Any], Any], here: Any = _UNSET,
                step: int = OWN) -> None:
        """A comparison whose result is `outcome(answer)` (`here` at the sample, where the
        caller has it): note where it turns, between the sample and the thresholds known on
        either side (at `step` where the fact is related: see `step`)."""
        scale, known = self.scales[fact], self.thresholds.setdefault(fact, [])
        x0 = scale.index(self.samples[fact])
        lo, hi = scale.ends()
        at = bisect.bisect_left(known, x0)
        left = known[at - 1] + 1 if at > 0 else lo
        right = known[at] if at < len(known) else hi
        # (of a related date: the thresholds either side of the sample's interval)
        sides = (left - 1 if at > 0 else None, right if at < len(known) else None) \
            if fact in self.related else ()

        def g(i: int) -> Any:
            try:
                return outcome(scale.point(i))
            except (DiagnosticError, ArithmeticError, ValueError, OverflowError, TypeError):
                return ("no value",)

        if here is _UNSET or not self.given:
            here = g(x0)
        if right > x0 and g(right) != here:
            a, b = x0, right  # g(a) == here, g(b) != here
            while b - a > 1:
                m = (a + b) // 2
                a, b = (m, b) if g(m) == here else (a, m)
            self._note(fact, known, a, step)
        if left < x0 and g(left) != here:
            a, b = left, x0  # g(a) != here, g(b) == here
            while b - a > 1:
                m = (a + b) // 2
                a, b = (a, m) if g(m) == here else (m, b)
            self._note(fact, known, a, step)
        for cut in sides:
            # A threshold of a later step at which this comparison turns too is of this
            # one's, whichever was noted first.
            if cut is not None and step < self.step[fact].get(cut, step) and lo <= cut < hi \
                    and g(cut) != g(cut + 1):
                self.step[fact][cut] = step
                self.marks += 1

    def _note(self, fact: str, known: list[int], cut: int, step: int) -> None:
        if cut not in known:
            bisect.insort(known, cut)
        if fact in self.related and step < self.step[fact].get(cut, AROUND + 1):
            self.step[fact][cut] = step
            self.marks += 1

    def relate(self, facts: tuple[str, ...]) -> bool:
        """Whether these facts are all dates, or all amounts, and the tracker not `legacy`: a
        comparison of them ties them (`related`); one tied to two others makes it `unsure`."""
        if self.legacy:
            return False
        kinds = {isinstance(self.scales[fact].lo, dt.date) for fact in facts}
        if len(kinds) > 1:
            return False
        for fact in facts:
            if fact not in self.related:
                # Its thresholds so far are its own: none was noted by such a comparison.
                self.related.add(fact)
                self.step[fact] = dict.fromkeys(self.thresholds.get(fact, ()), OWN)
                self.marks += 1
            partners = self.partners.setdefault(fact, set())
            partners.update(f for f in facts if f != fact)
            if len(partners) > 1:
                self.doubt()  # (a chain of three dates, or three in one comparison)
        return True

    def doubt(self) -> None:
        """`unsure`, counted in `marks`: a run that made it so is kept by no memo (whose
        parts are kept only where the tracker's count stands), so that a later run of the
        same answers makes it so again."""
        if not self.unsure:
            self.unsure = True
            self.marks += 1

    def boundary(self, fact: str) -> int | None:
        """Whether a comparison of a related fact with another is noted at its sample: the
        `step` of the threshold the sample stands at, where it begins or ends an interval
        (OWN at the scale's ends), else None."""
        mine, x = self.step[fact], self.scales[fact].index(self.samples[fact])
        found = [mine[c] for c in (x - 1, x) if c in mine]
        return OWN if x in self.scales[fact].ends() else min(found) if found else None

    def seed(self, fact: str, points: list[tuple[Any, tuple[int, ...]]]) -> None:
        """Thresholds to start from: each point (an amount of the fact's unit, or a date) and
        where it cuts (-1: before it, 0: after it)."""
        scale, known = self.scales[fact], self.thresholds.setdefault(fact, [])
        lo, hi = scale.ends()
        for p, around in points:
            p = p.amount if isinstance(p, Money) else p
            if isinstance(p, type(scale.lo)):
                i = scale.index(p)
                known.extend(c for c in {i + d for d in around}
                             if lo <= c < hi and c not in known)
        known.sort()

    def at_ends(self, fact: str) -> bool:
        """Whether the fact is tried at both ends of each interval: an amount, which may
        move the amount recovered within one. A date moves no amount by itself: within an
        interval the path, and so the result, is one, and its first day stands for it (a
        related date's too, which is tried at the last day of its own intervals besides, so
        that where a comparison with another turns at that day is noted from its run, or
        else from the first day of the next, `boundary`)."""
        return not isinstance(self.scales[fact].lo, dt.date)

    def answers(self, fact: str) -> list[Any]:
        """The answers tried of an ordered fact: each interval's first, and its last where
        the fact is tried at both ends (`at_ends`); of a related date, the last of each of
        its own intervals and the last of all."""
        points = self.points(fact)
        if self.at_ends(fact):
            return sorted({x for pair in points for x in pair})
        if fact in self.related:
            # and the last day of each interval a test of the date alone ends (OWN), and
            # its last admissible day (the calendar's, or a bound the vocabulary sets: the
            # case's date): a comparison with the other date that a run makes only inside
            # such an interval (a sale inside the window the date opens) turns for the
            # other at the interval's far end too, which no run at a first day reaches
            # (`boundary` notes it from the next interval's first day only where that
            # run makes the comparison).
            scale, mine = self.scales[fact], self.step[fact]
            ends = [b for a, b in points[:-1]
                    if a != b and mine.get(scale.index(b), OWN) == OWN]
            if points[-1][0] != points[-1][1]:
                ends.append(points[-1][1])
            return sorted({*(a for a, _ in points), *ends})
        return [a for a, _ in points]

    def noted(self, fact: str, x: Any) -> bool:
        """Whether the threshold just before the answer x was noted by a comparison with
        another fact only (a related amount's answers tried on both sides of where that
        comparison turns at one of the other's own: no test of the fact alone turns there)."""
        return fact in self.related and self.at_ends(fact) and \
            self.step[fact].get(self.scales[fact].index(x) - 1, OWN) != OWN

    def said_alike(self, facts: list[str], given: list[tuple[tuple, str]], unanswered: Any) -> bool:
        """Whether every answer a search tried of each related date within an interval the
        answers are said by gives, across the search's combinations (`given`: each one's
        answers, by the order of `facts`, and what it gives), nothing the interval's first
        day, by which the answer is said, does not; where not, the tracker is `unsure`."""
        for j, fact in enumerate(facts):
            if fact not in self.related or self.at_ends(fact):
                continue
            starts = [a for a, _ in self.points(fact, said=True)]
            seen: dict[Any, dict[Any, set[str]]] = {}
            for values, gives in given:
                if values[j] is not unanswered:
                    start = starts[bisect.bisect_right(starts, values[j]) - 1]
                    seen.setdefault(start, {}).setdefault(values[j], set()).add(gives)
            if any(not gives <= by.get(start, gives) for start, by in seen.items()
                   for gives in by.values()):
                self.doubt()
                return False
        return True

    def unrelated(self, cache: dict[tuple, Any]) -> dict[tuple, Any]:
        """The search's combinations (by their answers) but those that answer a related
        date: run again once `step` has moved, since where a comparison of two dates is
        noted moves with it (a part of a run the award memo kept is keyed by it too)."""
        return {key: combo for key, combo in cache.items()
                if not any(fact in self.related for fact, _ in key)}

    def points(self, fact: str, said: bool = False) -> list[tuple[Any, Any]]:
        """The intervals between the thresholds, each as its first and last answer; with
        `said`, of a related date those the answers are said by (not `AROUND`)."""
        scale = self.scales[fact]
        lo, hi = scale.ends()
        cuts = [i for i in self.thresholds.get(fact, []) if lo <= i < hi]
        if said and fact in self.related and not self.at_ends(fact):
            mine = self.step[fact]
            cuts = [i for i in cuts if mine.get(i, OWN) != AROUND]
        starts = [lo] + [i + 1 for i in cuts]
        ends = cuts + [hi]
        return [(scale.point(a), scale.point(b)) for a, b in zip(starts, ends)]


def lift(compute: Callable[..., Any], *values: Any) -> Any:
    """`compute` over the concrete values; still tracked where a fact is (by each of them
    where several are)."""
    if _none_tracked(values):  # the most frequent (every run but the search's)
        return compute(*values)
    # The concrete values, the fact tracked (a tuple where several are) and whether a value
    # keeps its answers, in one pass (the search lifts thousands of values).
    fact, remember, concrete = None, False, []
    for v in values:
        if type(v) is Tracked:
            fact = v.fact if fact is None or fact == v.fact else ()
            remember = remember or v.remember
            concrete.append(v.value)
        else:
            concrete.append(v)
    concrete = compute(*concrete)
    if type(fact) is str:
        return Tracked(concrete, fact, _forward(compute, values, fact, remember), remember)
    facts = _facts(values)
    # Computed from the answers to several facts (an award's excess less the part held in a
    # plan, both unknown): tracked as a function of each, the others at their samples, so
    # that a comparison of it notes where each turns.
    return Tracked(concrete, facts, {f: _forward(compute, values, f, remember) for f in facts},
                   remember)


def _forward(compute: Callable[..., Any], values: tuple, fact: str,
             remember: bool) -> Callable[[Any], Any]:
    """`compute` over the values as a function of the answer to `fact`; with `remember`,
    each answer's value kept once computed (a pure function of it)."""
    if not remember:
        return lambda x: compute(*_at(values, fact, x))
    kept: dict[Any, Any] = {}

    def forward(x: Any) -> Any:
        found = kept.get(x, _UNSET)
        if found is _UNSET:
            found = kept[x] = compute(*_at(values, fact, x))
        return found
    return forward


def observe(tracker: Tracker | None, compute: Callable[..., Any], *values: Any) -> Any:
    """`compute` over the concrete values (a comparison, or which of several `min` picks);
    for each tracked fact among them, the answer at which its result turns is noted."""
    if _none_tracked(values):  # the most frequent (every run but the search's)
        return compute(*values)
    concrete = [v.value if type(v) is Tracked else v for v in values]
    facts = _facts(values)  # the facts tracked, each once, in the order they come
    result = compute(*concrete)
    if tracker is not None:
        if len(facts) > 1 and tracker.relate(facts):
            # Two dates (amounts) compared with each other: where one turns is noted where
            # the other's answer begins or ends an interval, a step on (Tracker.step).
            if len(facts) > 2 or not tracker.at_ends(facts[0]) and any(
                    type(v) is Tracked and type(v.fact) is tuple for v in values):
                tracker.doubt()  # (three facts, or two dates and a value computed from both)
                return result
            if tracker.unsure:
                return result
            at = {f: tracker.boundary(f) for f in facts}  # (both before either is noted)
            for fact, other in (facts, facts[::-1]):
                if at[other] is not None and at[other] != AROUND:  # (nothing from AROUND)
                    tracker.observe(fact, lambda x, f=fact: compute(*_at(values, f, x)),
                                    result, at[other] + 1)
            return result
        for fact in facts:
            tracker.observe(fact, lambda x, f=fact: compute(*_at(values, f, x)), result)
    return result


def _facts(values: tuple) -> tuple[str, ...]:
    """The facts the tracked values are computed from, each once, in the order they come
    (a value computed from several: `fact` the tuple of them, `forward` one function each)."""
    found: dict[str, None] = {}
    for v in values:
        if type(v) is Tracked:
            if type(v.fact) is tuple:
                found.update(dict.fromkeys(v.fact))
            else:
                found[v.fact] = None
    return tuple(found)


def _none_tracked(values: tuple) -> bool:
    for v in values:
        if type(v) is Tracked:
            return False
    return True


def _at(values: tuple, fact: str, x: Any) -> list[Any]:
    """The values with the answer to `fact` at x (each tracked one by its function of it)."""
    return [_one_at(v, fact, x) if type(v) is Tracked else v for v in values]


def _one_at(v: Tracked, fact: str, x: Any) -> Any:
    if v.fact == fact:
        return v.forward(x)
    if type(v.fact) is tuple and fact in v.fact:  # computed from several facts
        return v.forward[fact](x)
    return v.value


def decimal_scale(lo: Decimal, hi: Decimal, step: Decimal, unit: str | None) -> Scale:
    return Scale(lo, max(lo, hi), step, unit)
