"""Hypothesis strategies for realistic cases: one participant, a few statements, one to four
awards, every fact possibly unknown. Shared by the property tests."""

from __future__ import annotations

import datetime as dt
import os
import random

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The two profiles of every property test, set here alone. CI's (the default suite): a fixed
# number of generated examples, the same on every run, so a run's time and result do not depend
# on luck. The long one (CLAWPOLICY_FUZZ=long, run by hand; docs/testing.md): ten times as many
# (`SCALE`), fresh each run. Hypothesis draws them from --hypothesis-seed (a fresh seed unless
# given, shown beside a failure); a test that draws its own random numbers takes `seeded`'s,
# from CLAWPOLICY_FUZZ_SEED (tests/conftest.py picks a fresh one and shows it in the header).
LONG = os.environ.get("CLAWPOLICY_FUZZ") == "long"
SCALE = 10 if LONG else 1


def scaled(count: int) -> int:
    """`count` examples (cases, seeds, rounds) in CI's profile; ten times as many in the long."""
    return count * SCALE


def fuzzed(examples: int):
    """A property test's settings: `examples` generated cases in CI's profile, the same on
    every run, and ten times as many fresh ones a run under CLAWPOLICY_FUZZ=long."""
    return settings(max_examples=scaled(examples), deadline=None, derandomize=not LONG,
                    database=None, suppress_health_check=list(HealthCheck))


def seeded(seed: int) -> random.Random:
    """The random numbers of a test that draws its own: from `seed` in CI's profile; in the
    long one, from the run's CLAWPOLICY_FUZZ_SEED as well, so that each run draws fresh ones
    and a failure is repeated by giving its seed again."""
    return random.Random(f"{os.environ['CLAWPOLICY_FUZZ_SEED']}:{seed}" if LONG else seed)


DATES = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))
MONEY = st.integers(min_value=0, max_value=2_000_000)


def maybe(strategy, unknown_weight: int = 1):
    """A fact that is known most of the time and unknown (null) sometimes."""
    return st.one_of(*([st.none()] * unknown_weight), strategy, strategy, strategy)


@st.composite
def awards(draw, statement_ids: list[str], index: int):
    awarded = draw(MONEY)
    paid = draw(st.integers(min_value=0, max_value=awarded))
    return {
        "id": f"award-{index}",
        "kind": draw(maybe(st.sampled_from(["cash_incentive", "performance_equity",
                                            "time_based_equity", "discretionary_bonus"]))),
        "basis": draw(maybe(st.lists(st.sampled_from(
            ["financial_results", "operating_results", "stock_price", "tsr", "service",
             "discretionary"]), min_size=1, max_size=3, unique=True))),
        "granted": draw(maybe(DATES)),
        "received": draw(maybe(DATES)),
        "calculated_on": draw(maybe(st.lists(st.sampled_from(statement_ids), min_size=1,
                                             max_size=2, unique=True))),
        "unit": draw(st.sampled_from(["USD", "USD", "shares"])),
        "amount_awarded": draw(maybe(st.just(awarded))),
        "amount_paid": draw(maybe(st.just(paid))),
        "amount_as_restated": draw(maybe(MONEY)),
        "as_restated_is_estimate": draw(maybe(st.booleans())),
    }


@st.composite
def cases(draw, max_awards: int = 4):
    statement_ids = ["FY2020", "FY2021", "FY2022"]
    statements = [{
        "id": sid,
        "period_end": f"{sid[2:]}-12-31",
        "original_filing_date": draw(maybe(st.dates(min_value=dt.date(int(sid[2:]) + 1, 2, 1),
                                                    max_value=dt.date(int(sid[2:]) + 1, 3, 15)))),
        "first_public_issuance": draw(maybe(st.dates(
            min_value=dt.date(int(sid[2:]) + 1, 1, 20), max_value=dt.date(int(sid[2:]) + 1, 2, 1)))),
        "restated": draw(maybe(st.booleans())),
    } for sid in statement_ids]
    count = draw(st.integers(min_value=1, max_value=max_awards))
    return {
        "case_id": "generated",
        "as_of": draw(st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2027, 12, 31))),
        "company": {"name": "Qualys, Inc.", "fiscal_year_end": "12-31"},
        "participant": {
            "section16_officer": draw(maybe(st.booleans())),
            "executive_officer": draw(maybe(st.booleans())),
            "executive_officer_since": draw(maybe(DATES)),
            "positions": draw(maybe(st.lists(st.sampled_from(["CEO", "CFO", "GC", "CRO"]),
                                             max_size=2, unique=True))),
            "work_location": draw(maybe(st.sampled_from(["US-CA", "US-NY", "US-TX", "SE-AB"]))),
        },
        "statements": statements,
        "restatement": draw(st.one_of(st.none(), st.fixed_dictionaries({
            "material": maybe(st.booleans()),
            "kind": maybe(st.sampled_from(["big_r", "little_r"])),
            "required_date": maybe(DATES),
            "due_to_misconduct": maybe(st.booleans()),
        }))),
        "awards": [draw(awards(statement_ids, i)) for i in range(count)],
        "findings": {
            "misconduct": draw(maybe(st.sampled_from(["fraud", "intentional_misconduct",
                                                      "gross_negligence", "none"]))),
            "caused_restatement": draw(maybe(st.sampled_from(["caused", "partially",
                                                              "not_caused"]))),
            "should_repay": draw(maybe(st.booleans())),
            "impracticable": draw(st.one_of(st.none(), st.none(), st.sampled_from(
                ["cost_exceeds_recovery", "home_country_law", "tax_qualified_plan"]))),
            "recovery_cost": draw(maybe(MONEY)),
        },
        "law": {
            "recovery_prohibited": draw(maybe(st.booleans(), 0)),
            "prohibited_remedies": draw(maybe(st.lists(st.sampled_from(
                ["repayment", "cancellation"]), max_size=2, unique=True), 0)),
        },
        "stock_sales": draw(maybe(st.lists(st.fixed_dictionaries({
            "date": DATES, "proceeds": MONEY, "profit": MONEY}), max_size=3))),
    }
