"""What the case with an answer asked alone in place asks, for that answer's `pending_on`
(questions.fallback_answers' `asking`).

A fact is asked alone where the search could not answer it with the others (past the
bound, apart, or a case-level fact no search answers). An answer that leaves the case
pending names what it is then pending on. Each award's facts as its group's search found
them say it where that group was searched whole (differ.Unmoved); where it was not, they are
only the unknowns the award's run under the answer stopped at, and the case with the answer
in place may ask more or fewer. There, that case's questions are found as the determination
finds them (settle.settle, asking which facts only), each group searched up to ASKED
combinations (for a list of records, ASKED_ITEM: the determination's own bound): a case that
passes them is given up, and the unknowns say it, as before."""

from __future__ import annotations

from typing import Any

from clawpolicy.core import types as t
from clawpolicy.evaluate import exact
from clawpolicy.evaluate.caserun import CaseRun
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.questions import fact_type

# The most combinations a group of the case with the answer in place is searched for before
# the answer is given up (exact.BOUND where that is less).
ASKED = 32
# For a list of records asked alone (each of its answers, `[]` too): its answer holding one
# item with every field unknown (questions._holding) adds that item's fields to the case's
# searches, so the case with it in place makes more combinations, and its `pending_on`
# names them (docs/cases.md) only where those searches end: as many as the determination's
# own search is allowed. Of the 91 such answers of run.py's revised batches, 34 named none
# of the item's fields at ASKED, 22 at 256 and 11 at this bound (each where the case with
# the item in place passes the bound itself), at about 1.14x the batches' CPU time against
# ASKED (1.03x at 256).
ASKED_ITEM = exact.BOUND


class Asking:
    """What the case with each answer of a fact asked alone in place asks (`asked_answer`),
    until that search gives up for one of its answers: the others, searched with the same
    facts open, mostly pass the bound too (their `pending_on` is then said by the groups'
    searches and the runs, as where none is searched)."""

    def __init__(self, determiner: Determiner, fact: str, first: CaseRun):
        self.determiner, self.fact, self.first, self.given_up = determiner, fact, first, False
        type_ = fact_type(determiner, fact)[0]
        self.bound = ASKED_ITEM if isinstance(type_, t.ListOf) and \
            isinstance(type_.element, t.Record) else ASKED

    def __call__(self, value: Any, given: dict[str, Any] | None = None) -> list[str] | None:
        if self.given_up:
            return None
        found = asked_answer(self.determiner, self.fact, value, self.first, given, self.bound)
        self.given_up = found is None
        return found


def asked_answer(determiner: Determiner, fact: str, value: Any,
                 first: CaseRun | None = None,
                 given: dict[str, Any] | None = None, bound: int = ASKED) -> list[str] | None:
    """The facts the case with an answer in place asks, in the order its questions ask them;
    None where a group of it passes `bound` combinations (the search given up; ASKED, or
    ASKED_ITEM for a list of records, `Asking`). `given`:
    other facts the answer gives with it (a list's one item with a field given)."""
    from clawpolicy.evaluate.settle import _Answered, _answered_run, settle  # (builds on it)

    if given:
        determiner = _Answered(determiner, given)
    found = settle(*_answered_run(determiner, fact, value, first), asked_only=True,
                   bound=min(bound, exact.BOUND))
    return found.asked if found.bounded else None
