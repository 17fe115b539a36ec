"""An answer's search for the outcome alone (exact.Exact's `outcome_only`): which awards of a
group it has settled as far as that needs (`Watch`, which stops it once the rest could change
nothing), and a search known beforehand to give nothing but the run it starts from (a few
leaves far apart in the search's tree already show every award the group settles staying
pending: `probe`), or known to end past the bound once the thresholds it has found make more
combinations than the bound (`Watch.grown`, `Watch.past`).

Such a search ends one of four ways, and three of them leave every award of the group as the
run it starts from has it: past the bound (a group of several awards is then settled award
by award, each award's own search: split.py), still moving after its rounds, or stopped by
its watch (`Watch`) once nothing the group settles can count otherwise. Only a search run to
its end can settle an award, and it settles one only where every combination it keeps decides
it, and the same way. So where two admissible answers that search would try decide an award
differently, it stays pending however the search ends; where that holds of every award the
watch counts, the search gives the run back (`undecided`), and it is not made. The watch's
own count of the leaves decides it, fed the probe's leaves instead of the search's, and it
holds of them as it does of the search's:

- A leaf here is a partial combination whose three-valued evaluation leaves no fact of the
  group open and decides every award of the group (and, for a whole case's group, the other
  amounts): it decides each as every answer to the facts it leaves unanswered would (the
  search's own premise, exact.Exact.enumerate), and a combination of the search run to its
  end that agrees with the leaf on what both answer decides each that way too. (One that
  leaves an award pending is not taken: that the search's own combinations would, only the
  search tells.)
- Every answer a leaf gives is one the search tries in its last round: a listed fact's
  answers are fixed, and an amount's or a date's are the ends (or first days) of the
  intervals between the thresholds its search starts from, which stay ends as the search
  only adds thresholds (tracking.Tracker.points).
- Some combination of the search agrees with each leaf: it follows the leaf's answers and,
  for a fact the leaf leaves unanswered, the answers the search tries there, which the
  leaf's answers rule none out of (`_free`: no constraint of the vocabulary ties a fact the
  leaf answers to another the case does not know, every answer it gives is admissible
  alone, and no chain of constraints leaves a step of the search without an answer).

So the leaves' decisions are decisions of the search's own combinations, and an award the
watch sees decided two ways here would stay pending there. The watch's other stop (the
awards still open named alike, `_named_alike`) rests on each open award settling, if at all,
as its first leaf decides it: so it does here, where the first leaf is the probe's. The probe
makes at most a few runs a descent. It answers the facts an evaluation leaves open in that
evaluation's order, the search in its own, so it may build a combination the search never
does: where evaluating one fails (a date moved past the calendar), the probe ends there and
the search meets what it would have met. Where it shows nothing, the search is made as
before, from its start (the probe's tracker and group are its own; the memo it shares holds
only what deciding again would give), and the probe's leaves stand in each round's watch
before the search's own, for the same reasons: the watch may stop sooner, never elsewhere
than where the search would give its run back. A search shortcut (searching.SHORTCUTS)."""

from __future__ import annotations

from typing import Any

from clawpolicy.evaluate import alike
from clawpolicy.evaluate.expressions import EvaluationError
from clawpolicy.evaluate.questions import tied, admissible
from clawpolicy.evaluate.shortcuts import version
from clawpolicy.evaluate.tracking import Scale, Tracker


def decision(key: tuple) -> tuple:
    """What decides: the outcome and the amount (not how the remedies split it)."""
    return key[:2]


class Undecided(Exception):
    """Searching for the outcome alone: every award the group settles is known to stay
    pending (or, where the case recovers whatever the answers, not to recover), whatever the
    combinations not tried yet give (`Watch`)."""


class Watch:
    """Which awards of a group are settled as far as the outcome alone needs, from the
    combinations found so far.

    An award the group settles (one pending as the facts known decide it) stays pending once
    one combination leaves it pending or two decide it differently; so do the case's other
    amounts (a whole-case group) once two combinations differ in them or one leaves them
    unsettled. That holds for the search's last round too: a round only adds answers (the
    intervals between thresholds are split, never moved), so a combination found in one
    round is found again in every later one, and a round that runs past BOUND leaves the
    awards pending as well. Where the case is known to recover whatever the answers, an
    award counts only by whether it recovers and how much: one combination that does not
    recover settles that (it will not). Not where the case is only known to stay pending:
    an answer that leaves it pending names the facts its pending awards turn on
    (questions.open_facts), so which awards stay pending counts there, and an award every
    combination decides alike is not one of them. Once nothing the group settles can count
    otherwise, the rest of the search cannot change the outcome, the amount or what the case
    turns on: `Undecided` stops it. So too where the awards still open would change none of
    these whether they stay pending or not (`_named_alike`)."""

    def __init__(self, exact: Exact, group: Group, last: bool = False):
        self.exact = exact
        self.last = last  # the search's last round
        self.first: dict[int, tuple] = {}
        self.open = {i for i in group.awards if exact.run.awards[i].result.outcome == "pending"}
        self.unrecovered: set[int] = set()  # a combination decides it otherwise than recovery
        self.others: list = []
        self.whole = bool(exact.run.unknowns)  # the group settles the other amounts too
        self.pending = sorted(self.open)
        self.group_awards = set(group.awards)
        self.checked: dict[int, bool] = {}  # _named_alike, by how many awards are open
        # What the tracker knew when `grown` last counted (the round's start: counted then).
        self.known = version(group.tracker) if exact.run.awards else None

    def leaf(self, combo: Combination) -> None:
        exact, keys, first, open_ = self.exact, combo.keys, self.first, self.open
        for i in list(open_):
            key = keys[i]
            seen = first.get(i) or first.setdefault(i, decision(key))
            if key[0] == "pending" or decision(key) != seen:
                open_.discard(i)
            elif key[0] != "recovery":
                self.unrecovered.add(i)
        if not self.whole and exact.recovery_known:
            open_ -= self.unrecovered
        if open_ and not self.whole and self._named_alike():
            raise Undecided()
        if self.whole and self.others is not None:
            if combo.others is None or (self.others and self.others[0] != combo.others):
                self.others = None
            elif not self.others:
                self.others.append(combo.others)
        if not self.open and (not self.whole or self.others is None):
            raise Undecided()

    def grown(self, group: Group, bound: int) -> int | None:
        """How many combinations the thresholds the search has found make its candidates'
        answers (exact.Exact.count), where more than `bound`, for a case with awards; else
        None. The round began at most `bound` of them (exact.Exact.enumerate counts them
        first and stops past the bound), and the count moves only with the thresholds (and a
        related date's last day, tracking.Tracker.answers), which are only added to: so this
        round found a new one, and the search does not end with this round's combinations.
        It ends past the bound within this round or at the next round's start (counting the
        answers, more than `bound`), or, this round its last, still moving; or earlier,
        stopped by its watch or at a fact whose answers cannot be listed. So the rest of
        the search is not made (`past`): it ends as past the bound (where its awards are
        then settled one by one, split.py) or gives the run back (`Undecided`: every award
        it settles as the facts known decide it, settle.py; only the notes that say why
        differ, which an answer's result does not read: its outcome, amount and open facts,
        questions.fallback_answers; shortcuts.Leads keeps that result for alike answers). As
        with the watch's own stop, the combinations not tried are not evaluated: an
        evaluation that would fail among them is not met (no test case has one). Not for a
        case without awards, where which facts the search left unknown (Group.unlisted,
        found as it goes) is read (unlisted.lists_alike)."""
        if self.known is None:
            return None
        now = version(group.tracker)
        if now != self.known:
            self.known = now
            count = self.exact.count(group)
            if count > bound:
                return count
        return None

    def past(self, group: Group, bound: int) -> int | None:
        """Where the search is known to end past the bound (`grown`): the count, where it
        ends as past the bound at a round's start would, its awards then settled one by one
        (split.py: several awards, the case's other amounts known); else `Undecided`, the run
        given back, as where its group is of one award, or where this round is its last
        (the search would end still moving, its awards left as the facts known decide them:
        settle.py). None while it may still end otherwise."""
        count = self.grown(group, bound)
        if count is None:
            return None
        from clawpolicy.evaluate.split import splits  # (it builds on exact.py)
        if self.last or not splits(self.exact, group):
            raise Undecided()
        return count

    def _named_alike(self) -> bool:
        """Whether the awards still open count for nothing the answer gives. Some award of
        the group is known to stay pending (else the list below is empty beside an open
        award's facts: an award naming none is alone in its group, pending at once), so the
        case stays pending unless an award recovers; an open award that settles does so as
        its first combination decides it, no recovery by this test (never met where the case
        is known to recover: an open award is then one every combination so far recovers);
        the facts the answer names (questions.open_facts) are the same list whichever of
        the open awards stay pending (alike.named_alike). Found once a set (by its count:
        the awards open only ever get fewer)."""
        found = self.checked.get(len(self.open))
        if found is None:
            found = self.checked[len(self.open)] = all(
                self.first[i][0] != "recovery" for i in self.open) and alike.named_alike(
                    self.exact.run.awards, [i for i in self.pending if i not in self.open],
                    sorted(self.open), self.group_awards)
        return found


# A search of at most this many combinations of the answers it starts from is made without a
# probe, which would cost about as many runs.
SMALL = 8

# The descents tried: for each fact met, which of its answers (by position) it takes.
_DESCENTS = ((0, 0), (-1, -1), (0, -1), (-1, 0))  # (a listed fact's, an amount's or date's)


def probe(exact: Any, group: Any) -> list | None:
    """The leaves of a few descents of the group's search, or None where they show a watch of
    the group that its search gives the run back (see the module's docstring)."""
    watch = Watch(exact, group)
    leaves: list = []
    if watch.whole and group.unlisted:  # the other amounts read a fact no answer gives:
        return leaves  # open at the leaves, which it would not take (below)
    copy = type(group)(list(group.awards), [], cited=list(group.cited),
                       unlisted=list(group.unlisted))
    copy.tracker = Tracker({}, given=True)
    tried: dict[str, list] = {}  # each fact's answers, as its search starts
    seen: dict[tuple, Any] = {}
    for listed, scaled in _DESCENTS:
        assigned: dict[str, Any] = {}
        while True:
            key = tuple(sorted(assigned.items(), key=lambda kv: kv[0]))
            combo = seen.get(key)
            if combo is None:
                try:
                    combo = seen[key] = exact.evaluate(copy, assigned)
                except EvaluationError:  # a combination the search may never build (it
                    return leaves  # answers its facts in its own order): it is made
            open_ = [f for f in combo.open if f not in assigned]
            if not open_:
                break
            fact = open_[0]
            if fact not in tried:
                if not _free(exact, copy, fact):
                    return leaves
                tried[fact] = exact.answers(copy, fact)
            values = tried[fact]
            assigned = {**assigned, fact: values[
                scaled if isinstance(copy.domains[fact], Scale) else listed]}
        if any(combo.keys[i][0] == "pending" for i in group.awards) or \
                watch.whole and combo.others is None:
            continue  # (undecided here, not known so in the search's combinations)
        try:
            watch.leaf(combo)
        except Undecided:
            return None
        leaves.append(combo)
    return leaves


def _free(exact: Any, copy: Any, fact: str) -> bool:
    """The fact added to the probe's group (`copy`), where its answers are each admissible
    alone and no constraint ties it to another fact the case does not know (so no answer to
    it rules out an answer to another, nor one to another an answer to it), and the vocabulary's
    constraints make no chain (a field at most another that is itself at most a third), the
    one way a step of the search could find no answer admissible with those before it. False
    otherwise, or where its answers are not enumerated."""
    if exact.domain(fact) is None or _chained(exact.vocabulary):
        return False
    for _, paths, known in tied(exact.determiner, fact):
        if any(k is None and p is not None and p != fact for p, k in zip(paths, known)):
            return False
    exact._add(copy, fact)
    return all(admissible(exact.determiner, {fact: v}, fact) for v in exact.answers(copy, fact))


def _chained(vocabulary: Any) -> bool:
    """Whether some record's constraints bound a field that bounds another."""
    return any({c.field for c in d.constraints} & {c.at_most for c in d.constraints}
               for d in vocabulary.declarations.records.values())
