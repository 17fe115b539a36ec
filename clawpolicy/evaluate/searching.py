"""The determiner the exactness search runs (exact.py): the same decisions, with the parts of
an award's decision that an answer cannot move taken from earlier runs.

A combination of answers decides an award again wherever an answer it read differs
(awardmemo.py), though most of that decision does not read the answer that differs. Which
revisions reach the award, its decision under each set of revisions that may apply, and its
decision under each rule set are kept apart (`AwardMemo.part`) by the answers each read, and
so are its amounts and remedies apart from its conditions (a condition's answer, the most
frequent, moves no amount), so a combination decides again only the parts its differing
answer can move; so are which
revisions take the participant in (one part for them all) and the other amounts, read once a
run. A part is a pure
function of the facts it reads, so taking it again gives what deciding it again would; what
it notes for the search (the thresholds of a tracked amount or date) is kept as the award
memo keeps it: a part that noted a new threshold is not kept.

"""

from __future__ import annotations

from typing import Any

from clawpolicy.core.values import Unknown
from clawpolicy.evaluate.awardmemo import keeps
from clawpolicy.evaluate.caserun import AwardEvaluation, CaseRun
from clawpolicy.evaluate.decide import Determiner

# False: the search takes none of its shortcuts (no part of an award kept, and each answer
# past the bound searched to its end, exact.Exact's `outcome_only`): the reference that
# tests/test_search.py holds them to, byte for byte.
SHORTCUTS = True


def closed(run: CaseRun) -> CaseRun | None:
    """The run as the exactness rule settles it where nothing is open (no unknown fact, no
    pending award: 70% of the benchmark's cases), or None: no search to set up, nothing to
    ask; the run as a search would give it back. Here, not in settle.py, so that a case with
    nothing open imports none of the search's modules (exact, questions, alike: 2 ms)."""
    if SHORTCUTS and not run.unknowns and all(e.result.outcome != "pending"
                                              for e in run.awards):
        return CaseRun(list(run.awards), run.others, run.unknowns, run.applied,
                       run.evaluator)
    return None


# The kinds of parts kept (each with what else it is computed from).
_REACH, _CHOICE, _RULES, _MEMBER, _OTHERS, _AMOUNTS = 0, 1, 2, 3, 4, 5


class Searching(Determiner):
    """A determiner sharing the rules' values, the memo and the facts read of the one it
    searches for."""

    def __init__(self, base: Determiner):
        super().__init__(base.policy, base.case, base.facts, base.reasons)
        self.values, self.memo = base.values, base.memo
        self.facts_read = base.facts_read  # the same case and facts (expressions.Evaluator)
        self.tied = base.tied
        # Without revisions an award's decision is its one rule set's: where the award memo
        # records it (`ev.names` kept), a part would be kept on the very terms the award is,
        # so it is not kept again (`_whole`).
        self.whole = not base.policy.revisions

    # Each part is kept only as called today; called otherwise (an argument added to
    # decide.py's method), it is decided as the base determiner decides it.
    def _reaches(self, ev: Any, revision: Any, rec: Any, member: Any, *more: Any,
                 **named: Any) -> Any:
        if more or named or not SHORTCUTS or member is False or revision.reaches is None:
            # A revision that does not take the participant in, or one without a `reaches`,
            # reads nothing here: decided without the memo's lookup.
            return super()._reaches(ev, revision, rec, member, *more, **named)
        held = member.facts if isinstance(member, Unknown) else member
        return self.memo.part((_REACH, revision.name, rec.path, held), ev,
                              lambda: super(Searching, self)._reaches(ev, revision, rec, member))

    def _choose(self, ev: Any, rec: Any, revisions: list, *more: Any,
                **named: Any) -> AwardEvaluation:
        if more or named or not SHORTCUTS or self._whole(ev):
            return super()._choose(ev, rec, revisions, *more, **named)
        kept = self.memo.part((_CHOICE, rec.path, tuple(r.name for r in revisions)), ev,
                              lambda: super(Searching, self)._choose(ev, rec, revisions))
        return kept.fresh()

    def evaluate(self, ev: Any, rec: Any, rules: Any, *more: Any,
                 **named: Any) -> AwardEvaluation:
        if more or named or not SHORTCUTS or self._whole(ev):
            return super().evaluate(ev, rec, rules, *more, **named)
        # The rule sets are composed once per policy (revise/rules.py): one id each.
        kept = self.memo.part((_RULES, rec.path, id(rules), rules.revisions), ev,
                              lambda: super(Searching, self).evaluate(ev, rec, rules))
        return kept.fresh()

    def _amounts(self, ev: Any, env: Any, rec: Any, conditions: list, notes: list,
                 bounding: bool = False, *more: Any, **named: Any) -> AwardEvaluation:
        """The amount and remedies of an award whose conditions are met (or its bound), kept
        apart from the conditions: a combination that moves only a condition (an answer the
        amounts do not read) takes them, and the result is made with its own conditions."""
        if more or named or not SHORTCUTS or notes or not keeps(ev):
            return super()._amounts(ev, env, rec, conditions, notes, bounding, *more, **named)
        kept = self.memo.part(
            (_AMOUNTS, rec.path, id(env.rules), bounding), ev,
            lambda: super(Searching, self)._amounts(ev, env, rec, [], [], bounding))
        return kept.fresh(conditions=list(conditions))

    def _whole(self, ev: Any) -> bool:
        """A part the award memo keeps whole: the policy has no revisions and the award's
        reads are recorded for it (not a sub-search's first run, whose parts are kept)."""
        return self.whole and ev.names is not None

    def memberships(self, ev: Any, env: Any, *more: Any, **named: Any) -> dict[str, Any]:
        """Which revisions take the participant in: one part for them all (one lookup a
        run, not one a revision)."""
        if more or named or not SHORTCUTS or not self.policy.revisions:
            return super().memberships(ev, env, *more, **named)
        return dict(_recorded(self, (_MEMBER,), ev,
                              lambda: super(Searching, self).memberships(ev, env)))

    def _others(self, ev: Any, env: Any, *more: Any, **named: Any) -> tuple[list, list]:
        if more or named or not SHORTCUTS or not env.rules.of("other"):
            # Where no `other` rule is in force there is nothing to read, nor to look up.
            return super()._others(ev, env, *more, **named)
        found, unknowns = _recorded(
            self, (_OTHERS, env.rules.revisions), ev,
            lambda: super(Searching, self)._others(ev, env))
        return list(found), list(unknowns)  # the caller adds to them


def _recorded(determiner: Searching, what: tuple, ev: Any, compute: Any) -> Any:
    """A part the run reads for the whole case (which revisions take the participant in, the
    other amounts), kept like a part of an award: in a run answering a question, which
    records no reads of its own (decide.Determiner.run), what it reads is recorded for it."""
    if ev.reads is not None or ev.names is not None:
        return compute()
    ev.reads, ev.names = set(), set()
    try:
        return determiner.memo.part(what, ev, compute)
    finally:
        ev.reads, ev.names = None, None


def searching(determiner: Determiner) -> Searching:
    return determiner if isinstance(determiner, Searching) else Searching(determiner)
