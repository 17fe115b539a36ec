"""The reasons' words compiled once per policy (evaluate/wording.py) are the reference's
(evaluate/explain.py's `Explainer` with `explain.COMPILED = False`), word for word: every
reason a determination writes (each condition's, with the windows of dates it states, each
remedy's, the amount's and the notes) is written both ways from the same run, before the
determination is rendered, and the two compared; on every shipped example (the three
policies), on the benchmark's cases (benchmarks/generate.py: single-award cases and its
mixed batch) under the 2019 and the revised policy, and on generated cases.
CLAWPOLICY_FUZZ=long takes larger batches and more generated cases."""

from __future__ import annotations

import os

import pytest
from hypothesis import given

from clawpolicy.api import compile_policy, evaluate, read_case
from clawpolicy.evaluate import compiled, determine, explain, wording
from clawpolicy.evaluate.reasons import Reason
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, REVISION_CASES, generator
from tests.strategies import cases, fuzzed
from tests.test_explain_grouping import POLICY as GROUPING
from tests.test_properties import as_case

LONG = os.environ.get("CLAWPOLICY_FUZZ") == "long"

# (cases, seed, fewest awards, most awards): generate.py's, as run.py and batch_costs.py
# take them.
BATCHES = [(1200 if LONG else 240, 7, 1, 1), (40 if LONG else 8, 11, 1, 20)]


def _recorded(result) -> list[Reason]:
    """The recorded reasons of an award's result, its conditions' and remedies' too."""
    found = []
    for model in (*result.conditions, *result.remedies, result):
        for name in model._reasons:
            value = model.__dict__[name]
            found.extend(v for v in (value if type(value) is list else [value])
                         if type(v) is Reason)
        found.extend(v for v in (model.__pydantic_private__ or {}).values()
                     if type(v) is Reason)
    return found


def _comparing():
    """`determine.rendered` with every reason of the result written both ways first, from
    the same run: by the reference, then by the compiled words. The pairs that differ are
    kept (`differ`), and how many were compared (`counted`)."""
    differ: list[tuple[str, object, object]] = []
    counted = [0]
    rendered = determine.rendered

    def both(result):
        for reason in _recorded(result):
            explain.COMPILED = False
            try:
                reference = reason.written()
            finally:
                explain.COMPILED = True
            fast = reason.written()
            counted[0] += 1
            if fast != reference:
                differ.append((type(reason.node).__name__, fast, reference))
        return rendered(result)

    both.differ, both.counted, both.rendered = differ, counted, rendered
    return both


@pytest.fixture
def compare(monkeypatch):
    """Every reason the determinations made under it write, compared (`_comparing`)."""
    both = _comparing()
    monkeypatch.setattr(determine, "rendered", both)
    return both


def _agree(compare, policy, loaded) -> None:
    evaluate(policy, loaded)
    assert not compare.differ, compare.differ[:3]


@pytest.mark.parametrize("case_path", EXAMPLE_CASES + REVISION_CASES, ids=lambda p: p.stem)
def test_examples(case_path, qualys_2019, qualys_revised, compare):
    policy = qualys_revised if case_path in REVISION_CASES else qualys_2019
    _agree(compare, policy, read_case(case_path))


@pytest.fixture(scope="module")
def company_policies():
    return {path: compile_policy(path) for path in {p for p, _ in COMPANY_CASES}}


@pytest.mark.parametrize("policy_path,case_path", COMPANY_CASES,
                         ids=lambda p: getattr(p, "stem", None))
def test_company_examples(policy_path, case_path, company_policies, compare):
    policy = company_policies[policy_path]
    _agree(compare, policy, read_case(case_path, policy.vocabulary))


@pytest.mark.parametrize("batch", BATCHES, ids=lambda b: f"{b[0]}-seed{b[1]}-{b[3]}awards")
@pytest.mark.parametrize("revised", [False, True], ids=["2019", "revised"])
def test_benchmark_batches(batch, revised, qualys_2019, qualys_revised, compare):
    policy = qualys_revised if revised else qualys_2019
    size = batch[0] if not revised else max(batch[0] // 4, 4)  # the revised policy: slower
    for data in generator()(size, *batch[1:]):
        evaluate(policy, as_case(data))
        assert not compare.differ, (data["case_id"], compare.differ[:3])
    assert compare.counted[0] >= size  # a few hundred reasons a run, at the least


@fuzzed(60)
@given(cases(max_awards=4 if LONG else 3))
def test_generated(qualys_2019, data):
    _generated_agree(qualys_2019, data)


def _generated_agree(policy, data) -> None:
    """`compare` for a property test (whose function-scoped fixtures hypothesis refuses)."""
    both = determine.rendered = _comparing()
    try:
        evaluate(policy, as_case(data))
    finally:
        determine.rendered = both.rendered
    assert not both.differ, both.differ[:3]


# What the shipped policies seldom or never say: a condition's `if` on a fact not known
# (whose dates bound nothing), an `if` and a negation inside arithmetic, a quantifier's
# variable named, a field of a record the case leaves out (`performance_period`), a named
# date rule under an `if` on a fact not known and then alone (its words written once for
# the award, its windows recorded where a condition requires it: wording._once); with
# tests/test_explain_grouping.py's arithmetic.
RARE = '''policy "Wording Co. Clawback Policy"
  effective 2020-03-01
end

define material as restatement is present and restatement.material end

define restated_less as award.amount_as_restated < award.amount_awarded end

condition material_if_known
  clause "Section 1"
  quote "if material"
  requires if material then award.granted >= effective_date and restated_less
           else false
end

condition statements_listed
  clause "Section 2"
  quote "statements"
  requires any(s in award.statements satisfies s.restated is known and s.restated)
       and any(b in award.basis satisfies b in {financial_results, tsr})
end

condition period_known
  clause "Section 3"
  quote "period"
  requires award.performance_period.start is known
end

define in_window as award.granted >= effective_date end

condition window_if_material
  clause "Section 7"
  quote "in the window, if material"
  requires if material then in_window else false
end

condition in_the_window
  clause "Section 8"
  quote "in the window"
  requires in_window
end

condition either_way
  clause "Section 6"
  quote "either way"
  requires (if material then award.granted >= effective_date
            else award.granted >= effective_date)
       and award.kind != discretionary_bonus
end

recoverable excess
  clause "Section 4"
  quote "the excess"
  is max(award.amount_awarded - (if material then award.amount_as_restated
                                 else award.amount_paid), 0)
end

remedy repay
  clause "Section 5"
  quote "shall repay"
  shall recover up to excess
end
'''


@pytest.fixture(scope="module")
def rare_policies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wording")
    found = []
    for name, text in (("rare", RARE), ("grouping", GROUPING)):
        path = folder / f"{name}.claw"
        path.write_text(text, encoding="utf-8")
        found.append(compile_policy(path))
    return found


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_rare_constructs_on_the_examples(case_path, rare_policies, compare):
    for policy in rare_policies:
        _agree(compare, policy, read_case(case_path))


@fuzzed(5)
@given(cases(max_awards=2))
def test_rare_constructs_generated(rare_policies, data):
    for policy in rare_policies:
        _generated_agree(policy, data)


def test_the_compiled_words_are_the_ones_written(qualys_2019, monkeypatch):
    """Not the reference compared with itself: with the compiled evaluator, the reasons are
    written by the compiled words, and with `COMPILED = False` by the reference alone."""
    made = []
    monkeypatch.setattr(explain, "wording", lambda table: made.append(table) or
                        wording.wording(table))
    determination = evaluate(qualys_2019, read_case(EXAMPLE_CASES[0]))
    assert made and all(m is compiled.compiled(qualys_2019, True) for m in made)
    made.clear()
    monkeypatch.setattr(explain, "COMPILED", False)
    assert evaluate(qualys_2019, read_case(EXAMPLE_CASES[0])) == determination
    assert not made
