"""Awards decided once per answer that can move them: in the runs that answer open questions
(without reasons), an award already decided where every fact its evaluation read took the
same answer is not decided again (exact.py tries many combinations of answers; most change
only some of the awards of a group, and the answers a sub-search tries repeat those of the
search above it).

What an award's result depends on is recorded as it is decided: the paths of the facts its
evaluation read (an answer it did not read cannot have changed it, and the evaluation is
deterministic), the names of the fields of the rules whose values it took from the run of
the case as it stands (depends.py: such a rule would be evaluated again where an answer
touches one of those names), and which revisions take the participant in. A result is kept
only if deciding it noted no new threshold for an ordered fact (tracking.py), so that taking
it again leaves the search exactly as deciding it again would; the thresholds the tracked
answers it read had then are part of what it depends on."""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable

from clawpolicy.evaluate.tracking import Tracked, Tracker, plain


_NONE = object()
_RECORDING = object()  # marks the parts kept from a sub-search's first run (`part`)
_BARE = object()  # marks those kept from a run read for outcomes and amounts alone


class AwardMemo:
    """The awards decided in answering runs, by award and by what they depended on."""

    def __init__(self) -> None:
        # award index -> number of what was read -> key -> evaluation
        self._entries: dict[int, dict[int, dict[tuple, Any]]] = {}
        # What was read, (paths read, field names of the rules reused), numbered (`_read`),
        # and the answered facts of each run numbered (`_atoms`): a lookup of what bears on
        # a pair is then keyed by two numbers, not by the sets themselves (whose equality,
        # tested on every hit, costs as much as their size).
        self._reads: dict[tuple[frozenset, frozenset], int] = {}
        self._read_sets: list[tuple[frozenset, frozenset]] = []
        self._answered: dict[frozenset, int] = {}
        # (number of what was read, number of the answered facts) -> what picks the facts
        # that bear on it
        self._bearing: dict[tuple[int, int], Callable[[dict], Any]] = {}
        # parts of awards (`part`): what -> number of what was read -> key -> (value, Frame)
        self._parts: dict[tuple, dict[int, dict[tuple, Any]]] = {}
        # Each answer as the memo tells answers apart (and each membership), numbered: a key
        # is then a short tuple of numbers, cheap to make and to look up for every set of
        # reads kept. The last run's numbers are kept while its thresholds stand.
        self._ids: dict[tuple, int] = {}
        self._last: tuple | None = None
        # The amounts of each award the run of the case as it stands left pending, as its
        # bound computed them there with no exception open (amounts.bound): (award path, id
        # of the rule set) -> (the evaluation, the rule set); and, found at first use, the
        # names of the fields they can read (`bound`).
        self.bounds: dict[tuple[str, int], tuple[Any, Any]] = {}
        self._bound_names: dict[tuple[str, int], frozenset | None] = {}

    def award(self, determiner: Any, ev: Any, index: int, rec: Any,
              membership: dict[str, Any]) -> Any:
        """The award's evaluation in a run answering a question: decided again only where no
        earlier one stands. The reference (the compiled path off) decides every one again, so
        that the differential tests (tests/test_compiled.py) hold the memo to it too."""
        if ev.reasons or ev.reads is not None or ev.compiled is None:
            return determiner.award(ev, rec, membership)
        member = self._ids.setdefault((None, ev.bare, tuple(membership.items())), len(self._ids))
        by_reads = self._entries.setdefault(index, {})
        answered, atoms = self._atoms(ev)
        for reads, found in by_reads.items():
            hit = found.get(self._key(reads, answered, atoms, member))
            if hit is not None:
                return hit
        before = _thresholds(ev.tracker)
        outer, ev.reads, ev.names = ev.reads, set(), set()
        try:
            evaluation = determiner._award(ev, rec, membership)
            reads = (frozenset(ev.reads), frozenset(ev.names))
        finally:
            ev.reads, ev.names = outer, None
        if _thresholds(ev.tracker) == before:
            reads = self._read(reads)
            by_reads.setdefault(reads, {})[self._key(reads, answered, atoms, member)] = \
                evaluation
        return evaluation

    def part(self, what: tuple, ev: Any, compute: Callable[[], Any]) -> Any:
        """A part of an award's decision in a run answering a question, while `award` records
        what the award depends on (searching.py: which revisions reach it, and its decision
        under a set of revisions or a rule set): taken from an earlier run where every answer
        it read (and the thresholds known of each, tracked) is the same, and kept only where
        evaluating it noted no new threshold, on the terms `award` keeps awards by. `what`
        names the part and everything else it is computed from. What it read is recorded for
        the award as evaluating it would have recorded it.

        Also in the first run of a search under an answer (settle.py's sub-searches: the
        answer in place, no run to take rules' values from, every fact read recorded): there
        a part is evaluated in full, so what it read is every fact, and the values at which
        an unknown fact's comparisons turn (the evaluator's pivots, which that search takes
        its answers from) are kept with it and noted again where it is taken. Those parts are
        kept apart from the others, which read less (the rules' values they took instead)."""
        if not keeps(ev):
            return compute()
        recording = ev.names is None
        if recording:
            what = (_RECORDING, *what)
        if ev.bare:  # its conditions recorded for the combination alone: kept apart
            what = (_BARE, *what)
        by_reads = self._parts.setdefault(what, {})
        answered, atoms = self._atoms(ev)
        for reads, found in by_reads.items():
            hit = found.get(self._key(reads, answered, atoms, -1), _NONE)
            if hit is not _NONE:
                hit[1].replay(ev)
                return hit[0]
        before = _thresholds(ev.tracker)
        # The pivots are recorded apart (and kept) only in a sub-search's first run.
        value, frame = framed(ev, compute, pivots=recording)
        if _thresholds(ev.tracker) == before:
            reads = self._read((frozenset(frame.reads), frozenset(frame.names or ())))
            by_reads.setdefault(reads, {})[self._key(reads, answered, atoms, -1)] = \
                (value, frame)
        return value

    def bound(self, values: Any, ev: Any, rec: Any, rules: Any) -> Any:
        """An award's amounts in a run answering a question (searching.py), as the bound
        computed them in the run of the case as it stands (no exception open there: the
        amounts themselves), where no answered fact can move them: no rule they evaluate
        (the recoverable amount, the exceptions, the remedies) can read a field of an
        answered fact's name. Taken as a rule's value is taken from that run
        (decide.Determiner._rule): the names they can read are recorded for the award. None
        where not."""
        key = (rec.path, id(rules))
        found = self.bounds.get(key)
        if found is None or values is None:
            return None
        names = self._bound_names.get(key, _NONE)
        if names is _NONE:
            names = self._bound_names[key] = _amount_names(values, found[1])
        if names is None or not names.isdisjoint(values.names_of(ev.overrides)):
            return None
        ev.names.update(names)
        return found[0]

    def _read(self, reads: tuple[frozenset, frozenset]) -> int:
        """The number of what an evaluation read (the same sets, the same number)."""
        found = self._reads.get(reads)
        if found is None:
            found = self._reads[reads] = len(self._read_sets)
            self._read_sets.append(reads)
        return found

    def _atoms(self, ev: Any) -> tuple[int, dict[str, int]]:
        """The number of the set of facts the run answers, and the number of each answer
        (see `_ids`)."""
        tracker = ev.tracker
        # Thresholds are only ever added: their count tells whether any was.
        version = sum(map(len, tracker.thresholds.values())) if tracker is not None else 0
        last = self._last
        if last is not None and last[0] is ev and last[1] == version:
            return last[2]
        ids = self._ids
        atoms = {fact: ids.setdefault(atom, len(ids)) for fact, atom in _atoms(ev).items()}
        answered = self._answered.setdefault(frozenset(atoms), len(self._answered))
        found = answered, atoms
        self._last = (ev, version, found)
        return found

    def _key(self, reads: int, answered: int, atoms: dict[str, int], member: int) -> tuple:
        """The answers that bear on an evaluation that read what `reads` numbers: those it
        read (or that would stop a reused rule being reused); and which revisions take the
        participant in. `answered` numbers the set of the facts `atoms` answers."""
        pick = self._bearing.get((reads, answered))
        if pick is None:
            paths, names = self._read_sets[reads]
            bearing = sorted(f for f in atoms if f in paths or f.rsplit(".", 1)[-1] in names)
            # One tuple of their numbers (or the one number, or none), taken in C.
            pick = self._bearing[(reads, answered)] = \
                itemgetter(*bearing) if bearing else _nothing
        return member, pick(atoms)


def keeps(ev: Any) -> bool:
    """Whether `AwardMemo.part` keeps parts in this evaluator's run: one answering a question
    while an award's reads are recorded (`award`), or a sub-search's first run."""
    if ev.reasons or ev.reads is None or ev.compiled is None:
        return False
    return ev.names is not None or (ev.tracker is None and bool(ev.overrides))


class Frame:
    """What a computation recorded apart from its caller (`framed`): the paths of the facts
    it read (ev.reads), the fields of the rules whose values it took from an earlier run
    (ev.names) and the pivots it noted (ev.pivots), each None where it was not recorded
    apart."""

    __slots__ = ("reads", "names", "pivots")

    def __init__(self, reads: set | None, names: set | None, pivots: dict | None):
        self.reads, self.names, self.pivots = reads, names, pivots

    def replay(self, ev: Any) -> None:
        """Recorded again into `ev`'s sets, as computing it there records it."""
        if self.reads is not None and ev.reads is not None:
            ev.reads.update(self.reads)
        if self.names is not None and ev.names is not None:
            ev.names.update(self.names)
        if self.pivots is not None:
            note_pivots(ev.pivots, self.pivots)


def framed(ev: Any, compute: Callable[[], Any], pivots: bool = True) -> tuple[Any, Frame]:
    """`compute()` with what it reads recorded into a frame of its own, then into the
    caller's sets as well (`Frame.replay`), so that a caller that takes the value again
    later can record the same again: the facts read and the rules' fields named, each where
    the caller records them; the pivots noted where `pivots` (else they are noted straight
    into the caller's, and the frame keeps none)."""
    outer = ev.reads, ev.names, ev.pivots
    frame = Frame(set() if outer[0] is not None else None,
                  set() if outer[1] is not None else None, {} if pivots else None)
    ev.reads, ev.names = frame.reads, frame.names
    if pivots:
        ev.pivots = frame.pivots
    try:
        value = compute()
    finally:
        ev.reads, ev.names, ev.pivots = outer
        frame.replay(ev)
    return value, frame


def note_pivots(into: dict[str, list], pivots: dict[str, list]) -> None:
    """Pivots noted in another evaluator (or while a part was evaluated), noted again in
    `into` as noting them one by one would (expressions.py `_note_pivot`): in their order,
    each once, so that the lists come out as evaluating the part there gives them."""
    for fact, found in pivots.items():
        known = into.setdefault(fact, [])
        for p in found:
            if p not in known:
                known.append(p)


def _amount_names(values: Any, rules: Any) -> frozenset | None:
    """The names of the fields an award's amounts can read under `rules` (depends.py), or
    None where that is not known."""
    bodies = [rules.recoverable.rule.body]
    for entry in rules.of("excuse"):
        bodies += [entry.rule.when, entry.rule.body]
    for entry in rules.of("remedy"):
        bodies += [entry.rule.unless, entry.rule.body]
    names: set[str] = set()
    for body in bodies:
        if body is None:
            continue
        found = values.reads(rules, body)
        if found is None:
            return None
        names |= found
    return frozenset(names)


def _nothing(atoms: dict) -> tuple:
    return ()


def _atoms(ev: Any) -> dict[str, tuple]:
    """Each answer as the memo tells answers apart: its value, whether it is tracked, and
    for a tracked one the thresholds known so far."""
    tracker, atoms = ev.tracker, {}
    for fact, value in ev.overrides.items():
        known = ()
        if tracker is not None and fact in tracker.scales:
            scale = tracker.scales[fact]
            known = (scale.lo, scale.hi, scale.step, scale.unit,
                     tuple(tracker.thresholds.get(fact, ())))
        atoms[fact] = (fact, plain(value), isinstance(value, Tracked), known)
    return atoms


def _thresholds(tracker: Tracker | None) -> Any:
    if tracker is None:
        return None
    return {fact: tuple(known) for fact, known in tracker.thresholds.items()}
