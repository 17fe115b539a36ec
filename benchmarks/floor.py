"""The floor: the Qualys 2019 clawback rules (`policies/qualys-2019.claw`) written by hand in
plain Python over a case dict, as a programmer would write them without any policy language.
It gives each award's outcome and recoverable amount and nothing else: no reasons, no open
questions, no validation (the case is taken to be valid under the contract).

Three-valued logic: a fact that is `None` (or missing) is unknown, and a condition that
reads it is unknown (`None`) unless another part of it is already false: `False and None` is
`False`, as in clawpolicy. An award is
- not_covered if any scope test is false (section 16 officer; incentive kind and basis;
  granted on or after 2019-02-08);
- else no_recovery if a condition is false (pending instead if a scope test is unknown);
- else pending if any scope test or condition is unknown;
- else its amount: Recoverable Compensation rc = max(awarded - as_restated, 0); repayment
  reaches min(rc, paid) unless the law prohibits repayment; cancellation reaches
  min(rc, awarded - paid) unless the law prohibits cancellation; an unknown bar or amount
  makes the award pending; the award's recoverable is min(rc, the remedies' reach), and the
  outcome is recovery if that is more than zero, else no_recovery.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

EFFECTIVE = dt.date(2019, 2, 8)
INCENTIVE_KINDS = frozenset({"cash_incentive", "performance_equity"})
INCENTIVE_BASES = frozenset({"financial_results", "operating_results", "stock_price", "tsr"})
FAULT = frozenset({"gross_negligence", "intentional_misconduct", "fraud"})
CAUSED = frozenset({"caused", "partially"})
ZERO = Decimal(0)
CENT = Decimal("0.01")


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _money(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(value) if isinstance(value, str) else Decimal(int(value))


def _plus_three_years(day: dt.date) -> dt.date:
    # 2020-02-29 + 3 years is 2023-02-28: the year after has no 29 February.
    if day.month == 2 and day.day == 29:
        return dt.date(day.year + 3, 2, 28)
    return day.replace(year=day.year + 3)


def _and(*values: bool | None) -> bool | None:
    """Three-valued and: False beats None beats True."""
    if False in values:
        return False
    return None if None in values else True


def _in(value: Any, options: frozenset) -> bool | None:
    return None if value is None else value in options


def _record(case: dict, name: str) -> dict:
    # A record that is null or missing holds nothing known.
    return case.get(name) or {}


def evaluate(case: dict) -> list[tuple[str, str, Decimal | None]]:
    """(award id, outcome, recoverable) for each award, in order. The recoverable is None
    when the award is pending, zero when no_recovery or not_covered; USD amounts in cents."""
    participant = _record(case, "participant")
    findings = _record(case, "findings")
    law = _record(case, "law")
    restatement = case.get("restatement")
    as_of = _date(case["as_of"])
    statements = {s["id"]: s for s in case.get("statements") or ()}

    # What does not depend on the award.
    officer = participant.get("section16_officer")
    material = False if restatement is None else restatement.get("material")
    committee = _and(_in(findings.get("misconduct"), FAULT),
                     _in(findings.get("caused_restatement"), CAUSED),
                     findings.get("should_repay"))
    prohibited = law.get("recovery_prohibited")
    permitted = None if prohibited is None else not prohibited
    remedies = law.get("prohibited_remedies")
    repay_barred = None if remedies is None else "repayment" in remedies
    cancel_barred = None if remedies is None else "cancellation" in remedies

    results = []
    for award in case.get("awards") or ():
        outcome, recoverable = _award(award, officer, material, committee, permitted,
                                      repay_barred, cancel_barred, as_of, statements)
        if recoverable is not None and award.get("unit", "USD") == "USD":
            recoverable = recoverable.quantize(CENT)
        results.append((award["id"], outcome, recoverable))
    return results


def _award(award: dict, officer, material, committee, permitted, repay_barred, cancel_barred,
           as_of: dt.date, statements: dict) -> tuple[str, Decimal | None]:
    # ---- scope
    basis = award.get("basis")
    incentive = _and(_in(award.get("kind"), INCENTIVE_KINDS),
                     None if basis is None else not INCENTIVE_BASES.isdisjoint(basis))
    granted = _date(award.get("granted"))
    in_time = None if granted is None else granted >= EFFECTIVE
    scope = (officer, incentive, in_time)
    if False in scope:
        return "not_covered", ZERO

    # ---- conditions
    awarded = _money(award.get("amount_awarded"))
    restated_amount = _money(award.get("amount_as_restated"))
    less = None if awarded is None or restated_amount is None else restated_amount < awarded
    refs = award.get("calculated_on")
    if refs is None:
        within = None
    else:
        within = False
        for ref in refs:
            statement = statements[ref]
            filed = _date(statement.get("original_filing_date"))
            on_time = None if filed is None else as_of <= _plus_three_years(filed)
            this = _and(statement.get("restated"), on_time)
            if this is True:
                within = True
                break
            if this is None:
                within = None
    conditions = (material, less, within, committee, permitted)
    if False in conditions:
        return ("pending" if None in scope else "no_recovery"), (None if None in scope else ZERO)
    if None in scope or None in conditions:
        return "pending", None

    # ---- amount and remedies
    rc = max(awarded - restated_amount, ZERO)
    paid = _money(award.get("amount_paid"))
    reach = ZERO
    unknown = False
    if repay_barred is None:
        unknown = True
    elif not repay_barred:
        if paid is None:
            unknown = True
        else:
            reach += max(min(rc, paid), ZERO)
    if cancel_barred is None:
        unknown = True
    elif not cancel_barred:
        if paid is None:
            unknown = True
        else:
            reach += max(min(rc, awarded - paid), ZERO)
    if unknown:
        return "pending", None
    recoverable = max(ZERO, min(rc, reach))
    return ("recovery" if recoverable > 0 else "no_recovery"), recoverable


def case_outcome(outcomes: list[str]) -> str:
    """The case's outcome from its awards' (the Qualys policy has no other amounts)."""
    if "recovery" in outcomes:
        return "recovery"
    if "pending" in outcomes:
        return "pending"
    if any(o != "not_covered" for o in outcomes):
        return "no_recovery"
    return "not_covered"
