"""`clawpolicy prove`: the SMT translation of the determination (clawpolicy/prove/).

What a user relies on: the shipped revisions are proved not to touch anyone outside their
sub-sets; a leaky revision is refuted with a counterexample case on which the evaluator
really differs; two policies are compared, optionally under a condition; and the translation
agrees with the evaluator on generated cases (differential testing: 40 cases in CI,
CLAWPOLICY_FUZZ=long runs ten times as many, fresh ones: tests/strategies.py)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import z3
from typer.testing import CliRunner

from clawpolicy import api
from clawpolicy.cli import app
from clawpolicy.prove import claims, observe
from clawpolicy.prove.calendar import day_number, from_day_number
from clawpolicy.prove.decide import Decider
from tests.strategies import cases, fuzzed, scaled, seeded

ROOT = Path(__file__).resolve().parent.parent
QUALYS = ROOT / "policies" / "qualys.claw"
QUALYS_2019 = ROOT / "policies" / "qualys-2019.claw"
LEAKY = ROOT / "tests" / "prove_policies" / "leaky" / "policy.claw"
LEAKY_INCLUDE = ROOT / "tests" / "prove_policies" / "leaky-include" / "policy.claw"
LEAKY_EXCUSE = ROOT / "tests" / "prove_policies" / "leaky-excuse" / "policy.claw"
ALTERNATIVES = ROOT / "tests" / "prove_policies" / "alternatives" / "policy.claw"
OUTSIDE_EVERY_SUBSET = (
    'not participant.executive_officer and participant.work_location != "US-CA" and '
    "every(r in participant.roles satisfies "
    "r.role not in {chief_executive_officer, chief_financial_officer, "
    "principal_accounting_officer, executive_officer, section16_officer})")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_the_shipped_revisions_touch_no_one_outside_their_sub_sets():
    result = run("prove", str(QUALYS))
    assert result.exit_code == 0, result.output
    for name in ("rule_10d1", "sox_304", "california_wage_law"):
        assert f"{name} touches no one outside its sub-set: proved for cases of one award, " \
            "up to 3 items of every other list (" in result.output
    assert "reads across the awards" not in result.output
    assert result.output.startswith("Bounds: cases of one item of the list decided item by "
                                    "item, up to 3 items of every other list")


def test_a_leaky_revision_is_refuted_with_a_case_the_evaluator_shows_differing(tmp_path):
    result = run("prove", str(LEAKY), "-o", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "new_york touches no one outside its sub-set: REFUTED" in result.output
    case_path = tmp_path / "counterexample-new_york.yaml"
    policy = api.compile_policy(LEAKY)
    loaded = api.read_case(case_path, policy.vocabulary)
    # Outside the sub-set, and yet the rule beside the revision recovers from the sales.
    assert loaded.case.participant.work_location != "US-NY"
    revision = policy.revisions[0]
    with_it = api.evaluate(policy, loaded)
    without_it = api.evaluate(claims.without(policy, revision), loaded)
    assert {o.rule for o in with_it.other_recoverable} == {"all_stock_profits"}
    assert without_it.other_recoverable == []


def test_a_leak_through_an_exception_beside_the_revision_is_refuted(tmp_path):
    """An `excuse` is part of the determination: one that comes in with a revision's file,
    outside its block, excuses part of everyone's recovery, and is found."""
    result = run("prove", str(LEAKY_EXCUSE), "-o", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "new_york touches no one outside its sub-set: REFUTED" in result.output
    assert "excused " in result.output and " by small_amounts" in result.output
    policy = api.compile_policy(LEAKY_EXCUSE)
    loaded = api.read_case(tmp_path / "counterexample-new_york.yaml", policy.vocabulary)
    assert loaded.case.participant.work_location != "US-NY"
    with_it = api.evaluate(policy, loaded).awards[0]
    without_it = api.evaluate(claims.without(policy, policy.revisions[0]), loaded).awards[0]
    assert with_it.excused is not None and with_it.excused.exception == "small_amounts"
    assert without_it.excused is None or without_it.excused.exception != "small_amounts"


def test_diff_prove_finds_an_exception_added_or_dropped(tmp_path):
    old = tmp_path / "policy.claw"
    old.write_text(LEAKY_EXCUSE.read_text(encoding="utf-8").replace(
        'include "revisions/ny.claw"\n', ""), encoding="utf-8")
    text = old.read_text(encoding="utf-8")
    start = text.index("excuse cost_exceeds_recovery")
    new = tmp_path / "new.claw"
    new.write_text(text[:start] + text[text.index("end\n", start) + 4:], encoding="utf-8")
    out = tmp_path / "cex.yaml"
    result = run("diff", str(old), str(new), "--prove", "-o", str(out))
    assert result.exit_code == 1 and "REFUTED" in result.output, result.output
    assert "by cost_exceeds_recovery" in result.output
    checked = [run("check", str(p), str(out), "--format", "json") for p in (old, new)]
    assert _decided(checked[0].output) != _decided(checked[1].output)


def test_without_drops_the_block_and_the_rules_beside_it_in_its_file():
    policy = api.compile_policy(LEAKY)
    stripped = claims.without(policy, policy.revisions[0])
    assert stripped.revisions == ()
    assert "all_stock_profits" not in {r.name for r in stripped.rules}
    assert "excess" in {r.name for r in stripped.rules}


def test_a_leak_in_a_file_the_revisions_file_includes_is_refuted(tmp_path):
    # revisions/ny.claw holds the revision and includes ny-helpers.claw, whose `other` rule
    # reads no membership: "without new_york" once kept it, and the leak was "proved" away.
    result = run("prove", str(LEAKY_INCLUDE), "-o", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "new_york touches no one outside its sub-set: REFUTED" in result.output
    policy = api.compile_policy(LEAKY_INCLUDE)
    loaded = api.read_case(tmp_path / "counterexample-new_york.yaml", policy.vocabulary)
    assert loaded.case.participant.work_location != "US-NY"
    assert {o.rule for o in api.evaluate(policy, loaded).other_recoverable} == \
        {"all_stock_profits"}
    stripped = claims.without(policy, policy.revisions[0])
    assert "all_stock_profits" not in {r.name for r in stripped.rules}


def test_without_drops_what_the_revisions_file_brings_in_and_nothing_after_it(tmp_path):
    rule = ('other {name}\n  clause "A"\n  quote "a"\n  for sale in stock_sales\n'
            '  recover sale.profit\nend\n')
    root = LEAKY.read_text(encoding="utf-8").replace(
        'include "revisions/leak.claw"\n', 'include "a/rev.claw"\ninclude "later.claw"\n')
    files = {"policy.claw": root,
             "a/rev.claw": LEAKY.parent.joinpath("revisions", "leak.claw").read_text(
                 encoding="utf-8").split("# The leak")[0] + 'include "b/deeper.claw"\n',
             "a/b/deeper.claw": rule.format(name="deeper") + 'include "deepest.claw"\n',
             "a/b/deepest.claw": rule.format(name="deepest"),
             "later.claw": rule.format(name="later")}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    policy = api.compile_policy(tmp_path / "policy.claw")
    kept = {r.name for r in claims.without(policy, policy.revisions[0]).rules}
    assert {"deeper", "deepest"}.isdisjoint(kept) and {"later", "excess"} <= kept


def test_a_proof_over_a_policy_that_reads_across_awards_says_it_holds_for_one(tmp_path):
    # A condition beside the revision that only two awards can fail: proved over the bounded
    # shape, and the line says for one award only, and where the policy reads across them.
    leak = LEAKY.parent.joinpath("revisions", "leak.claw").read_text(encoding="utf-8")
    leak = leak.split("# The leak")[0] + (
        "condition single_award_only\n  clause \"A state law\"\n  quote \"profits\"\n"
        "  requires count(a in awards where a.amount_awarded > 0) < 2\nend\n")
    (tmp_path / "revisions").mkdir()
    (tmp_path / "revisions" / "leak.claw").write_text(leak, encoding="utf-8")
    policy = tmp_path / "policy.claw"
    policy.write_text(LEAKY.read_text(encoding="utf-8"), encoding="utf-8")
    line = leak.splitlines().index("  requires count(a in awards where a.amount_awarded > 0) < 2")
    result = run("prove", str(policy), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    proved = next(x for x in result.output.splitlines() if x.startswith("new_york"))
    assert proved.startswith("new_york touches no one outside its sub-set: proved for cases "
                             "of one award only, up to 3 items of every other list (")
    assert proved.endswith(f"revisions/leak.claw:{line + 1}:23 reads across the awards: "
                           "a difference that needs two or more awards is not sought")


def test_the_2019_and_revised_policies_differ_in_california(tmp_path):
    out = tmp_path / "cex.yaml"
    result = run("prove", str(QUALYS_2019), "--against", str(QUALYS),
                 "--where", 'participant.work_location = "US-CA"', "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "REFUTED" in result.output
    old, new = api.compile_policy(QUALYS_2019), api.compile_policy(QUALYS)
    loaded = api.read_case(out, new.vocabulary)
    seen = [observe.of_run(p, loaded.case, {}) for p in (old, new)]
    assert seen[0] != seen[1]


def test_diff_prove_finds_where_the_2019_and_revised_policies_differ(tmp_path):
    out = tmp_path / "cex.yaml"
    result = run("diff", str(QUALYS_2019), str(QUALYS), "--prove", "-o", str(out))
    assert result.exit_code == 1 and "REFUTED" in result.output, result.output
    # The counterexample is a case file that `check` shows differing under the two policies.
    checked = [run("check", str(p), str(out), "--format", "json") for p in (QUALYS_2019, QUALYS)]
    assert all(c.exit_code == 0 for c in checked)
    assert _decided(checked[0].output) != _decided(checked[1].output)


def _decided(output: str):
    import json

    data = json.loads(output)
    return [(a["id"], a["outcome"], a["recoverable"], a["notes"]) for a in data["awards"]]


def test_diff_prove_where_proves_them_equal_outside_every_sub_set():
    result = run("diff", str(QUALYS_2019), str(QUALYS), "--prove", "--where", OUTSIDE_EVERY_SUBSET)
    assert result.exit_code == 0, result.output
    assert "the two policies agree where the condition holds: proved" in result.output
    same = run("prove", str(QUALYS_2019), "--against", str(QUALYS),
               "--where", OUTSIDE_EVERY_SUBSET)
    timing = re.compile(r"\(\d+\.\d s\)")  # the solving time, which varies
    assert (same.exit_code, timing.sub("", same.output)) == \
        (result.exit_code, timing.sub("", result.output))


def _wider_than_meant(tmp_path: Path, out: Path) -> Path:
    """Meant for California, the four-year window written for everyone; its counterexample
    against the 2019 policy, where the participant works elsewhere, written to `out`."""
    wide = tmp_path / "qualys-2019.claw"
    wide.write_text(QUALYS_2019.read_text(encoding="utf-8").replace(
        "as_of <= s.original_filing_date + 3 years)", "as_of <= s.original_filing_date + 4 years)"),
        encoding="utf-8")
    if not (tmp_path / "sources").exists():
        (tmp_path / "sources").symlink_to(QUALYS_2019.parent / "sources")
    result = run("diff", str(QUALYS_2019), str(wide), "--prove", "--where",
                 'participant.work_location != "US-CA"', "-o", str(out))
    assert result.exit_code == 1 and "REFUTED" in result.output, result.output
    return wide


def test_an_amendment_wider_than_meant_is_refuted_by_a_case_without_needless_items(tmp_path):
    """Meant for California, the four-year window is written for everyone: refuted where
    the participant works elsewhere, by a case holding the one statement and at most the one
    role the difference needs (it held three statements and two roles, two of each
    needless)."""
    import yaml

    out = tmp_path / "cex.yaml"
    wide = _wider_than_meant(tmp_path, out)
    case = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert case["participant"]["work_location"] != "US-CA"
    # The solver may cover the participant by the flag or by a role: either way at most the
    # one role the difference needs stays, and only where the flag does not cover the
    # participant.
    roles = case["participant"].get("roles") or []
    assert len(case["statements"]) == 1 and len(roles) <= 1
    assert not roles or case["participant"].get("section16_officer") is not True
    checked = [run("check", str(p), str(out), "--format", "json") for p in (QUALYS_2019, wide)]
    assert _decided(checked[0].output) != _decided(checked[1].output)


def test_a_counterexample_does_not_follow_what_the_process_built_before(tmp_path):
    """The same policies give the same counterexample whatever terms the process made
    before (earlier proofs, earlier tests): in z3's shared context they renumbered the
    proof's terms, and with them the model found and the work each brief try took (a
    needless role kept where a try ran out of it, once in many runs)."""
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    _wider_than_meant(tmp_path, first)
    held = [z3.Int(f"held{i}") * i + z3.Int(f"held{i + 1}") for i in range(2000)]
    _wider_than_meant(tmp_path, second)
    assert held and first.read_bytes() == second.read_bytes()


def test_diff_where_and_output_go_with_prove_and_prove_takes_no_cases():
    assert "CP1405" in run("diff", str(QUALYS_2019), str(QUALYS), "--where", "true").output
    for args in (["-o", "x.yaml"], ["--prove", str(ROOT / "examples" / "cases")]):
        assert run("diff", str(QUALYS_2019), str(QUALYS), *args).exit_code == 2


def test_a_policy_agrees_with_itself():
    old = api.compile_policy(QUALYS)
    assert claims.prove_equivalent(old, api.compile_policy(QUALYS)).status == "proved"


def test_where_needs_against_and_a_valid_expression():
    result = run("prove", str(QUALYS), "--where", "true")
    assert result.exit_code == 2 and "CP1405" in result.output
    result = run("prove", str(QUALYS), "--against", str(QUALYS), "--where", "participant.nope")
    assert result.exit_code == 2 and "CP1402" in result.output


def test_a_construct_outside_the_fragment_is_reported_not_skipped(tmp_path):
    text = LEAKY.read_text(encoding="utf-8").replace(
        "max(award.amount_awarded - award.amount_as_restated, 0)",
        "max(award.amount_awarded - award.amount_as_restated, 0) / 2").replace(
        'include "revisions/leak.claw"\n', "")
    policy = tmp_path / "policy.claw"
    policy.write_text(text, encoding="utf-8")
    result = run("prove", str(policy), "--against", str(policy))
    assert result.exit_code == 1
    assert "CP1401" in result.output and "`/`" in result.output


def test_month_arithmetic_clamps_to_the_end_of_the_month():
    from clawpolicy.prove.calendar import Calendar
    cal = Calendar()
    for day, months, expected in [("2020-02-29", 36, "2023-02-28"),
                                  ("2024-01-31", 1, "2024-02-29"),
                                  ("2023-03-31", -1, "2023-02-28")]:
        n = z3.Int("n")
        s = z3.Solver()
        import datetime as dt
        s.add(*cal.facts, n == day_number(dt.date.fromisoformat(day)))
        result = cal.add_months(n, months)
        s.add(*cal.facts)
        assert s.check() == z3.sat
        got = from_day_number(s.model().eval(result).as_long())
        assert got.isoformat() == expected


# ---------------------------------------------------------------- differential testing

def _pin(shape, rng: random.Random) -> list:
    """Random values for every fact the translation reads: known or not, near the dates
    and amounts the policies name."""
    dates = [day_number(d) for d in (
        __import__("datetime").date(2019, 2, 8), __import__("datetime").date(2023, 10, 2),
        __import__("datetime").date(2024, 6, 28), __import__("datetime").date(2022, 11, 28))]
    pins = []
    for path, (kind, known, val, info) in shape.leaves.items():
        if not z3.is_true(known) and not z3.is_false(known) and z3.is_const(known):
            pins.append(known == z3.BoolVal(rng.random() < 0.8))
        if kind == "bool":
            pins.append(val == z3.BoolVal(rng.random() < 0.5))
        elif kind == "date":
            pins.append(val == rng.choice(dates) + rng.randint(-800, 800))
        elif kind == "num":
            pins.append(val == rng.choice([0, 100, 5000000, rng.randint(0, 40000000)]))
        elif kind == "enum":
            pins.append(val == shape.symbol(rng.choice(info)))
        elif kind == "text":
            pins.append(val == rng.randrange(len(shape.texts)))
        elif kind == "set":
            pins += [b == z3.BoolVal(rng.random() < 0.4) for b in val.values()]
        elif kind == "list":
            pins += [p == z3.BoolVal(rng.random() < 0.6) for p, _ in val if not z3.is_true(p)]
        elif kind == "link":
            pins += [b == z3.BoolVal(rng.random() < 0.5) for b in val]
        elif kind == "md":
            pins += [val[0] == rng.choice([12, 6, 2]), val[1] == rng.choice([31, 30, 28, 29])]
        elif kind == "record":
            pins.append(known == z3.BoolVal(rng.random() < 0.8))
    return pins


@pytest.mark.parametrize("policy_path", [QUALYS, QUALYS_2019, LEAKY, LEAKY_EXCUSE],
                         ids=["qualys", "qualys-2019", "leaky", "leaky-excuse"])
def test_the_translation_agrees_with_the_evaluator(policy_path, tmp_path):
    policy = api.compile_policy(policy_path)
    shape = claims.shape_for(policy)
    case = Decider(policy, shape).case()
    rng = seeded(18)
    compared = sum(_agrees(policy, shape, case, _pin(shape, rng), [], tmp_path / f"case{i}.yaml")
                   for i in range(scaled(40)))
    assert compared >= scaled(20)


def _agrees(policy, shape, case, pins: list, required: list, path: Path) -> bool:
    """A case of the shape near the random `pins` (those the shape and `required` admit),
    written, read back and run by the evaluator: it agrees with the translation's model."""
    solver = z3.Solver()
    solver.add(*shape.domain, *shape.calendar.facts, *required)
    marks = [z3.Bool(f"pin{j}") for j in range(len(pins))]
    solver.add(*[z3.Implies(m, p) for m, p in zip(marks, pins)])
    for _ in range(20):  # drop the pinned values the shape does not admit
        if solver.check(*marks) == z3.sat:
            break
        core = {str(c) for c in solver.unsat_core()}
        marks = [m for m in marks if str(m) not in core]
    else:
        return False
    model = solver.model()
    claims.write_case(claims.case_of(shape, model, "generated"), path)
    loaded = api.read_case(path, policy.vocabulary)
    expected = observe.comparable(observe.of_run(policy, loaded.case,
                                                 api.policy_facts(policy, loaded)))
    assert observe.comparable(observe.of_model(case, model)) == expected, path.read_text()
    return True


def _agrees_on_each(policy, shape, case, targets: list, rng: random.Random, folder: Path):
    """Cases drawn where each target holds, in rounds (2 in CI, ten times as many with the long
    profile): every target admits one, and each agrees."""
    rounds = scaled(2)
    compared = sum(_agrees(policy, shape, case, _pin(shape, rng), [target],
                           folder / f"case{i}-{j}.yaml")
                   for i in range(rounds) for j, target in enumerate(targets))
    assert compared == rounds * len(targets)


def test_the_translation_agrees_with_the_evaluator_where_exceptions_decide(tmp_path):
    """Random cases rarely reach an exception: these are drawn among those where one
    excuses all or part of the amount, where one is not known (pending), and where the
    remedies are capped by what is left, each exception in turn."""
    from clawpolicy.prove.decide import PENDING, REC

    policy = api.compile_policy(LEAKY_EXCUSE)
    shape = claims.shape_for(policy)
    case = Decider(policy, shape).case()
    award = case.award
    targets = [z3.And(on, *[z3.Not(o) for n, (o, _) in award.excused.items() if n != name])
               for name, (on, _) in award.excused.items()]
    targets += [z3.And(award.excused["small_amounts"][0], award.outcome == REC),
                z3.And(award.outcome == PENDING, case.membership["new_york"].known),
                z3.And(award.outcome == REC, *[z3.Not(o) for o, _ in award.excused.values()])]
    _agrees_on_each(policy, shape, case, targets, seeded(10), tmp_path)


def test_the_translation_agrees_with_the_evaluator_where_a_revision_may_govern(tmp_path):
    """An award that only which revisions govern leaves undecided is pending where the
    split between its remedies differs, not only its amount (evaluate/decide.py); the
    translation said recovery there. Cases drawn where `ca` governs and `tx` may: the two
    choices agree on the outcome and amount but split it differently, or differ more, or
    agree on everything."""
    from clawpolicy.prove.decide import REC

    policy = api.compile_policy(ALTERNATIVES)
    shape = claims.shape_for(policy)
    decider = Decider(policy, shape)
    case = decider.case()
    ca, tx = case.membership["ca"], case.membership["tx"]
    one, both = decider.choose([policy.revisions[0]]), decider.choose(list(policy.revisions))
    off = (z3.BoolVal(False), z3.IntVal(0), z3.IntVal(0))
    split = z3.Or(*[z3.Or(one.remedies.get(k, off)[0] != both.remedies.get(k, off)[0],
                          one.remedies.get(k, off)[2] != both.remedies.get(k, off)[2])
                    for k in {*one.remedies, *both.remedies}])
    unsure = z3.And(ca.known, ca.val, z3.Not(tx.known))
    same = z3.And(one.outcome == REC, both.outcome == REC, one.recoverable == both.recoverable)
    targets = [z3.And(unsure, same, split), z3.And(unsure, same, z3.Not(split)),
               z3.And(unsure, z3.Not(same))]
    _agrees_on_each(policy, shape, case, targets, seeded(3), tmp_path)


def test_cp1400_without_z3_the_command_says_which_extra_to_install(monkeypatch):
    import builtins
    real = builtins.__import__

    def no_z3(name, *args, **kwargs):
        if name == "z3":
            raise ImportError("No module named 'z3'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_z3)
    result = run("prove", str(QUALYS))
    assert result.exit_code == 2
    assert "error[CP1400]: `prove` needs the SMT solver z3, which is not installed" in \
        result.output
    assert "pip install 'clawpolicy[prove]'" in result.output


def test_a_counterexample_that_cannot_be_written_is_an_output_error(tmp_path):
    # Raised as OutputFailed, naming the file: the program gives CP0801, exit 74 (not 70).
    from clawpolicy.tools.streams import OutputFailed

    (tmp_path / "file").write_text("")  # a file where the folder should be
    result = run("prove", str(LEAKY), "-o", str(tmp_path / "file"))
    assert isinstance(result.exception, OutputFailed), result.output
    assert result.exception.target == str(tmp_path / "file" / "counterexample-new_york.yaml")


def test_the_folder_and_file_of_the_counterexamples_are_made_if_missing(tmp_path):
    """`-o` naming a folder not made yet: the proof's result was lost to CP0801 (exit 74)."""
    result = run("prove", str(LEAKY), "-o", str(tmp_path / "new" / "folder"))
    assert result.exit_code == 1 and "REFUTED" in result.output, result.output
    assert (tmp_path / "new" / "folder" / "counterexample-new_york.yaml").is_file()
    out = tmp_path / "cex" / "leak.yaml"
    result = run("diff", str(QUALYS_2019), str(LEAKY), "--prove", "-o", str(out))
    assert result.exit_code == 1 and out.is_file(), result.output


def test_cp1404_a_counterexample_the_evaluator_does_not_show_is_a_defect(tmp_path, monkeypatch):
    from clawpolicy.prove import observe as observed
    monkeypatch.setattr(observed, "of_run", lambda policy, case, facts: {"error": True})
    result = run("prove", str(LEAKY), "-o", str(tmp_path))
    assert result.exit_code == 70
    assert "error[CP1404]" in result.output


# ---------------------------------------------------------------- on the suite's own cases

def _resolve(case, path: str):
    """The value a case model holds at a path like `awards[0].performance_period.end`
    (None where it holds none), and whether the place exists at all."""
    import re
    node = case
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if node is None:
            return None, False
        if part.startswith("["):
            i = int(part[1:-1])
            if i >= len(node):
                return None, False
            node = node[i]
        else:
            node = getattr(node, part)
    return node, True


class OutsideShape(Exception):
    pass


def _pins_of(shape, case) -> list:
    """The symbolic case's facts pinned to a real case's (the engine's reading of it)."""
    from decimal import Decimal
    pins = []
    for path, (kind, known, val, info) in shape.leaves.items():
        value, exists = _resolve(case, path)
        if not exists:
            continue
        if kind == "record":
            pins.append(known == z3.BoolVal(value is not None))
            continue
        if kind == "list":
            pins.append(known == z3.BoolVal(value is not None))
            items = list(value or [])
            if len(items) > len(val):
                raise OutsideShape(path)
            pins += [p == z3.BoolVal(i < len(items)) for i, (p, _) in enumerate(val)]
            continue
        if kind == "link":
            via, _ = _resolve(case, path)
            pins.append(known == z3.BoolVal(via is not None))
            ids = [s.id for s in case.statements]
            pins += [b == z3.BoolVal(via is not None and ids[i] in via if i < len(ids)
                                     else False) for i, b in enumerate(val)]
            continue
        if kind == "unit":
            if value != val:
                raise OutsideShape(path)
            continue
        pins.append(known == z3.BoolVal(value is not None))
        if value is None:
            continue
        value = getattr(value, "value", value)  # an enumeration's member
        if kind == "bool":
            pins.append(val == z3.BoolVal(bool(value)))
        elif kind == "date":
            pins.append(val == day_number(value))
        elif kind == "num":
            cents = Decimal(value) * 100
            if cents != cents.to_integral_value():
                raise OutsideShape(path)
            pins.append(val == int(cents))
        elif kind == "enum":
            pins.append(val == shape.symbol(str(value)))
        elif kind == "text":
            word = value if value in shape.texts else "other-1"
            pins.append(val == shape.text(word))
        elif kind == "md":
            month, day = (int(x) for x in str(value).split("-"))
            pins += [val[0] == month, val[1] == day]
        elif kind == "set":
            words = {str(getattr(w, "value", w)) for w in value}
            words = {w if w in val else "other-1" for w in words}
            pins += [b == z3.BoolVal(w in words) for w, b in val.items()]
    return pins


def test_the_translation_agrees_with_the_evaluator_on_the_suites_generated_cases():
    from hypothesis import given

    policy = api.compile_policy(QUALYS)
    shape = claims.shape_for(policy)
    symbolic = Decider(policy, shape).case()
    compared = []

    @fuzzed(40)
    @given(cases(max_awards=1))
    def agrees(data):
        loaded = api.read_case_data(data, vocabulary=policy.vocabulary)
        try:
            pins = _pins_of(shape, loaded.case)
        except OutsideShape:
            return  # a unit other than the default, a list longer than the bound
        solver = z3.Solver()
        solver.add(*shape.domain, *shape.calendar.facts, *pins)
        assert solver.check() == z3.sat, data
        expected = observe.of_run(policy, loaded.case, api.policy_facts(policy, loaded))
        got = observe.of_model(symbolic, solver.model())
        assert observe.comparable(got) == observe.comparable(expected), data
        compared.append(1)

    agrees()
    assert len(compared) >= scaled(20)
