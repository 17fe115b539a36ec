"""The benchmark's three implementations of the Qualys 2019 rules agree (benchmarks/floor.py
by hand, benchmarks/qualys_2019.rego through regopy where it is installed, and clawpolicy),
as `benchmarks/check_agreement.py` and `run.py` check before anything is timed: on the
shipped examples, the hand-made edge cases and generated cases of the benchmark's mixed
batch. The floor and the peer are written beside the policy, not derived from it, so a rule
the policy or the vocabulary gains (a constraint on a statement's dates, the Committee's
amounts set per award) shows here as a disagreement, not first as a benchmark that stops
(run.py refuses to time implementations that disagree)."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import benchmark_modules

check_agreement, common, floor, generate, rego_peer = benchmark_modules(
    "check_agreement", "common", "floor", "generate", "rego_peer")
generate_list, RegoPeer = generate.generate_list, rego_peer.RegoPeer
available = rego_peer.available

# The mixed batch's cases (seed 2024) whose statements' filing dates are unknown, where the
# vocabulary's constraint (filed once the period has ended) settles the three years: 107
# and 122; with the first ones of the batch.
MIXED = (0, 1, 2, 3, 107, 122)


def _cases() -> list[dict]:
    batch = generate_list(max(MIXED) + 1, seed=2024, awards_min=1, awards_max=20)
    return (check_agreement.example_cases() + check_agreement.edge_cases()
            + [batch[i] for i in MIXED])


CASES = _cases()


@pytest.fixture(scope="module")
def policy():
    return common.compile_policy()


@pytest.mark.parametrize("case", CASES, ids=[c.get("case_id", "?") for c in CASES])
def test_the_floor_agrees_with_clawpolicy(case, policy):
    ours = common.award_results(common.evaluate(policy, common.prevalidate(case)))
    assert floor.evaluate(case) == ours


@pytest.mark.skipif(bool(available()),
                    reason="regopy is not installed (benchmarks/requirements.txt)")
def test_the_rego_peer_agrees_with_the_floors_three_valued_evaluation(monkeypatch):
    monkeypatch.setitem(sys.modules, "floor", floor)  # the peer reads the titles' table there
    peer = RegoPeer()
    for case in CASES:
        theirs = [(r["id"], r["outcome"], check_agreement.rego_amount(r["recoverable"]))
                  for r in peer.evaluate(case)]
        assert theirs == [(i, o, check_agreement.cents(a))
                          for i, o, a in floor.evaluate(case, exact=False)], case.get("case_id")
