"""What a search for the outcome alone (exact.py, `outcome_only`: where an answer asked
leads, settle.py) still needs of a group's combinations, and when it can stop."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clawpolicy.evaluate.exact import Combination, Exact, Group


def decision(key: tuple) -> tuple:
    """What decides: the outcome and the amount (not how the remedies split it)."""
    return key[:2]


class Undecided(Exception):
    """Searching for the outcome alone: every award the group settles is known to stay
    pending, whatever the combinations not tried yet give."""


class Watch:
    """Which awards of a group are settled as far as the outcome alone needs, from the
    combinations found so far.

    An award the group settles (one pending as the facts known decide it) stays pending once
    one combination leaves it pending or two decide it differently; so do the case's other
    amounts (a whole-case group) once two combinations differ in them or one leaves them
    unsettled. That holds for the search's last round too: a round only adds answers (the
    intervals between thresholds are split, never moved), so a combination found in one
    round is found again in every later one, and a round that runs past BOUND leaves the
    awards pending as well. Where the case is known to be pending unless an award recovers,
    or known to recover, an award counts only by whether it recovers and how much: one
    combination that does not recover settles that (it will not). Once nothing the group
    settles can count otherwise, the rest of the search cannot change the outcome or the
    amount: `Undecided` stops it.

    A whole-case group whose other amounts no combination leaves unsettled or tells apart
    (a case-level fact that only takes the participant in, `participant.roles`) stops too
    once every award it settles stays pending, where the search could only settle those
    amounts to what the case's run already has (a combination gave them so) and the
    case-level facts are among the pending awards' own: the case is then pending on the
    same facts, with the same amounts, whether they are settled or not, and that is all
    an answer's search (settle.py) reads of it. Without this, such a search runs to its
    end or the bound (where a list of records is answered, under every answer asked)."""

    def __init__(self, exact: "Exact", group: "Group"):
        self.exact = exact
        self.first: dict[int, tuple] = {}
        self.open = {i for i in group.awards if exact.run.awards[i].result.outcome == "pending"}
        self.unrecovered: set[int] = set()  # a combination decides it otherwise than recovery
        self.others: list = []
        self.whole = bool(exact.run.unknowns)  # the group settles the other amounts too
        # (a whole-case group) whether a combination gave the run's own other amounts, and
        # whether the case-level facts are among the facts the pending awards turn on
        self.as_run = False
        if self.whole:
            run = exact.run
            self.run_others = tuple((o.source, m.amount, m.unit) for o, m in run.others)
            held = {f for e in run.awards if e.result.outcome == "pending"
                    for u in e.unknowns for f in u.facts}
            self.covered = all(f in held for u in run.unknowns for f in u.facts)

    def leaf(self, combo: "Combination") -> None:
        exact = self.exact
        for i in list(self.open):
            key = combo.keys[i]
            seen = self.first.setdefault(i, decision(key))
            if key[0] == "pending" or decision(key) != seen:
                self.open.discard(i)
                exact.pending_known = exact.pending_known or not self.whole
            elif key[0] != "recovery":
                self.unrecovered.add(i)
        if not self.whole and (exact.pending_known or exact.recovery_known):
            self.open -= self.unrecovered
        if self.whole and self.others is not None:
            if combo.others is None or (self.others and self.others[0] != combo.others):
                self.others = None
            elif not self.others:
                self.others.append(combo.others)
            self.as_run = self.as_run or combo.others == self.run_others
        if not self.open and (not self.whole or self.others is None
                              or self.as_run and self.covered):
            raise Undecided()
