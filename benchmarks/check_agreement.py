"""Do the floor (floor.py) and the Rego peer (qualys_2019.rego) agree with clawpolicy?

For N seeded generated cases (and the shipped examples under examples/cases/, and hand-made
cases at the edges of the rules), every award's
outcome and recoverable amount is compared:
- floor vs clawpolicy: outcome, and the amount exactly (Decimal, USD in cents), and the
  case's outcome;
- Rego vs the floor's three-valued evaluation (`floor.evaluate(case, exact=False)`: the
  Rego peer does not apply the exactness rule): outcome, and the amount after rounding Rego's
  binary float to cents (Rego numbers are floats, so 45127.97999999998 is taken as 45127.98).
It also checks that the batch holds every outcome, per award and per case. Exits 1 on any
disagreement (printing the first few, with the case), 0 otherwise.

    python benchmarks/check_agreement.py --cases 2000 --seed 1
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import floor  # noqa: E402
from generate import generate  # noqa: E402
from rego_peer import RegoPeer, available  # noqa: E402

OUTCOMES = ("recovery", "no_recovery", "pending", "not_covered")
CENT = Decimal("0.01")


def rego_amount(value) -> Decimal | None:
    """A Rego float as an amount in cents (the comparison is after this rounding)."""
    if value is None:
        return None
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def plain(value):
    """Dates as ISO text, as in a JSON case file."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def hypothesis_cases(n: int, seed: int) -> list[dict]:
    """`n` cases drawn by the test suite's own strategy (tests/strategies.py): unknowns
    anywhere, any mix; less realistic than generate.py, and so a harder test."""
    sys.path.insert(0, str(common.ROOT))
    from hypothesis import HealthCheck, given, seed as hseed, settings

    from tests.strategies import cases as case_strategy

    drawn: list[dict] = []

    @hseed(seed)
    @settings(max_examples=n, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(case_strategy(max_awards=6))
    def collect(case):
        case = plain(case)
        case["case_id"] = f"hypothesis-{len(drawn)}"
        drawn.append(case)

    collect()
    return drawn


def example_cases() -> list[dict]:
    """The shipped example cases of the Qualys 2019 policy, as JSON-shaped dicts."""
    import yaml

    return [plain(yaml.safe_load(path.read_text(encoding="utf-8")))
            for path in sorted(common.EXAMPLES.glob("*.yaml"))]


def edge_cases() -> list[dict]:
    """Hand-made cases at the edges of the rules: the three-year boundary (and 29 February),
    the effective date, false beating unknown, missing records and keys, remedies barred,
    amounts as JSON numbers, fractions of a cent and of a share."""
    def base(case_id: str, **changes) -> dict:
        case = {
            "case_id": case_id, "as_of": "2023-02-28",
            "participant": {"section16_officer": True},
            "statements": [{"id": "FY2019", "original_filing_date": "2020-02-29",
                            "restated": True}],
            "restatement": {"material": True},
            "awards": [{"id": "a", "kind": "cash_incentive", "basis": ["financial_results"],
                        "granted": "2019-02-08", "calculated_on": ["FY2019"], "unit": "USD",
                        "amount_awarded": "500000.00", "amount_paid": "300000.00",
                        "amount_as_restated": "350000.00"}],
            "findings": {"misconduct": "fraud", "caused_restatement": "caused",
                         "should_repay": True},
            "law": {"recovery_prohibited": False, "prohibited_remedies": []},
        }
        for path, value in changes.items():
            *parents, last = path.split("__")
            target = case
            for part in parents:
                target = target[int(part)] if isinstance(target, list) else target[part]
            if value is _DROP:
                del target[last]
            else:
                target[last] = value
        return case

    s0 = "statements__0__"
    a0 = "awards__0__"
    return [
        base("edge-leap-day-last-day"),                                   # 2020-02-29 + 3y = 2023-02-28
        base("edge-leap-day-past", as_of="2023-03-01"),
        base("edge-exactly-three-years", as_of="2024-03-01",
             **{s0 + "original_filing_date": "2021-03-01"}),
        base("edge-three-years-and-a-day", as_of="2024-03-02",
             **{s0 + "original_filing_date": "2021-03-01"}),
        base("edge-granted-day-before", **{a0 + "granted": "2019-02-07"}),
        base("edge-both-remedies-barred", law__prohibited_remedies=["repayment", "cancellation"]),
        base("edge-repayment-barred", law__prohibited_remedies=["repayment"]),
        base("edge-cancellation-barred", law__prohibited_remedies=["cancellation"]),
        base("edge-remedies-unknown", law__prohibited_remedies=None),
        base("edge-paid-unknown", **{a0 + "amount_paid": None}),
        base("edge-nothing-paid", **{a0 + "amount_paid": "0"}),
        base("edge-law-unknown", law__recovery_prohibited=None),
        base("edge-law-prohibits", law__recovery_prohibited=True),
        base("edge-no-restatement-rest-unknown", restatement=None, findings=None,
             **{a0 + "amount_as_restated": None, s0 + "restated": None}),
        base("edge-officer-unknown-condition-false", participant={"section16_officer": None},
             restatement={"material": False}),
        base("edge-officer-unknown", participant=None),
        base("edge-kind-unknown-basis-service", **{a0 + "kind": None, a0 + "basis": ["service"]}),
        base("edge-kind-unknown", **{a0 + "kind": None}),
        base("edge-basis-unknown", **{a0 + "basis": None}),
        base("edge-not-less", **{a0 + "amount_as_restated": "500000.00"}),
        base("edge-more-as-restated", **{a0 + "amount_as_restated": "600000"}),
        base("edge-no-statements-listed", **{a0 + "calculated_on": []}),
        base("edge-statements-unknown", **{a0 + "calculated_on": None}),
        base("edge-restated-unknown", **{s0 + "restated": None}),
        base("edge-filing-unknown", **{s0 + "original_filing_date": None}),
        base("edge-filing-unknown-not-restated", **{s0 + "restated": False,
                                                    s0 + "original_filing_date": None}),
        base("edge-json-numbers", **{a0 + "amount_awarded": 500000, a0 + "amount_paid": 300000,
                                     a0 + "amount_as_restated": 350000}),
        base("edge-fraction-of-a-cent", **{a0 + "amount_awarded": "1000.125",
                                           a0 + "amount_paid": "1000.125",
                                           a0 + "amount_as_restated": "0"}),
        base("edge-fraction-of-a-share", **{a0 + "unit": "shares", a0 + "amount_awarded": "100.5",
                                            a0 + "amount_paid": "50", a0 + "amount_as_restated": "0"}),
        base("edge-sparse-award", **{a0 + "unit": _DROP, a0 + "amount_paid": _DROP,
                                     a0 + "basis": _DROP}),
        base("edge-misconduct-none", findings={"misconduct": "none", "caused_restatement": None,
                                               "should_repay": None}),
        base("edge-should-repay-unknown", findings__should_repay=None),
        base("edge-material-unknown", restatement={"material": None}),
        base("edge-two-statements", statements=[
            {"id": "FY2019", "original_filing_date": "2020-02-29", "restated": None},
            {"id": "FY2020", "original_filing_date": "2021-02-20", "restated": True}],
             **{a0 + "calculated_on": ["FY2019", "FY2020"]}),
    ]


_DROP = object()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--awards-min", type=int, default=1)
    parser.add_argument("--awards-max", type=int, default=20)
    parser.add_argument("--no-rego", action="store_true", help="check the floor only")
    parser.add_argument("--no-examples", action="store_true",
                        help="leave out the shipped examples/cases and the edge cases")
    parser.add_argument("--hypothesis", type=int, default=0, metavar="N",
                        help="also N cases from the test suite's hypothesis strategy")
    parser.add_argument("--show", type=int, default=3, help="how many disagreements to print")
    args = parser.parse_args(argv)

    policy = common.compile_policy()
    peer = None
    if not args.no_rego:
        why = available()
        if why:
            print(f"error: {why} (or pass --no-rego)", file=sys.stderr)
            return 2
        peer = RegoPeer()

    cases = list(generate(args.cases, args.seed, args.awards_min, args.awards_max))
    extra = 0
    if not args.no_examples:
        more = example_cases() + edge_cases()
        cases += more
        extra = len(more)
    if args.hypothesis:
        more = hypothesis_cases(args.hypothesis, args.seed)
        cases += more
        extra += len(more)

    award_mix: collections.Counter = collections.Counter()
    case_mix: collections.Counter = collections.Counter()
    disagreements: list[tuple[str, dict, str]] = []
    n_awards = 0
    for case in cases:
        determination = common.evaluate(policy, common.prevalidate(case))
        ours = common.award_results(determination)
        case_mix[determination.outcome] += 1
        for _, outcome, _ in ours:
            award_mix[outcome] += 1
        n_awards += len(ours)

        problems = []
        hand = floor.evaluate(case)
        if [(i, o, a) for i, o, a in hand] != ours:
            problems.append(("floor", _diff(ours, hand, exact=True)))
        elif floor.case_outcome([o for _, o, _ in hand]) != determination.outcome:
            problems.append(("floor", f"case outcome {floor.case_outcome([o for _, o, _ in hand])}"
                                      f" vs clawpolicy's {determination.outcome}"))
        if peer is not None:  # Rego evaluates three-valued only: against the floor's
            theirs = [(r["id"], r["outcome"], rego_amount(r["recoverable"]))
                      for r in peer.evaluate(case)]
            rounded = [(i, o, cents(a)) for i, o, a in floor.evaluate(case, exact=False)]
            if theirs != rounded:
                problems.append(("rego", _diff(rounded, theirs, exact=False)))
        for who, what in problems:
            disagreements.append((who, case, what))

    print(f"{len(cases)} cases ({args.cases} generated with seed {args.seed}, "
          f"{args.awards_min}-{args.awards_max} awards each"
          f"{'' if not extra else f', and {extra} more (examples, edge cases, hypothesis)'}), "
          f"{n_awards} awards")
    print("award outcomes: " + ", ".join(
        f"{o} {award_mix[o]} ({award_mix[o] / max(n_awards, 1):.1%})" for o in OUTCOMES))
    print("case outcomes:  " + ", ".join(
        f"{o} {case_mix[o]} ({case_mix[o] / max(len(cases), 1):.1%})" for o in OUTCOMES))
    checked = "the floor" + ("" if peer is None else " and the Rego peer (amounts rounded to cents)")
    failed = False
    missing = [o for o in OUTCOMES if not award_mix[o] or not case_mix[o]]
    if missing:
        print(f"FAIL: the batch lacks the outcome(s) {', '.join(missing)} (per award or per case)")
        failed = True
    if disagreements:
        by_who = collections.Counter(who for who, _, _ in disagreements)
        print(f"FAIL: {checked} disagree with clawpolicy on "
              + ", ".join(f"{n} case(s) ({who})" for who, n in by_who.items()))
        for who, case, what in disagreements[:args.show]:
            print(f"\n--- {who}: case {case.get('case_id')}: {what}")
            print(json.dumps(case, indent=1))
        failed = True
    if not failed:
        print(f"OK: {checked} agree with clawpolicy on every award's outcome and amount, "
              "and on every case's outcome")
    return 1 if failed else 0


def _diff(ours, theirs, exact: bool) -> str:
    if len(ours) != len(theirs):
        return f"{len(theirs)} awards vs clawpolicy's {len(ours)}"
    parts = []
    for (i, o, a), (j, p, b) in zip(ours, theirs):
        if (i, o, a) != (j, p, b):
            parts.append(f"award {i}: clawpolicy {o} {a}, other {j} {p} {b}")
    return "; ".join(parts)


if __name__ == "__main__":
    raise SystemExit(main())
