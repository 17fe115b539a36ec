"""The floor: the Qualys 2019 clawback rules (`policies/qualys-2019.claw`) written by hand in
plain Python over a case dict, as a programmer would write them without any policy language.
It gives each award's outcome and recoverable amount and nothing else: no reasons, no open
questions, no validation (the case is taken to be valid under the contract).

Three-valued logic: a fact that is `None` (or missing) is unknown, and a condition that
reads it is unknown (`None`) unless another part of it is already false: `False and None` is
`False`, as in clawpolicy. An award is
- not_covered if any scope test is false (section 16 officer, by the flag or a role;
  incentive kind and basis;
  granted on or after 2019-02-08);
- else no_recovery if a condition is false (undecided instead if a scope test is unknown);
- else undecided if any scope test or condition is unknown;
- else its amount: Recoverable Compensation rc = max(awarded - as_restated, 0); repayment
  reaches min(rc, paid) unless the law prohibits repayment; cancellation reaches
  min(rc, awarded - paid) unless the law prohibits cancellation; an unknown bar or amount
  leaves the award undecided; the award's recoverable is min(rc, the remedies' reach), and
  the outcome is recovery if that is more than zero, else no_recovery.

The exactness rule (docs/cases.md, "Exactness"): an award the known facts leave undecided
is `pending` only if two admissible answers to its unknown facts give different outcomes or
amounts; otherwise it is decided as every answer decides it. The floor settles it by hand:
it answers the unknown facts one at a time (a search that stops where the facts answered so
far decide), trying one answer from each class of answers these rules tell apart, and for
an amount every point where a comparison or `min`/`max` here can turn and the step beside
it (the rules are piecewise linear in the amounts, so two points of each piece show whether
the amount moves). As the engine does, an unknown list is answered by none, each value
alone and all of them: `prohibited_remedies` with the remedies the rules look for in it,
`calculated_on` with the statements the case lists. The engine's bound on the combinations
(1,024 per group of awards) is not reached by these rules' cases, and the floor has none.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from clawpolicy.vocabulary.declarations import table_key

EFFECTIVE = dt.date(2019, 2, 8)
INCENTIVE_KINDS = frozenset({"cash_incentive", "performance_equity"})
INCENTIVE_BASES = frozenset({"financial_results", "operating_results", "stock_price", "tsr"})
FAULT = frozenset({"gross_negligence", "intentional_misconduct", "fraud"})
CAUSED = frozenset({"caused", "partially"})
ZERO = Decimal(0)
CENT = Decimal("0.01")
STEP = Decimal("0.01")            # the vocabulary's step for USD and for shares
CEILING = Decimal(10) ** 15       # the largest amount the engine tries (no declared bound)
FIRST_DAY = dt.date(1900, 1, 1)
UNDECIDED = "undecided"

# One answer from each class of answers the rules tell apart, for the facts that are not
# amounts (an amount's answers depend on the amounts known: _amount_answers).
ANSWERS: dict[str, list] = {
    "officer": [True, False], "material": [True, False], "should_repay": [True, False],
    "prohibited": [True, False], "restated": [True, False],
    "kind": ["cash_incentive", "other"], "basis": [["financial_results"], []],
    "misconduct": ["fraud", "none"], "caused": ["caused", "not_caused"],
    "remedies": [[], ["cancellation"], ["repayment"], ["cancellation", "repayment"]],
    "granted": [EFFECTIVE - dt.timedelta(days=1), EFFECTIVE],
}
AMOUNTS = ("awarded", "as_restated", "paid")
# The order the facts are answered in: the scope first, then the conditions, then amounts.
ORDER = ("officer", "kind", "basis", "granted", "material", "awarded", "as_restated",
         "calculated_on", "misconduct", "caused", "should_repay", "prohibited", "remedies",
         "paid")


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


def _or(*values: bool | None) -> bool | None:
    """Three-valued or: True beats None beats False."""
    if True in values:
        return True
    return None if None in values else False


# "Subject to Section 16": the flag, or a role Section 16 binds, from the case's roles or,
# where it gives none, from its titles through the vocabulary's table (a title the table does
# not list gives a role not known, which makes no one an officer where the flag is recorded).
SECTION16_ROLES = frozenset({"section16_officer", "executive_officer", "chief_executive_officer",
                             "chief_financial_officer", "principal_accounting_officer"})


def _title_roles() -> dict[str, list]:
    path = Path(__file__).resolve().parents[1] / "clawpolicy" / "vocabulary" / "case.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8"))["tables"]["titles"]
    return {table_key(title): [row.get("role") for row in rows] for title, rows in table.items()}


TITLE_ROLES = _title_roles()


def _section16(participant: dict) -> bool | None:
    roles = participant.get("roles")
    if roles is not None:
        held = [r.get("role") for r in roles]
    elif participant.get("positions") is not None:
        held = [role for title in participant["positions"]
                for role in TITLE_ROLES.get(table_key(title), [None])]
    else:
        return _or(participant.get("section16_officer"), None)
    return _or(participant.get("section16_officer"), any(r in SECTION16_ROLES for r in held))


def _record(case: dict, name: str) -> dict:
    # A record that is null or missing holds nothing known.
    return case.get(name) or {}


def evaluate(case: dict, exact: bool = True) -> list[tuple[str, str, Decimal | None]]:
    """(award id, outcome, recoverable) for each award, in order. The recoverable is None
    when the award is pending, zero when no_recovery or not_covered; USD amounts in cents.
    With `exact` false, an award the known facts leave undecided is pending (the three-valued
    evaluation alone, as the Rego peer computes it)."""
    participant = _record(case, "participant")
    findings = _record(case, "findings")
    law = _record(case, "law")
    restatement = case.get("restatement")
    statements = {s["id"]: s for s in case.get("statements") or ()}
    # What does not depend on the award.
    shared = {
        "as_of": _date(case["as_of"]),
        "officer": _section16(participant),
        "material": False if restatement is None else restatement.get("material"),
        "misconduct": findings.get("misconduct"),
        "caused": findings.get("caused_restatement"),
        "should_repay": findings.get("should_repay"),
        "prohibited": law.get("recovery_prohibited"),
        "remedies": law.get("prohibited_remedies"),
    }
    results = []
    for award in case.get("awards") or ():
        facts = dict(shared)
        facts.update(kind=award.get("kind"), basis=award.get("basis"),
                     granted=_date(award.get("granted")),
                     awarded=_money(award.get("amount_awarded")),
                     as_restated=_money(award.get("amount_as_restated")),
                     paid=_money(award.get("amount_paid")),
                     calculated_on=award.get("calculated_on"), statements=statements,
                     set=[f for f in case.get("award_findings") or ()
                          if f.get("award") == award.get("id")])
        facts.update(_statement_facts(facts["calculated_on"], statements))
        outcome, recoverable = _settled(facts) if exact else _decide(facts)
        if outcome == UNDECIDED:
            outcome = "pending"
        if recoverable is not None and award.get("unit", "USD") == "USD":
            recoverable = recoverable.quantize(CENT)
        results.append((award["id"], outcome, recoverable))
    return results


def _statement_facts(refs: list | None, statements: dict) -> dict:
    """What the award reads of the statements it was calculated on, by their position."""
    found: dict = {}
    for i, ref in enumerate(refs or ()):
        found[("restated", i)] = statements[ref].get("restated")
        found[("filed", i)] = _date(statements[ref].get("original_filing_date"))
    return found


def _settled(facts: dict) -> tuple[str, Decimal | None]:
    """The award by the exactness rule: decided where every admissible answer to its unknown
    facts gives the same outcome and amount, else pending."""
    found: set[tuple[str, Decimal | None]] = set()
    if _search(facts, found):
        return found.pop()
    return "pending", None


def _search(facts: dict, found: set) -> bool:
    """Adds what each answer to the open facts gives; False as soon as two differ."""
    result = _decide(facts)
    if result[0] != UNDECIDED:
        found.add(result)
        return len(found) == 1
    fact = next(_open(facts), None)
    if fact is None:  # undecided by what is not searched (an award's findings): pending
        return False
    for value in _answers(fact, facts):
        answered = {**facts, fact: value}
        if fact == "calculated_on":
            answered.update(_statement_facts(value, facts["statements"]))
        if not _search(answered, found):
            return False
    return True


def _open(facts: dict):
    for name in ORDER:
        if facts.get(name) is None:
            yield name
    for key, value in facts.items():
        if isinstance(key, tuple) and value is None:
            yield key


def _answers(fact: Any, facts: dict) -> list:
    if isinstance(fact, tuple):  # a statement's fact
        if fact[0] == "restated":
            return ANSWERS["restated"]
        # Filed within three years of as_of, or long before: no earlier than the period's
        # last day (the vocabulary's constraint: statements are filed once their period ends).
        ref = facts["calculated_on"][fact[1]]
        earliest = _date(facts["statements"][ref].get("period_end")) or FIRST_DAY
        return sorted({max(facts["as_of"], earliest), earliest})
    if fact in AMOUNTS:
        return _amount_answers(fact, facts)
    if fact == "calculated_on":
        ids = list(facts["statements"])
        return [[]] + [[i] for i in ids] + ([ids] if len(ids) > 1 else [])
    return ANSWERS[fact]


def _amount_answers(fact: str, facts: dict) -> list[Decimal]:
    """Every point at which a comparison, `min` or `max` of these rules can turn (the amounts
    known, their sums and differences), with the step on either side, and the ends."""
    known = [facts[a] for a in AMOUNTS if a != fact and facts[a] is not None]
    hi = facts["awarded"] if fact == "paid" and facts["awarded"] is not None else CEILING
    points = {ZERO, STEP, hi - STEP, hi}
    for a in known:
        points.add(a)
        for b in known:
            points.update((a - b, a + b))
    near = {p + d for p in points for d in (-STEP, ZERO, STEP)}
    return sorted(p for p in near if ZERO <= p <= hi)


def _decide(f: dict) -> tuple[str, Decimal | None]:
    """The award by the facts known (three-valued): UNDECIDED where an unknown can matter."""
    # ---- scope
    basis = f["basis"]
    incentive = _and(_in(f["kind"], INCENTIVE_KINDS),
                     None if basis is None else not INCENTIVE_BASES.isdisjoint(basis))
    granted = f["granted"]
    in_time = None if granted is None else granted >= EFFECTIVE
    scope = (f["officer"], incentive, in_time)
    if False in scope:
        return "not_covered", ZERO

    # ---- conditions
    awarded, restated_amount = f["awarded"], f["as_restated"]
    less = None if awarded is None or restated_amount is None else restated_amount < awarded
    refs = f["calculated_on"]
    if refs is None:
        within = None
    else:
        within = False
        for i in range(len(refs)):
            filed = f[("filed", i)]
            on_time = None if filed is None else f["as_of"] <= _plus_three_years(filed)
            this = _and(f[("restated", i)], on_time)
            if this is True:
                within = True
                break
            if this is None:
                within = None
    committee = _and(_in(f["misconduct"], FAULT), _in(f["caused"], CAUSED), f["should_repay"])
    prohibited = f["prohibited"]
    permitted = None if prohibited is None else not prohibited
    conditions = (f["material"], less, within, committee, permitted)
    if False in conditions:
        return (UNDECIDED, None) if None in scope else ("no_recovery", ZERO)
    if None in scope or None in conditions:
        return UNDECIDED, None

    # ---- amount and remedies
    rc = _recoverable(f["set"], max(awarded - restated_amount, ZERO))
    if rc is None:
        return UNDECIDED, None
    paid, remedies = f["paid"], f["remedies"]
    reach = ZERO
    if remedies is None:
        return UNDECIDED, None
    if "repayment" not in remedies:
        if paid is None:
            return UNDECIDED, None
        reach += max(min(rc, paid), ZERO)
    if "cancellation" not in remedies:
        if paid is None:
            return UNDECIDED, None
        reach += max(min(rc, awarded - paid), ZERO)
    recoverable = max(ZERO, min(rc, reach))
    return ("recovery" if recoverable > 0 else "no_recovery"), recoverable


def _recoverable(entries: list[dict], excess: Decimal) -> Decimal | None:
    """The Recoverable Compensation: the excess, or where the Committee has set an amount or
    a portion of it for the award (`award_findings`), no more than that. An entry recording
    only a finding of impracticability or a cost sets nothing; one recording nothing says
    something was set, not yet what (None: undecided). The entries are read as given: the
    generated cases have none, and the floor does not search their unknowns."""
    setting = [e for e in entries if e.get("amount_set") is not None
               or e.get("portion") is not None
               or (e.get("impracticable") is None and e.get("recovery_cost") is None)]
    if not setting:
        return excess
    portions = [e.get("portion") for e in setting if e.get("amount_set") is None]
    if None in portions:
        return None
    amounts = sum((_money(e["amount_set"]) for e in setting if e.get("amount_set") is not None),
                  ZERO)
    return min(excess, amounts + sum((_money(p) for p in portions), ZERO) * excess)


def case_outcome(outcomes: list[str]) -> str:
    """The case's outcome from its awards' (the Qualys policy has no other amounts)."""
    if "recovery" in outcomes:
        return "recovery"
    if "pending" in outcomes:
        return "pending"
    if any(o != "not_covered" for o in outcomes):
        return "no_recovery"
    return "not_covered"
