"""The award memo's lookup (evaluate/awardmemo.py, `AwardMemo._lookup`) held to the lookup it
stands for: each read-set kept for the award tried in the order it was kept, the first whose
answers bearing on it are the run's own. The fast one tries first the read-set that answered
last, with what picks each one's answers made once a set of answered facts; where two
read-sets stand (a rule's value taken from the first run in one run, evaluated in another),
both give the one evaluation deciding the award in the run gives, so what is found is the
same."""

from __future__ import annotations

from clawpolicy.api import evaluate
from clawpolicy.evaluate import awardmemo, watch
from tests.conftest import generator
from tests.test_properties import as_case


def _scan(memo, index, answered, atoms, member):
    """The reference lookup: the read-sets in the order kept."""
    for reads, kept in memo._entries.get(index, {}).items():
        found = kept.get(memo._key(reads, answered, atoms, member))
        if found is not None:
            return found
    return None


def _same(a, b) -> bool:
    return a.result == b.result and a.recoverable == b.recoverable and a.bound == b.bound \
        and a.notes == b.notes and [repr(u) for u in a.unknowns] == \
        [repr(u) for u in b.unknowns]


def test_the_lookup_finds_what_the_scan_in_order_finds(qualys_2019, monkeypatch):
    """Cases 22 and 76 of run.py's 150 mixed cases (seed 2024): groups of several awards
    whose answers' searches look each award up thousands of times, most of them hits, on
    awards of several read-sets. Where a lookup finds an evaluation kept under another
    read-set than the first that stands, it is equal to it: in case 76 a few did, until the
    runs that answer a question stopped evaluating the policy's notes (2026-12-03; none
    since, in the first 77 of those cases under either policy). (Some 28,900 hits since the
    two unknown amounts of case 76 that cap each other are related, tracking.py; 37,000
    since the groups past the bound are searched award by award, split.py; 40,000 before.)"""
    lookup = awardmemo.AwardMemo._lookup
    counts = {"lookups": 0, "hits": 0, "not the first read-set": 0}

    def checked(self, index, answered, atoms, member):
        found = lookup(self, index, answered, atoms, member)
        reference = _scan(self, index, answered, atoms, member)
        assert (found is None) == (reference is None)
        counts["lookups"] += 1
        if found is not None:
            counts["hits"] += 1
            kept = list(self._entries[index].values())
            counts["not the first read-set"] += not any(found is e for e in kept[0].values())
            if found is not reference:
                assert _same(found, reference)
        return found
    monkeypatch.setattr(awardmemo.AwardMemo, "_lookup", checked)
    # The probe (watch.py) spares most of these searches: off, so that they look up as many.
    monkeypatch.setattr(watch, "probe", lambda *args: [])
    cases = generator()(77, 2024, 1, 20)
    for data in (cases[22], cases[76]):
        evaluate(qualys_2019, as_case(data))
    assert counts["hits"] > 25_000 and counts["lookups"] - counts["hits"] > 100
    assert counts["not the first read-set"] > 1_000
