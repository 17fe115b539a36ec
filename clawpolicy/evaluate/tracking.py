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

    def wrap(self, fact: str, x: Any) -> Tracked:
        scale = self.scales[fact]
        self.samples[fact] = x
        return Tracked(scale.answer(x), fact, lambda y: scale.answer(y), self.given)

    def observe(self, fact: str, outcome: Callable[[Any], Any], here: Any = _UNSET) -> None:
        """A comparison whose result is `outcome(answer)` (`here` at the sample, where the
        caller has it): note where it turns, between the sample and the thresholds known on
        either side."""
        scale, known = self.scales[fact], self.thresholds.setdefault(fact, [])
        x0 = scale.index(self.samples[fact])
        lo, hi = scale.ends()
        at = bisect.bisect_left(known, x0)
        left = known[at - 1] + 1 if at > 0 else lo
        right = known[at] if at < len(known) else hi

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
            bisect.insort(known, a) if a not in known else None
        if left < x0 and g(left) != here:
            a, b = left, x0  # g(a) != here, g(b) == here
            while b - a > 1:
                m = (a + b) // 2
                a, b = (a, m) if g(m) == here else (m, b)
            bisect.insort(known, a) if a not in known else None

    def points(self, fact: str) -> list[tuple[Any, Any]]:
        """The intervals between the thresholds, each as its first and last answer."""
        scale = self.scales[fact]
        lo, hi = scale.ends()
        cuts = [i for i in self.thresholds.get(fact, []) if lo <= i < hi]
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
