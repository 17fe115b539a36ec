"""Differential tests: the compiled evaluator (evaluate/compiled.py) gives determinations
byte-identical to the tree walk (evaluate/expressions.py), the executable reference, on every
shipped example (every company's) and on generated cases. Through the whole determination,
a CI run: 1,040 of the benchmark's cases (1,000 under the 2019 policy, 40 under the revised)
and 63 of Hypothesis's, whose facts are unknown more often (60 of the Qualys policies, 3 of
the other companies'). Through the three-valued runs alone (with reasons and without, as
open questions are answered): 1,000 of Hypothesis's under the Qualys policies and 100 under
the other companies' (Northrop Grumman's, ICF's). Ten times as many, at random, with
CLAWPOLICY_FUZZ=long.
Also with the compiler knowing no node kind at all, which is how a construct added to the
language is evaluated until it is compiled too."""

from __future__ import annotations

import decimal

import pytest
from hypothesis import given

from clawpolicy.api import evaluate, policy_facts, read_case, read_case_data
from clawpolicy.core.diagnostics import DiagnosticError
from clawpolicy.evaluate import compiled
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.determine import ARITHMETIC
from clawpolicy.render import json as json_render
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, REVISION_CASES
from tests.strategies import cases, fuzzed, scaled, seeded
from tests.test_properties import as_case



def both(policy, loaded) -> tuple[str, str]:
    """The determination's JSON by the compiled path, then by the reference alone."""
    assert compiled.ENABLED, "CLAWPOLICY_EVALUATOR=reference: nothing to compare"
    fast = json_render.render(evaluate(policy, loaded))
    compiled.ENABLED = False
    try:
        reference = json_render.render(evaluate(policy, loaded))
    finally:
        compiled.ENABLED = True
    return fast, reference


def test_the_compiled_path_is_taken(qualys_2019):
    """Not a comparison of the reference with itself: the closures are made and called."""
    loaded = read_case(EXAMPLE_CASES[0])
    evaluate(qualys_2019, loaded)
    table = compiled.compiled(qualys_2019, memo=True)
    assert table is not None and table.closures


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_examples_2019(case_path, qualys_2019):
    fast, reference = both(qualys_2019, read_case(case_path))
    assert fast == reference


@pytest.mark.parametrize("case_path", REVISION_CASES, ids=lambda p: p.stem)
def test_examples_revised(case_path, qualys_revised):
    fast, reference = both(qualys_revised, read_case(case_path))
    assert fast == reference


@pytest.mark.parametrize("policy_path,case_path", COMPANY_CASES, ids=lambda p: p.stem)
def test_examples_of_other_companies(policy_path, case_path, company_policies):
    """Northrop Grumman's and ICF's policies: other rules, facts of their own, revisions."""
    fast, reference = both(company_policies[policy_path], read_case(case_path))
    assert fast == reference


@pytest.mark.parametrize("case_path", EXAMPLE_CASES[:6] + REVISION_CASES[:6],
                         ids=lambda p: p.stem)
def test_a_kind_the_compiler_does_not_know_falls_back_to_the_reference(
        case_path, qualys_2019, qualys_revised, monkeypatch):
    policy = qualys_revised if case_path in REVISION_CASES else qualys_2019
    loaded = read_case(case_path)
    _, reference = both(policy, loaded)
    monkeypatch.setattr(compiled, "_MAKERS", {})
    monkeypatch.setattr(compiled, "_TABLES", compiled.weakref.WeakKeyDictionary())
    assert json_render.render(evaluate(policy, loaded)) == reference
    assert compiled.compiled(policy, memo=True).closures  # every node through the fallback


def runs(policy, loaded) -> str:
    """The three-valued runs over the case, with reasons and without (as an open question's
    answers are evaluated), before the exactness rule settles them: what the compiled closures
    compute, at a fraction of the cost of a whole determination."""
    facts = policy_facts(policy, loaded)
    with decimal.localcontext(ARITHMETIC):
        out = []
        for reasons in (True, False):
            try:
                run = Determiner(policy, loaded.case, facts).run(reasons=reasons)
            except DiagnosticError as error:
                out.append(repr(error.diagnostics))
                continue
            out += [e.result.model_dump_json() for e in run.awards]
            out += [repr((e.unknowns, e.recoverable, e.bound, sorted(e.reads)))
                    for e in run.awards]
            out.append(repr((run.outcome, run.totals(), run.unknowns, run.applied,
                             [o.model_dump_json() for o, _ in run.others],
                             run.evaluator.pivots)))
    return "\n".join(out)


def both_runs(policy, loaded) -> tuple[str, str]:
    fast = runs(policy, loaded)
    compiled.ENABLED = False
    try:
        return fast, runs(policy, loaded)
    finally:
        compiled.ENABLED = True


def _generated(policy, data, compare) -> None:
    fast, reference = compare(policy, as_case(data))
    assert fast == reference


@fuzzed(600)
@given(cases(max_awards=4))
def test_generated_runs_2019(qualys_2019, data):
    _generated(qualys_2019, data, both_runs)


@fuzzed(400)
@given(cases(max_awards=4))
def test_generated_runs_revised(qualys_revised, data):
    _generated(qualys_revised, data, both_runs)


@fuzzed(100)
@given(cases(max_awards=4))
def test_generated_runs_of_other_companies(company_policies, data):
    """The generated cases (the case format's own fields) through the other companies'
    policies, whose own facts they leave unknown (a date of adoption, shares disposed of)."""
    for path in sorted(company_policies):
        _generated(company_policies[path], data, both_runs)


@fuzzed(50)
@given(cases(max_awards=2))
def test_generated_determinations_2019(qualys_2019, data):
    _generated(qualys_2019, data, both)


@fuzzed(10)
@given(cases(max_awards=2))
def test_generated_determinations_revised(qualys_revised, data):
    _generated(qualys_revised, data, both)


@fuzzed(3)
@given(cases(max_awards=2))
def test_generated_determinations_of_other_companies(company_policies, data):
    for path in sorted(company_policies):
        _generated(company_policies[path], data, both)


# The benchmark's generated cases (benchmarks/generate.py: realistic facts, about a fifth of
# them pending, a few facts unknown), each whole determination against the tree walk's: 1,040
# a CI run, drawn from fixed seeds; ten times as many, from fresh seeds, in the long profile.
# The revised policy's are fewer: its searches past the bound cost the tree walk seconds.
BATCHES = [("2019", 700, 1, 1, 31), ("2019", 300, 1, 6, 32), ("revised", 40, 1, 3, 33)]


@pytest.mark.parametrize("which,count,low,high,seed", BATCHES,
                         ids=lambda v: str(v) if isinstance(v, str) else None)
def test_benchmark_cases_whole_determinations(which, count, low, high, seed, qualys_2019,
                                               qualys_revised):
    from tests.conftest import generator

    policy = qualys_2019 if which == "2019" else qualys_revised
    drawn = seeded(seed).randrange(2**32)
    batch = generator()(scaled(count), drawn, low, high)
    for data in batch:
        fast, reference = both(policy, read_case_data(data))
        assert fast == reference, f"{data['case_id']} of generate_list(seed={drawn})"


def test_each_rule_knows_the_facts_it_can_read(qualys_2019):
    """Open questions by dependency: a rule is evaluated again for an answer only if it can
    read the fact answered, through the named rules it uses and the derived facts."""
    from clawpolicy.evaluate.depends import RuleValues
    from clawpolicy.revise import rules as rs

    base = rs.composed(qualys_2019, [])
    values = RuleValues(qualys_2019)
    reads = {e.rule.name: values.reads(base, e.rule.body)
             for kind in ("scope", "condition") for e in base.of(kind)}
    assert reads["within_three_years_of_filing"] == {
        "statements", "calculated_on", "restated", "as_of", "original_filing_date"}
    assert reads["incentive"] == {"kind", "basis"}  # through incentive_compensation
    # The flag, or a statutory role Section 16 binds (each role's `role`).
    assert reads["covered_participant"] == {"participant", "section16_officer", "roles", "role"}
    body = next(e.rule.body for e in base.of("condition") if e.rule.name == "permitted_by_law")
    values.put(base, "awards[0]", body, True)
    assert values.get(base, "awards[0]", body, {"findings.should_repay": True}) is True
    assert values.get(base, "awards[0]", body, {"law.recovery_prohibited": True}) \
        is not True  # an answer it reads: evaluated again


# The specialised closures (compiled.py: comparisons, membership, sums, min and max, `and`
# and `or`) on operands the policies never give them, each against the reference's value or
# error: two units, a plain number beside an amount, amounts equal but written apart, a sum
# past the 80 digits.
def _specialised_cases():
    import datetime as dt
    from decimal import Decimal

    from clawpolicy.syntax import ast

    usd = lambda v: ast.MoneyLit(Decimal(v), "USD")  # noqa: E731
    eur = lambda v: ast.MoneyLit(Decimal(v), "EUR")  # noqa: E731
    big = ast.MoneyLit(Decimal("9" * 80), "USD")
    return [
        ast.Binary("<", usd("1"), eur("2")),
        ast.Binary("=", ast.Number(Decimal("1")), usd("1.00")),
        ast.Binary(">=", usd("1.0"), usd("1.00")),
        ast.Binary("!=", ast.Text("a"), ast.Text("b")),
        ast.Binary("in", ast.Text("a"), ast.SetLit((usd("1"), ast.Text("a")))),
        ast.Binary("not in", ast.Text("b"), ast.SetLit((ast.Text("a"),))),
        ast.Binary("in", ast.Number(Decimal("1")), ast.SetLit((usd("1"),))),
        ast.Binary("-", usd("5"), eur("7")),
        ast.Binary("-", usd("0"), usd("0.00")),
        ast.Binary("+", usd("5"), ast.Number(Decimal("2"))),
        ast.Binary("+", big, usd("0.5")),
        ast.Call("max", (usd("1"), ast.Number(Decimal("3")))),
        ast.Call("min", (ast.DateLit(dt.date(2021, 3, 1)), ast.DateLit(dt.date(2020, 3, 1)))),
        ast.Binary("+", ast.DateLit(dt.date(2020, 2, 29)), ast.DurationLit(3, "years")),
        ast.Binary("-", ast.DateLit(dt.date(2020, 3, 31)), ast.DurationLit(1, "months")),
        ast.Binary("+", ast.DateLit(dt.date(9999, 12, 1)), ast.DurationLit(1, "months")),
        ast.Binary("overlaps", ast.SetLit((ast.Text("a"), ast.Text("b"))),
                   ast.SetLit((ast.Text("c"), ast.Text("b")))),
        ast.Binary("overlaps", ast.SetLit((ast.Text("a"),)), ast.SetLit((ast.Text("c"),))),
        ast.Binary("overlaps", ast.SetLit((ast.Number(Decimal("1")),)), ast.SetLit((usd("1"),))),
        ast.Call("min", (ast.Number(Decimal("0.5")), usd("1.00"), ast.Number(Decimal("3")))),
        ast.Call("max", (ast.Number(Decimal("1")), usd("1"), eur("2"))),
        ast.Call("min", (usd("1"), eur("2"))),
        ast.Call("min", (usd("1.0"), usd("1.00"), usd("2"))),
        ast.Call("max", (ast.Number(Decimal("1")), ast.Number(Decimal("2")))),
        ast.Logical("and", ast.Bool(True), ast.Bool(True)),
        ast.Logical("or", ast.Bool(False), ast.Bool(False)),
        ast.Logical("or", ast.Bool(False), ast.Bool(True)),
    ]


@pytest.mark.parametrize("node", _specialised_cases(), ids=repr)
def test_specialised_closures_agree_with_the_reference(node, qualys_2019):
    from clawpolicy.evaluate.env import Env
    from clawpolicy.evaluate.expressions import Evaluator
    from clawpolicy.revise.rules import composed

    loaded = read_case(EXAMPLE_CASES[0])
    facts = policy_facts(qualys_2019, loaded)

    def value(fast: bool) -> str:
        ev = Evaluator(qualys_2019, loaded.case, facts)
        ev.compiled = compiled.Compiled(qualys_2019, memo=False) if fast else None
        try:
            with decimal.localcontext(ARITHMETIC):
                found = ev.eval_t(node, Env(composed(qualys_2019, [])))
        except DiagnosticError as error:
            return repr(error.diagnostics)
        return f"{found!r} {type(found).__name__}"

    assert value(True) == value(False)


# `min` and `max` of a tracked amount (compiled._tracked_extreme: the exactness search's
# runs), against the reference's `call_of`: the value, how it moves with the answer, and the
# thresholds noted where the pick changes hands; with a plain number, an amount in another
# unit (the reference's error), a second fact tracked, and a tracked date (the reference's).
def _tracked_extremes():
    import datetime as dt
    from decimal import Decimal

    from clawpolicy.core.values import Money

    usd, eur = (lambda v: Money(Decimal(v), "USD")), (lambda v: Money(Decimal(v), "EUR"))
    return [
        ("max", "f", [usd("30")]),
        ("min", "f", [usd("30"), usd("55.5")]),
        ("min", "f", [Decimal("12")]),
        ("max", "f", [usd("40.00")]),  # equal to the sample: the first of equal ones
        ("min", "f", [eur("30")]),
        ("max", "f", ["g"]),
        ("min", "d", [dt.date(2021, 6, 30)]),
    ]


@pytest.mark.parametrize("function,fact,others", _tracked_extremes(), ids=repr)
def test_tracked_min_and_max_agree_with_the_reference(function, fact, others, qualys_2019):
    import datetime as dt
    from decimal import Decimal

    from clawpolicy.evaluate.env import Env
    from clawpolicy.evaluate.expressions import Evaluator
    from clawpolicy.evaluate.tracking import Scale, Tracked, Tracker, decimal_scale
    from clawpolicy.revise.rules import composed
    from clawpolicy.syntax import ast

    loaded = read_case(EXAMPLE_CASES[0])
    facts = policy_facts(qualys_2019, loaded)
    answers = {"f": [Decimal(v) for v in ("0", "11.99", "12", "30", "30.01", "55.5", "99")],
               "g": [Decimal(v) for v in ("0", "20", "80")],
               "d": [dt.date(2021, 1, 1), dt.date(2021, 6, 30), dt.date(2022, 1, 1)]}

    def run(fast: bool) -> str:
        tracker = Tracker({
            "f": decimal_scale(Decimal(0), Decimal(100), Decimal("0.01"), "USD"),
            "g": decimal_scale(Decimal(0), Decimal(100), Decimal("0.01"), "USD"),
            "d": Scale(dt.date(2020, 1, 1), dt.date(2022, 12, 31), dt.timedelta(days=1))})
        sample = {"f": Decimal("40"), "d": dt.date(2021, 3, 1)}[fact]
        values = [tracker.wrap(fact, sample),
                  *(tracker.wrap(o, Decimal("20")) if o == "g" else o for o in others)]
        node = ast.Call(function, tuple(ast.Number(Decimal(0)) for _ in values))
        ev = Evaluator(qualys_2019, loaded.case, facts, tracker=tracker)
        env = Env(composed(qualys_2019, []))
        try:
            with decimal.localcontext(ARITHMETIC):
                if fast:
                    found = compiled._extreme(node, [lambda ev, env, v=v: v for v in values])(
                        ev, env)
                else:
                    found = ev.call_of(node, values, env)
                if isinstance(found, Tracked):  # its value, and at each answer (of each
                    # fact, where it is computed from several)
                    several = isinstance(found.fact, tuple)
                    found = (found.value, found.fact, found.remember,
                             [found.forward[f](a) if several else found.forward(a)
                              for f in (found.fact if several else (found.fact,))
                              for a in answers[f]])
        except DiagnosticError as error:
            return repr(error.diagnostics)
        return repr((found, tracker.thresholds))

    assert run(True) == run(False)
