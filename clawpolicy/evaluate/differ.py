"""Whether one fact of a search's group matters (`matters`): two combinations that
differ in that fact alone give different results. A combination that leaves a fact
unanswered (ANY) stands for every answer to it, so two combinations "differ in that fact
alone" where, at every other fact, they give the same answer or one of them leaves it open.

`pairwise` is the definition, pair by pair: the reference. `differ` finds the same answer
without looking at every pair. A group of a thousand combinations that no pair settles
(the fact does not matter) made the reference compare half a million pairs, each across
every fact: about 1.1 of the 7.2 s the revised policy's 150 mixed cases (run.py's seed
2024) took, nearly all of it in one case (43).

How `differ` finds it. The combinations whose answer to the fact is given are split by
which of the other facts they leave open (their mask: a group has a handful). Two
combinations, of masks `a` and `b`, are compatible exactly where they give equal answers
to every fact neither mask leaves open; so, for each pair of masks, the combinations of
`a` are put in buckets by their answers to those facts, and each combination of `b` is
looked up in them. A pair the reference would compare and accept is a pair of compatible
combinations: it is in one bucket pair, and a bucket pair holds compatible combinations
alone. So the answer is the same, provided two answers that are equal hash alike (the
case's values: numbers, dates, text, truth values, tuples of them). A value that cannot be
hashed (or a result) is compared pair by pair, as the reference does. Within one bucket the
combinations are taken once for each answer to the fact and result they give. Two shortcuts
come first, each true of every pair the reference would accept: combinations that give fewer
than two answers to the fact, or fewer than two results, hold no such pair; nor does a pair
of masks whose combinations, all taken together, bring no two answers and results that
differ both (their buckets are not made). A mask's buckets are made once for each set of
facts they are keyed by.

`Unmoved` asks the same of one award's results alone, for a fact asked alone (questions.py):
which facts each award that fact cannot move is still asked on; and for each answer, of the
awards it moves, found once for the answer as their group's combinations hold it (the days
of one interval are held alike)."""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Any, Callable

from clawpolicy.evaluate.caserun import CaseRun
from clawpolicy.evaluate.exact import ANY, Combination, Group
from clawpolicy.evaluate.questions import forced, tied
from clawpolicy.evaluate.tracking import Scale

Given = Callable[[Combination], Any]


# How many pairs `differ` compares, for each combination, before it turns to the buckets: a
# fact that matters is most often shown by the first few pairs, and a small group is
# compared whole at less cost than its buckets are made.
PAIRS = 4


def differ(combos: list[Combination], j: int, given: Given) -> bool:
    """Whether two of `combos` that differ in fact `j` alone give different results
    (`given`); the same answer as `pairwise`."""
    try:  # no pair at all: fewer than two answers to the fact, or than two results
        given_ = [c for c in combos if c.values[j] is not ANY]
        if len({c.values[j] for c in given_}) < 2 or len({given(c) for c in given_}) < 2:
            return False
    except TypeError:  # (see the module's docstring)
        pass
    found = _pairs(combos, j, given, PAIRS * len(combos))
    if found is not None:
        return found
    try:
        return _bucketed(combos, j, given)
    except TypeError:  # an answer that cannot be hashed (see the module's docstring)
        return pairwise(combos, j, given)


def pairwise(combos: list[Combination], j: int, given: Given) -> bool:
    """The reference: every pair of combinations compared."""
    found = _pairs(combos, j, given, None)
    assert found is not None
    return found


def _pairs(combos: list[Combination], j: int, given: Given, budget: int | None) -> bool | None:
    """Pair by pair, in order; None once `budget` pairs are compared without an answer."""
    results = [given(c) for c in combos]
    for x, first in enumerate(combos):
        here = first.values[j]
        if here is ANY:
            continue
        for y in range(x + 1, len(combos)):
            if budget is not None:
                budget -= 1
                if budget < 0:
                    return None
            there = combos[y].values[j]
            if there is ANY or there == here or results[y] == results[x]:
                continue
            if all(k == j or a is ANY or b is ANY or a == b
                   for k, (a, b) in enumerate(zip(first.values, combos[y].values))):
                return True
    return False


def _bucketed(combos: list[Combination], j: int, given: Given) -> bool:
    # Each combination whose answer to the fact is given, by its mask, as its answers and
    # what it brings to a bucket: its answer to the fact and its result.
    by_mask: dict[frozenset[int], list[tuple[tuple, tuple]]] = {}
    for c in combos:
        values = c.values
        if values[j] is not ANY:
            mask = frozenset(k for k, v in enumerate(values) if v is ANY)
            by_mask.setdefault(mask, []).append((values, (values[j], given(c))))
    if not by_mask:
        return False
    width = len(combos[0].values)
    masks = list(by_mask)
    # What each mask's combinations bring, together: a pair of masks whose two sets hold no
    # two that settle it holds no two combinations that do, compatible or not.
    brought = {mask: {brings for _, brings in rows} for mask, rows in by_mask.items()}
    made: dict[tuple, dict[Any, set[tuple]]] = {}  # (mask, fixed) -> its buckets
    for a, mask_a in enumerate(masks):
        for mask_b in masks[a:]:
            if not _settles(brought[mask_a], brought[mask_b]):
                continue
            fixed = tuple(k for k in range(width)
                          if k != j and k not in mask_a and k not in mask_b)
            xs = _buckets(by_mask, mask_a, fixed, made)
            ys = xs if mask_b is mask_a else _buckets(by_mask, mask_b, fixed, made)
            if len(ys) > len(xs):
                xs, ys = ys, xs
            for key, right in ys.items():
                left = xs.get(key)
                if left is not None and _settles(left, right):
                    return True
    return False


def _buckets(by_mask: dict[frozenset[int], list[tuple[tuple, tuple]]], mask: frozenset[int],
             fixed: tuple[int, ...], made: dict[tuple, dict[Any, set[tuple]]]
             ) -> dict[Any, set[tuple]]:
    """The combinations of one mask by their answers to the `fixed` facts, each bucket as
    the set of (answer to the fact, result) its combinations give: a side whose mask leaves
    facts open may hold many combinations alike in both. Made once for each mask and
    `fixed` (a mask meets several others that leave the same facts fixed)."""
    found = made.get((mask, fixed))
    if found is None:
        found = made[(mask, fixed)] = {}
        rows = by_mask[mask]
        if fixed:
            key = itemgetter(*fixed)  # one fact: the answer itself, as equal keys go
            for values, brings in rows:
                found.setdefault(key(values), set()).add(brings)
        else:
            found[()] = {brings for _, brings in rows}
    return found


def _settles(left: set[tuple], right: set[tuple]) -> bool:
    """Two compatible combinations, one of each side, that answer the fact differently and
    give different results."""
    return any(there != here and other != result
               for here, result in left for there, other in right)


def matters(group: Group, j: int) -> bool:
    """Whether the group's fact `j` matters: two combinations that differ in it alone give
    different results (`gives`). Found once for each fact of a group (the questions, what
    the determination asks and where an answer leaves the case pending each ask it)."""
    found = group.matters.get(j)
    if found is None:
        fact = group.facts[j]
        found = group.matters[j] = any(
            differ(part.combinations, part.facts.index(fact), gives)
            for part in group.parts if fact in part.facts) if group.parts else \
            differ(group.combinations, j, gives)
    return found


def that_matter(group: Group) -> list[str]:
    """The facts of a group searched whole that matter (`matters`), in its order."""
    return [f for j, f in enumerate(group.facts) if matters(group, j)]


def gives(c: Combination) -> tuple:
    """What a combination gives, as `matters` compares them: made once for each."""
    found = c.given
    if found is None:
        found = c.given = (tuple(sorted(c.keys.items())), c.others)
    return found


class Unmoved:
    """For a fact asked alone (questions.fallback_answers): the facts each pending award no
    answer to it can move is asked on, as its group's search found them (two combinations
    that differ in one fact alone and give that award different results), so that an
    answer leaving the case pending names them all, not only the unknowns the award's first
    run stopped at. An award no answer moves keeps its group's combinations, so an answer
    leaves it pending on those facts. Not where the group was not searched whole (past the
    bound): which facts move which of its awards is not known there."""

    def __init__(self, determiner: Any, run: CaseRun, groups: list[Group]):
        self.determiner, self.run = determiner, run
        self.group_of = {i: g for g in groups for i in g.awards}
        self.found: dict[int, list[str]] = {}
        # (award, fact's place, answer held) -> what `moved` found: answers of a fact that
        # fall in one interval are held as its first day, and found once.
        self.kept: dict[tuple, list[str]] = {}

    def __call__(self, fact: str) -> dict[int, list[str]]:
        # With the fact, what an answer to it may answer too (questions.forced: a field of
        # its record a constraint leaves one answer); the awards reading any of them move.
        moved: set[int] = set()
        for answered in {fact, *(held for _, (path, _, held), _ in tied(self.determiner, fact)
                                 if path == fact and held is not None)}:
            readers = self.run.readers(answered)
            if readers is None:  # not known which awards read it, or any may move
                return {}
            moved |= readers
        return {i: self._asked(i) for i, e in enumerate(self.run.awards)
                if e.result.outcome == "pending" and i not in moved
                and i in self.group_of and self.group_of[i].combinations}

    def moved(self, fact: str, value: Any) -> dict[int, list[str]]:
        """For the pending awards an answer to `fact` moves, in groups searched whole that
        answer it: the facts each is still asked on with this answer, as its group's
        combinations that keep the answer show them (the search's own, as `_answers`
        restricts them), not the unknowns its run under the answer stopped at. For an
        answer its group's combinations hold as they are: a value of a finite fact, or a
        day (the first day of the interval it falls in stands for it); not where the answer
        forces another field (questions.forced), which the combinations do not keep."""
        if forced(self.determiner, fact, value):
            return {}
        found: dict[int, list[str]] = {}
        for i, e in enumerate(self.run.awards):
            group = self.group_of.get(i)
            if e.result.outcome != "pending" or group is None or not group.combinations \
                    or fact not in group.facts:
                continue
            j, key = group.facts.index(fact), value
            if isinstance(group.domains[fact], Scale):
                if not isinstance(value, dt.date):
                    continue  # an amount moves within its interval: not held as it is
                key = max((a for a, _ in group.tracker.points(fact) if a <= value),
                          default=None)
            try:
                made = self.kept.get((i, j, key))
            except TypeError:  # an answer that cannot be hashed: found each time
                made, held = None, None
            else:
                held = (i, j, key)
            if made is None:
                made = [f for f in _moving(group.facts, group.kept(j, key), i) if f != fact]
                if held is not None:
                    self.kept[held] = made
            found[i] = made
        return found

    def _asked(self, i: int) -> list[str]:
        found = self.found.get(i)
        if found is None:
            group = self.group_of[i]
            found = self.found[i] = _moving(group.facts, group.combinations, i)
        return found


def _moving(facts: list[str], combos: list[Combination], i: int) -> list[str]:
    """The facts that move award `i` in these combinations (two that differ in one alone
    give the award different results)."""
    return [f for j, f in enumerate(facts) if differ(combos, j, lambda c: c.keys[i])]
