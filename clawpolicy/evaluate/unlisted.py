"""A case with no award left pending only on a list of records the searches leave unknown
(`participant.roles: null`), settled where every answer to the list settles it alike: the
exactness rule's "pending only if an answer would change it" (settle.py calls it, with its
settled answer)."""

from __future__ import annotations

from typing import Any, Callable

from clawpolicy.core.types import ListOf, Record
from clawpolicy.evaluate.caserun import CaseRun
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.items import one_item
from clawpolicy.evaluate.questions import fact_type


def lists_alike(determiner: Determiner, run: CaseRun, settled: CaseRun, unlisted: list[str],
                answer: Callable[[Determiner, str, Any, CaseRun], CaseRun]) -> CaseRun | None:
    """Where the case has no award and is pending only on case-level facts the searches
    left unknown, one of those a list of records (`participant.roles: null`) whose every
    answer, none and one item (items.one_item, as the question answers it), settles the
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
