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

from clawpolicy.evaluate.tracking import Tracked, Tracker


_NONE = object()
_RECORDING = object()  # marks the parts kept from a sub-search's first run (`part`)
_BARE = object()  # marks those kept from a run read for outcomes and amounts alone
_SCALE = object()  # marks what a tracker knows of an ordered fact (`_known`)


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
        self._facts: list[frozenset] = []  # each set of answered facts, by its number
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
        # (id of a tracker, a fact it tracks) -> (the tracker, kept so that its id stays its
        # own; how many thresholds it knew, with its marks; their number): `_known`
        self._scales: dict[tuple[int, str], tuple[Tracker, tuple, int]] = {}
        # For each award and set of answered facts (`_lookup`): how many read-sets the award
        # had, what picks the answers bearing on each with the evaluations kept for it, and
        # which of them answered last.
        self._fast: dict[tuple[int, int], list] = {}
        # What exact.py makes of each evaluation the runs give (`keyed`), by its id.
        self._keyed: dict[int, tuple[Any, tuple]] = {}

    def awards(self, determiner: Any, ev: Any, moved: Any, membership: dict[str, Any],
               record: Callable[[int], Any]) -> dict[int, Any]:
        """The evaluations of the awards `moved` (their indexes) in a run answering a
        question: each decided again only where no earlier one stands (`record(i)` makes the
        award's record, only where it is decided). The reference (the compiled path off)
        decides every one again, so that the differential tests (tests/test_compiled.py)
        hold the memo to it too."""
        if ev.reasons or ev.reads is not None or ev.compiled is None:
            return {i: determiner.award(ev, record(i), membership) for i in moved}
        member = self._ids.setdefault((None, ev.bare, tuple(membership.items())), len(self._ids))
        found = {}
        answered, atoms = self._atoms(ev)
        for index in moved:
            hit = self._lookup(index, answered, atoms, member)
            if hit is None:
                hit = self._decided(determiner, ev, index, record(index), membership,
                                    answered, atoms, member)
                # Deciding it may have noted thresholds: the answers' numbers then move.
                answered, atoms = self._atoms(ev)
            found[index] = hit
        return found

    def keyed(self, evaluation: Any, make: Callable[[Any], tuple]) -> tuple:
        """`make(evaluation)` (exact.award_key), made once for each evaluation: the runs of a
        search take most of their awards' evaluations from earlier runs, the same objects."""
        found = self._keyed.get(id(evaluation))
        if found is None or found[0] is not evaluation:  # (kept: its id stays its own)
            found = self._keyed[id(evaluation)] = (evaluation, make(evaluation))
        return found[1]

    def _lookup(self, index: int, answered: int, atoms: dict[str, int],
                member: int) -> Any:
        """The evaluation an earlier run left for the award that stands in this run, or None.
        Its read-sets are tried with what picks the answers bearing on each made once for
        each set of answered facts (`_fast`), the one that answered last first: whichever
        stands is what deciding the award in this run gives (the memo's premise, above:
        deciding it is deterministic, and reads nothing that differs), so the order in which
        they are tried changes nothing found (and deciding it here reads one set of facts:
        only where a rule's value is taken from the first run in one run and evaluated in
        another can two stand, both giving that one evaluation)."""
        by_reads = self._entries.get(index)
        if not by_reads:
            return None
        fast = self._fast.get((index, answered))
        if fast is None or fast[0] != len(by_reads):  # (a read-set added since)
            fast = self._fast[(index, answered)] = [
                len(by_reads), [(self._pick(reads, answered), kept)
                                for reads, kept in by_reads.items()], 0]
        tried = fast[1]
        last = fast[2]
        pick, kept = tried[last]
        hit = kept.get((member, pick(atoms)))
        if hit is None:
            for n, (pick, kept) in enumerate(tried):
                if n != last:
                    hit = kept.get((member, pick(atoms)))
                    if hit is not None:
                        fast[2] = n
                        break
        return hit

    def _decided(self, determiner: Any, ev: Any, index: int, rec: Any,
                 membership: dict[str, Any], answered: int, atoms: dict[str, int],
                 member: int) -> Any:
        """The award decided, recording what it read; kept for later runs where deciding it
        noted no new threshold."""
        before = _thresholds(ev.tracker)
        outer, ev.reads, ev.names = ev.reads, set(), set()
        try:
            evaluation = determiner._award(ev, rec, membership)
            reads = (frozenset(ev.reads), frozenset(ev.names))
        finally:
            ev.reads, ev.names = outer, None
        if _thresholds(ev.tracker) == before:
            reads = self._read(reads)
            self._entries.setdefault(index, {}).setdefault(reads, {})[
                self._key(reads, answered, atoms, member)] = evaluation
        return evaluation

    def part(self, what: tuple, ev: Any, compute: Callable[[], Any]) -> Any:
        """A part of an award's decision in a run answering a question, while `awards` records
        what the award depends on (searching.py: which revisions reach it, and its decision
        under a set of revisions or a rule set): taken from an earlier run where every answer
        it read (and the thresholds known of each, tracked) is the same, and kept only where
        evaluating it noted no new threshold, on the terms `awards` keeps awards by. `what`
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
        # Thresholds are only ever added (and a related date's `step` lowered, counted in
        # its marks): the tracker's count tells whether any was.
        version = tracker.version() if tracker is not None else 0
        last = self._last
        if last is not None and last[0] is ev and last[1] == version:
            return last[2]
        ids, atoms = self._ids, {}
        scales = tracker.scales if tracker is not None else {}
        for fact, value in ev.overrides.items():
            # Each answer as the memo tells answers apart: its value, whether it is tracked,
            # and for a tracked fact the thresholds known so far (by their number, `_known`).
            tracked = isinstance(value, Tracked)
            atom = (fact, value.value if tracked else value, tracked,
                    self._known(tracker, fact) if fact in scales else ())
            found = ids.get(atom)
            if found is None:
                found = ids[atom] = len(ids)
            atoms[fact] = found
        facts = frozenset(atoms)
        answered = self._answered.get(facts)
        if answered is None:
            answered = self._answered[facts] = len(self._facts)
            self._facts.append(facts)
        found = answered, atoms
        self._last = (ev, version, found)
        return found

    def _known(self, tracker: Tracker, fact: str) -> int:
        """The number of what the tracker knows of an ordered fact: its scale and the
        thresholds found so far (made again only where one was added, or, of a related
        date, the tracker's marks moved: neither is ever taken back)."""
        known = tracker.thresholds.get(fact, ())
        # A date compared with another (tracking.Tracker.related): what noted each of its
        # thresholds too, which says where such a comparison is noted.
        step = tracker.step.get(fact) if fact in tracker.related else None
        count = (len(known), tracker.marks if step is not None else -1)
        kept = self._scales.get((id(tracker), fact))
        if kept is None or kept[0] is not tracker or kept[1] != count:
            scale = tracker.scales[fact]
            number = self._ids.setdefault(
                (_SCALE, scale.lo, scale.hi, scale.step, scale.unit, tuple(known),
                 None if step is None else tuple(sorted(step.items()))), len(self._ids))
            kept = self._scales[(id(tracker), fact)] = (tracker, count, number)
        return kept[2]

    def _key(self, reads: int, answered: int, atoms: dict[str, int], member: int) -> tuple:
        """The answers that bear on an evaluation that read what `reads` numbers: those it
        read (or that would stop a reused rule being reused); and which revisions take the
        participant in. `answered` numbers the set of the facts `atoms` answers."""
        return member, self._pick(reads, answered)(atoms)

    def _pick(self, reads: int, answered: int) -> Callable[[dict], Any]:
        """What picks, from a run's answers (`atoms`, whose facts `answered` numbers), the
        numbers of those that bear on an evaluation that read what `reads` numbers."""
        pick = self._bearing.get((reads, answered))
        if pick is None:
            paths, names = self._read_sets[reads]
            bearing = sorted(f for f in self._facts[answered]
                             if f in paths or f.rsplit(".", 1)[-1] in names)
            # One tuple of their numbers (or the one number, or none), taken in C.
            pick = self._bearing[(reads, answered)] = \
                itemgetter(*bearing) if bearing else _nothing
        return pick


def keeps(ev: Any) -> bool:
    """Whether `AwardMemo.part` keeps parts in this evaluator's run: one answering a question
    while an award's reads are recorded (`awards`), or a sub-search's first run."""
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


def _nothing(atoms: dict) -> tuple:
    return ()


def _thresholds(tracker: Tracker | None) -> Any:
    """What the tracker knows, by its counts: the facts it holds thresholds for, and its
    version (the thresholds and the marks, only ever added to: Tracker.version), so that
    two counts are equal exactly where nothing was noted between them."""
    if tracker is None:
        return None
    return len(tracker.thresholds), tracker.version()
