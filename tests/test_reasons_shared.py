"""A reason that reads no award is written once a run and its words taken for every other
award decided under the same rules (evaluate/reasons.py, `SHARED`); the determinations are
byte-identical to those that write each reason for itself (`SHARED = False`, the
reference): on every shipped example (the three policies), on the benchmark's batches
(benchmarks/generate.py: its mixed batch, where awards share most, and single-award cases)
under the 2019 and the revised policy, and on generated cases. CLAWPOLICY_FUZZ=long takes
larger batches and more generated cases."""

from __future__ import annotations

import pytest
from hypothesis import given

from clawpolicy.api import compile_policy, evaluate, read_case
from clawpolicy.evaluate import depends, reasons
from clawpolicy.render import json as json_render
from clawpolicy.render import layout
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, REVISION_CASES, generator
from tests.strategies import LONG, cases, fuzzed
from tests.test_properties import as_case
from tests.test_search import BATCHES, batch_agrees  # run.py's mixed batch, single-award cases


def both(policy, loaded) -> tuple[str, str]:
    """The determination's JSON and text memo with the reasons shared, then written one by
    one."""
    return written(policy, loaded, True), written(policy, loaded, False)


def written(policy, loaded, shared: bool) -> str:
    reasons.SHARED = shared
    try:
        determination = evaluate(policy, loaded)
        return json_render.render(determination) + layout.text(determination)
    finally:
        reasons.SHARED = True


@pytest.mark.parametrize("case_path", EXAMPLE_CASES + REVISION_CASES, ids=lambda p: p.stem)
def test_examples(case_path, qualys_2019, qualys_revised):
    policy = qualys_revised if case_path in REVISION_CASES else qualys_2019
    shared, reference = both(policy, read_case(case_path))
    assert shared == reference


@pytest.fixture(scope="module")
def company_policies():
    return {path: compile_policy(path) for path in {p for p, _ in COMPANY_CASES}}


@pytest.mark.parametrize("policy_path,case_path", COMPANY_CASES,
                         ids=lambda p: getattr(p, "stem", None))
def test_company_examples(policy_path, case_path, company_policies):
    policy = company_policies[policy_path]
    shared, reference = both(policy, read_case(case_path, policy.vocabulary))
    assert shared == reference


@pytest.mark.parametrize("batch", BATCHES, ids=lambda b: f"{b[0]}-seed{b[1]}-{b[3]}awards")
@pytest.mark.parametrize("revised", [False, True], ids=["2019", "revised"])
def test_benchmark_batches(batch, revised, qualys_2019, qualys_revised):
    batch_agrees(both, qualys_revised if revised else qualys_2019, batch)


@fuzzed(3)
@given(cases(max_awards=4 if LONG else 3))
def test_generated(qualys_revised, data):
    shared, reference = both(qualys_revised, as_case(data))
    assert shared == reference


def test_the_mixed_batch_shares_words(qualys_2019, monkeypatch):
    """Not the reference compared with itself: on a case of many awards, most reasons that
    read no award are taken, not written again."""
    calls = []
    write = reasons.Reason.written
    monkeypatch.setattr(reasons.Reason, "written", lambda self: calls.append(1) or write(self))
    data = next(d for d in generator()(12, 2024, 1, 20) if len(d["awards"]) >= 10)
    written(qualys_2019, as_case(data), True)
    shared = len(calls)
    calls.clear()
    written(qualys_2019, as_case(data), False)
    assert shared < len(calls) * 0.8


def test_a_reason_reading_the_award_is_not_shared(qualys_2019):
    """What reads the award (its amounts, its dates) is the award's own; what reads only the
    Committee's findings, or the restatement, is the same for every award."""
    from clawpolicy.evaluate.decide import Determiner

    policy = qualys_2019
    rules = Determiner(policy, None, {}).rules([])
    body = {name: policy.rule(name).body for name in (
        "committee_finds_fault_and_repayment_due", "material_restatement",
        "would_have_been_less", "within_three_years_of_filing")}
    assert depends.reads_no_item(policy, rules, body["committee_finds_fault_and_repayment_due"])
    assert depends.reads_no_item(policy, rules, body["material_restatement"])
    assert not depends.reads_no_item(policy, rules, body["would_have_been_less"])
    assert not depends.reads_no_item(policy, rules, body["within_three_years_of_filing"])
