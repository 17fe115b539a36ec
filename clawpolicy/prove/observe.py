"""What a proof compares, read two ways: from the evaluator's run over a real case, and from
a model of the SMT terms. They must agree (the translation's differential tests), and a
counterexample must show a difference in the first (else the translation is at fault)."""

from __future__ import annotations

import decimal
import re
from decimal import Decimal
from typing import Any

import z3

from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.determine import ARITHMETIC
from clawpolicy.evaluate.expressions import EvaluationError
from clawpolicy.prove.decide import OUTCOMES, Case

MODALITIES = ("may", "shall")


def of_run(policy: CheckedPolicy, case: Any, facts: dict[str, Any]) -> dict[str, Any]:
    """The evaluator's determination before open questions are settled, as compared."""
    try:
        with decimal.localcontext(ARITHMETIC):
            run = Determiner(policy, case, facts).run(reasons=False)
    except EvaluationError:
        return {"error": True}
    award = run.awards[0]
    result = award.result
    pending = result.outcome == "pending"
    return {
        "error": False, "outcome": result.outcome,
        "recoverable": None if pending else award.recoverable.amount,
        "remedies": {} if pending else {m.kind: (m.modality, Decimal(m.up_to.amount))
                                        for m in result.remedies},
        "notes": sorted(n.rule for n in award.notes),
        "excused": {} if pending or result.excused is None else {
            result.excused.exception: Decimal(result.excused.amount)},
        "others": {(o.rule, int(re.findall(r"\[(\d+)\]", o.source)[-1])): m.amount
                   for o, m in run.others},
        "others_unknown": bool(run.unknowns)}


def of_model(case: Case, model: z3.ModelRef) -> dict[str, Any]:
    """The same, from a model of the translation."""

    def get(x: Any) -> Any:
        return model.eval(x, model_completion=True)

    def yes(x: Any) -> bool:
        return z3.is_true(get(x))

    def money(x: Any) -> Decimal:  # exact: in units of 10**-(2 + case.extra)
        return Decimal(get(x).as_long()).scaleb(-2 - case.extra)

    if yes(case.err):
        return {"error": True}
    a = case.award
    outcome = OUTCOMES[get(a.outcome).as_long()]
    pending = outcome == "pending"
    return {
        "error": False, "outcome": outcome,
        "recoverable": None if pending else money(a.recoverable),
        "remedies": {} if pending else {
            k: (MODALITIES[get(m).as_long()], money(c))
            for k, (s, m, c) in a.remedies.items() if yes(s)},
        "notes": sorted(k for k, v in a.notes.items() if yes(v)),
        "excused": {k: money(c) for k, (s, c) in a.excused.items() if yes(s)},
        "others": {k: money(v) for k, (f, v) in case.others.items() if yes(f)},
        "others_unknown": yes(case.others_unknown)}


def comparable(observed: dict[str, Any]) -> dict[str, Any]:
    """Amounts to the cent, as the output shows them."""
    out = dict(observed)
    if out.get("recoverable") is not None:
        out["recoverable"] = out["recoverable"].quantize(Decimal("0.01"))
    if "remedies" in out:
        out["remedies"] = {k: (m, c.quantize(Decimal("0.01")))
                           for k, (m, c) in out["remedies"].items()}
    for key in ("others", "excused"):
        if key in out:
            out[key] = {k: v.quantize(Decimal("0.01")) for k, v in out[key].items()}
    return out
