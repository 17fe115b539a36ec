"""A seeded generator of realistic synthetic clawback cases, as plain dicts in the shape of
the case-file contract (`shared/spec/case-format.md`): ISO date strings, money as decimal
strings, `None` for a fact not known yet.

One case is one Section 16 participant of a company that files calendar-year statements:
a run of fiscal years' statements (some restated), one restatement or none, the Committee's
findings so far, what the law allows, and 1 to 20 awards (annual cash bonuses, performance
share units on TSR or on financial measures, time-based RSUs, discretionary bonuses), granted
over the years before the determination. The proportions are chosen so that a batch holds
every outcome, per award and per case: recovery, no_recovery, pending, not_covered
(`python benchmarks/check_agreement.py` prints the mix).

    python benchmarks/generate.py --cases 1000 --awards-min 1 --awards-max 20 --seed 7 \
        --out /tmp/cases.jsonl

Everything is drawn from one `random.Random(seed)`: the same arguments give the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from typing import Any, Iterator

EFFECTIVE = dt.date(2019, 2, 8)

FIRST_NAMES = ["Jane", "Raymond", "Priya", "Jordan", "Mei", "Carlos", "Amara", "Henrik",
               "Sofia", "Daniel", "Yuki", "Olusegun", "Elena", "Marcus", "Ingrid", "Tomas"]
LAST_NAMES = ["Doe", "Achterberg", "Raman", "Castellanos", "Lin", "Okafor", "Lindqvist",
              "Moreau", "Tanaka", "Kowalski", "Haddad", "Brennan", "Novak", "Ferreira"]
POSITIONS = ["CEO", "CFO", "CAO", "COO", "GC", "CRO", "CTO", "CMO"]
LOCATIONS = ["US-CA", "US-CA", "US-CA", "US-NY", "US-TX", "US-WA", "IN-MH", "GB-LND"]


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    """One value from (value, weight) pairs."""
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for value, weight in weighted:
        x -= weight
        if x < 0:
            return value
    return weighted[-1][0]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _usd(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _maybe(rng: random.Random, value: Any, unknown: float) -> Any:
    """The value, or None (not known yet) with probability `unknown`."""
    return None if rng.random() < unknown else value


def generate_case(rng: random.Random, index: int, n_awards: int, prefix: str = "bench") -> dict:
    """One case with exactly `n_awards` awards."""
    as_of = _day(rng, dt.date(2022, 7, 1), dt.date(2026, 12, 31))
    last_fy = as_of.year - 1 if as_of >= dt.date(as_of.year, 3, 15) else as_of.year - 2
    # The statements reach back far enough to hold every award's fiscal year: a participant
    # with many awards has been there for years (grants before 2019-02-08 are outside scope).
    span = max(3, min(8, 2 + n_awards // 3))
    first_fy = last_fy - span + 1
    years = list(range(first_fy, last_fy + 1))

    # ---- the restatement: none, or one reaching the last one to three fiscal years
    has_restatement = rng.random() >= 0.10
    restated_years: set[int] = set()
    if has_restatement:
        depth = _pick(rng, [(1, 0.15), (2, 0.40), (3, 0.45)])
        end = last_fy - _pick(rng, [(0, 0.75), (1, 0.2), (2, 0.05)])
        restated_years = set(range(end - depth + 1, end + 1))

    statements = []
    for fy in years:
        filed = _day(rng, dt.date(fy + 1, 2, 8), dt.date(fy + 1, 3, 1))
        statements.append({
            "id": f"FY{fy}",
            "period_end": f"{fy}-12-31",
            "original_filing_date": _iso(_maybe(rng, filed, 0.01)),
            "first_public_issuance": _iso(filed - dt.timedelta(days=rng.randint(5, 12)))
            if rng.random() < 0.7 else None,
            "restated": _maybe(rng, fy in restated_years, 0.02),
        })

    restatement = None
    if has_restatement:
        latest_filing = dt.date(max(restated_years) + 1, 3, 1)
        required = _day(rng, min(latest_filing, as_of), as_of)
        restatement = {
            "material": _pick(rng, [(True, 0.85), (False, 0.06), (None, 0.09)]),
            "kind": _pick(rng, [("big_r", 0.7), ("little_r", 0.2), (None, 0.1)]),
            "required_date": _iso(_maybe(rng, required, 0.05)),
            "due_to_misconduct": _pick(rng, [(True, 0.55), (False, 0.25), (None, 0.2)]),
        }

    # ---- who the participant is
    officer = _pick(rng, [(True, 0.90), (False, 0.05), (None, 0.05)])
    since = dt.date(first_fy - rng.randint(0, 4), rng.randint(1, 12), rng.randint(1, 28))
    participant = {
        "id": f"p-{index:06d}",
        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "section16_officer": officer,
        "executive_officer": officer if rng.random() < 0.9 else None,
        "executive_officer_since": _iso(_maybe(rng, since, 0.2)),
        "positions": rng.sample(POSITIONS, rng.choice([1, 1, 1, 2])),
        "work_location": rng.choice(LOCATIONS),
    }

    # ---- what the Committee has found so far: a review early on has found nothing yet, one
    # under way some of it, a decided one all of it
    stage = _pick(rng, [("early", 0.12), ("under_way", 0.18), ("decided", 0.70)])
    fault = _pick(rng, [("gross_negligence", 0.48), ("intentional_misconduct", 0.20),
                        ("fraud", 0.12), ("none", 0.20)])
    caused = (_pick(rng, [("caused", 0.58), ("partially", 0.32), ("not_caused", 0.10)])
              if fault != "none" else rng.choice(["not_caused", None]))
    repay = rng.random() < 0.92 if fault != "none" else False
    unknown = {"early": 0.85, "under_way": 0.35, "decided": 0.0}[stage]
    findings = {
        "misconduct": _maybe(rng, fault, unknown),
        "caused_restatement": _maybe(rng, caused, unknown),
        "should_repay": _maybe(rng, repay, max(unknown, 0.02 if stage == "decided" else 0)),
        "impracticable": _pick(rng, [(None, 0.9), ("cost_exceeds_recovery", 0.05),
                                     ("home_country_law", 0.03), ("tax_qualified_plan", 0.02)]),
        "recovery_cost": _usd(rng.randint(5_000, 150_000) * 100) if rng.random() < 0.2 else None,
    }
    law = {
        "recovery_prohibited": _pick(rng, [(False, 0.95), (True, 0.03), (None, 0.02)]),
        "prohibited_remedies": _pick(rng, [([], 0.86), (["repayment"], 0.05),
                                           (["cancellation"], 0.06),
                                           (["repayment", "cancellation"], 0.01), (None, 0.02)]),
    }

    # ---- the awards, recent years more often
    weights = [(fy, 1.0 + (fy - first_fy) ** 3) for fy in years]
    awards = [_award(rng, i, _pick(rng, weights), restated_years, years)
              for i in range(n_awards)]

    case: dict[str, Any] = {
        "case_id": f"{prefix}-{index:06d}",
        "title": f"Clawback review for {participant['name']}",
        "as_of": as_of.isoformat(),
        "company": {"name": "Qualys, Inc.", "fiscal_year_end": "12-31"},
        "participant": participant,
        "statements": statements,
        "restatement": restatement,
        "awards": awards,
        "findings": findings,
        "law": law,
        "facts": {},
    }
    if rng.random() < 0.3:
        case["stock_sales"] = [{
            "date": _iso(_day(rng, dt.date(first_fy + 1, 1, 1), as_of)),
            "proceeds": _usd(rng.randint(100_000, 2_000_000) * 100),
            "profit": _usd(rng.randint(10_000, 600_000) * 100),
        } for _ in range(rng.randint(1, 3))]
    return case


def _award(rng: random.Random, i: int, fy: int, restated: set[int], years: list[int]) -> dict:
    kind = _pick(rng, [("cash_incentive", 0.47), ("performance_equity", 0.33),
                       ("time_based_equity", 0.12), ("discretionary_bonus", 0.05),
                       ("other", 0.02), (None, 0.01)])
    if kind == "cash_incentive":
        basis = rng.choice([["financial_results"], ["financial_results"],
                            ["financial_results", "operating_results"], ["operating_results"]])
        unit = "USD"
    elif kind == "performance_equity":
        basis = rng.choice([["tsr"], ["stock_price"], ["financial_results", "tsr"],
                            ["financial_results"]])
        unit = "shares" if rng.random() < 0.6 else "USD"
    elif kind == "time_based_equity":
        basis, unit = ["service"], ("shares" if rng.random() < 0.7 else "USD")
    elif kind == "discretionary_bonus":
        basis, unit = ["discretionary"], "USD"
    else:
        basis, unit = rng.choice([["financial_results"], ["service"], None]), "USD"
    if rng.random() < 0.015:
        basis = None

    multi_year = kind == "performance_equity" and rng.random() < 0.5 and fy + 1 in years
    on = [fy, fy + 1] if multi_year else [fy]
    granted = _day(rng, dt.date(fy, 1, 20), dt.date(fy, 3, 10))
    received = _day(rng, dt.date(on[-1] + 1, 2, 20), dt.date(on[-1] + 1, 3, 31))
    calculated_on = [f"FY{y}" for y in on] if rng.random() >= 0.015 else None

    if unit == "USD":
        awarded = rng.randint(500, 15_000) * 10_000  # 50,000.00 to 1,500,000.00, in cents
    else:
        awarded = rng.randint(10, 600) * 100        # 1,000 to 60,000 shares
    paid_share = _pick(rng, [(1.0, 0.55), (rng.choice([0.25, 0.4, 0.5, 0.6]), 0.30),
                             (0.0, 0.15)])
    paid = int(awarded * paid_share)
    touched = any(y in restated for y in on)
    if touched:
        factor = _pick(rng, [(rng.uniform(0.45, 0.97), 0.82), (1.0, 0.06),
                             (rng.uniform(1.0, 1.2), 0.03), (None, 0.09)])
    else:
        factor = _pick(rng, [(1.0, 0.9), (None, 0.1)])
    as_restated = None if factor is None else int(awarded * factor)
    money = _usd if unit == "USD" else str
    return {
        "id": f"{_ID_PREFIX.get(kind, 'award')}-fy{fy}-{i + 1}",
        "kind": kind,
        "basis": basis,
        "granted": _iso(_maybe(rng, granted, 0.015)),
        "received": _iso(received),
        "performance_period": {"start": f"{on[0]}-01-01", "end": f"{on[-1]}-12-31"},
        "calculated_on": calculated_on,
        "unit": unit,
        "amount_awarded": _maybe(rng, money(awarded), 0.005),
        "amount_paid": _maybe(rng, money(paid), 0.02),
        "amount_as_restated": None if as_restated is None else money(as_restated),
        "as_restated_is_estimate": (basis is not None and bool({"tsr", "stock_price"} & set(basis))
                                    and as_restated is not None),
    }


_ID_PREFIX = {"cash_incentive": "bonus", "performance_equity": "psu", "time_based_equity": "rsu",
              "discretionary_bonus": "discretionary", "other": "other"}


def generate(n: int, seed: int = 0, awards_min: int = 1, awards_max: int = 20,
             prefix: str = "bench") -> Iterator[dict]:
    """`n` cases from one seeded random stream, each with awards_min..awards_max awards."""
    if not 1 <= awards_min <= awards_max:
        raise ValueError("expected 1 <= awards_min <= awards_max")
    rng = random.Random(seed)
    for index in range(n):
        count = rng.randint(awards_min, awards_max)
        yield generate_case(rng, index, count, prefix)


def generate_list(n: int, seed: int = 0, awards_min: int = 1, awards_max: int = 20) -> list[dict]:
    return list(generate(n, seed, awards_min, awards_max))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="how many cases (default 1000)")
    parser.add_argument("--awards-min", type=int, default=1, help="fewest awards per case")
    parser.add_argument("--awards-max", type=int, default=20, help="most awards per case")
    parser.add_argument("--single-award", action="store_true",
                        help="exactly one award per case (same as --awards-min 1 --awards-max 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="-", help="a .jsonl file, or - for standard output")
    args = parser.parse_args(argv)
    low, high = (1, 1) if args.single_award else (args.awards_min, args.awards_max)
    if not 1 <= low <= high:
        parser.error("expected 1 <= --awards-min <= --awards-max")
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    try:
        for case in generate(args.cases, args.seed, low, high):
            out.write(json.dumps(case, separators=(",", ":")) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
