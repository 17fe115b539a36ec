"""A list of records the searches leave unknown (`participant.roles: null`): a case with no
award left pending only on it settled where every answer to the list settles it alike (the
exactness rule's "pending only if an answer would change it"), and the list holding items
answered one record at a time, from what the list answered with one item asks of it
(settle.py calls both, with its settled answer)."""

from __future__ import annotations

import re
from typing import Any, Callable

from clawpolicy.core.types import BOOLEAN, Enum, ListOf, Record
from clawpolicy.evaluate.caserun import CaseRun
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.questions import ANY_OTHER, Fallback, fact_type, one_item, open_facts


def lists_alike(determiner: Determiner, run: CaseRun, settled: CaseRun, unlisted: list[str],
                answer: Callable[[Determiner, str, Any, CaseRun], CaseRun]) -> CaseRun | None:
    """Where the case has no award and is pending only on case-level facts the searches
    left unknown, one of those a list of records (`participant.roles: null`) whose every
    answer, none and one item (questions.one_item, as the question answers it), settles the
    case alike with nothing recoverable: the case so settled. None otherwise.

    Only without awards: where awards are all decided, an answer to another fact that
    decides them (settle._answers, from the search's combinations) would still leave the
    case pending on the list, while the case with that answer given would be settled here;
    the answers would have to settle the list each in turn to keep their promise."""
    if not settled.unknowns or settled.awards:
        return None
    for fact in dict.fromkeys(unlisted):
        type_ = fact_type(determiner, fact)[0]
        if not (isinstance(type_, ListOf) and isinstance(type_.element, Record)):
            continue
        one = one_item(fact, type_.element, determiner.policy.vocabulary)
        found = set()
        for value in ((), one):
            answered = answer(determiner, fact, value, run)
            if answered.outcome == "pending" or answered.unknowns or answered.others:
                break
            found.add(answered.outcome)
        else:
            if len(found) == 1:
                return CaseRun(settled.awards, [], [], run.applied, run.evaluator)
    return None


def items_answers(determiner: Determiner, fact: str, value: Any, first: CaseRun,
                  answer: Callable[..., Any]) -> list[Fallback]:
    """The answers of a list of records holding items (`value`: the list of one item whose
    every field is unknown, questions.one_item), from where that answer leads, settled
    (`answer`: settle's, with the questions it asks of the item's facts only): `lifted`."""
    found = answer(determiner, fact, value, first, f"{fact}[0].")
    return lifted(fact, value[0].type, found.run, found.questions)


def lifted(fact: str, record: Record, run: CaseRun, questions: list) -> list[Fallback]:
    """The answers "the list holds items" stands for, from where the list answered with one
    item whose every field is unknown leads (`run`, settled) and the open questions that
    search asks of the item's own facts (`questions`, `fact[0]....`). Pending where it asks
    a field of the item answered by words (of a fixed list, or a boolean), the first it
    asks: one answer for each of that question's answers, the list of one record with the
    field given (`[{"role": "chief_executive_officer"}]`; the list of such lists where
    several words lead alike), leading where that answer leads, and where pending, on the
    other facts it still turns on, never the list nor the field the record gives.
    Otherwise (settled, pending on other facts alone, or on a field answered by ranges),
    one answer "any other", where the item leads: pending on the facts still open, the
    item's own included, never the list."""
    outcome = run.outcome
    asked = next((q for q in questions if _worded(fact, record, q.fact)), None) \
        if outcome == "pending" else None
    if asked is None:
        return [Fallback(ANY_OTHER, outcome, None, outcome in ("recovery", "pending"),
                         open_facts(run, fact) if outcome == "pending" else None)]
    name = asked.fact.rsplit(".", 1)[1]
    found = []
    for answer in asked.answers:
        records = [[{name: w}] for w in (answer.if_ if isinstance(answer.if_, list)
                                         else [answer.if_])]
        pending_on = [f for f in answer.pending_on or () if f not in (fact, asked.fact)]
        found.append(Fallback(records[0] if len(records) == 1 else records, answer.outcome,
                              answer.recoverable, bool(answer.recoverable_depends_on_answer),
                              pending_on or None, answer))
    return found


def _worded(fact: str, record: Record, asked: str) -> bool:
    """`asked` is a field of the item of `fact` answered by words: one of a fixed list, or a
    boolean."""
    field = re.fullmatch(rf"{re.escape(fact)}\[0\]\.(\w+)", asked)
    found = record.fields.get(field[1]) if field else None
    return found is not None and (found.type == BOOLEAN or isinstance(found.type, Enum))
