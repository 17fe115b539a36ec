"""A case decided: the determiner's run over every award, the open questions it leaves, and
the Determination that carries both. Pure; the one entry to evaluation."""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.evaluate.determination import (Assumption, Determination, PolicyRef,
                                               sum_field, total_field)
from clawpolicy.evaluate.env import Env
from clawpolicy.evaluate.expressions import Evaluator
from clawpolicy.evaluate.decide import Determiner, status_of
from clawpolicy.evaluate.seal import seal
from clawpolicy.evaluate.settle import settle


# Amounts hold at most 30 significant digits (case.MAX_DIGITS); sums and products of them
# stay exact within this precision, and an inexact result would be an error, not a rounding.
ARITHMETIC = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.Overflow,
                                             decimal.DivisionByZero])


def determine(policy: CheckedPolicy, case: Any, facts: dict[str, Any],
              assumptions: Sequence[Assumption] = (), sealed: Any = None) -> Determination:
    """The determination of `case`. Where facts were assumed (`assumptions`, already applied
    to `case`), `sealed` is the case as read, which the seal fingerprints."""
    with decimal.localcontext(ARITHMETIC):
        determination = _determine(policy, case, facts)
    return determination.model_copy(update={
        "assumptions": list(assumptions),
        "seal": seal(policy, case if sealed is None else sealed)})


def _determine(policy: CheckedPolicy, case: Any, facts: dict[str, Any]) -> Determination:
    determiner = Determiner(policy, case, facts)
    settled = settle(determiner, determiner.run())
    run = settled.run
    return Determination(
        case_id=case.case_id, title=case.title, as_of=case.as_of.isoformat(),
        policy=PolicyRef(name=policy.header.name, sha256=policy.loaded.sha256),
        outcome=run.outcome, revisions_applied=run.applied,
        total_recoverable=total_field(run.totals()),
        total_excused=sum_field([e.result.excused for e in run.awards]),
        total_recovered=sum_field([e.result.recovered for e in run.awards]),
        total_outstanding=sum_field([e.result.outstanding for e in run.awards]),
        awards=[e.result for e in run.awards],
        other_recoverable=[o for o, _ in run.others],
        # Any pending award has questions, even when another award already makes the case
        # one of recovery: the total turns on them.
        open_questions=settled.questions,
        notes=[n for e in run.awards for n in e.notes])


def revision_statuses(policy: CheckedPolicy, case: Any, facts: dict[str, Any]) -> dict[str, str]:
    """Whether the participant is in each revision's sub-set: met, not_met or unknown."""
    determiner = Determiner(policy, case, facts)
    ev = Evaluator(policy, case, facts)
    env = Env(determiner.rules([]))
    with decimal.localcontext(ARITHMETIC):
        return {r.name: status_of(determiner.membership(ev, r, env)) for r in policy.revisions}
