"""The probe of an answer's search for the outcome alone (evaluate/watch.py,
`probe`): where a few leaves of the search's tree already show every award its group
settles staying pending, the search is not made and the run it starts from is its result.
Held to the reference (searching.SHORTCUTS = False, every answer searched to its end) on a
small policy where the probe is taken and where it must not be, and on generated cases of
the benchmark's mixed batch where it is taken (2019 policy: case 22 in the default suite;
76, whose searches run hundreds of runs, in the long profile; 52 was there too until the
runs that answer a question stopped evaluating the policy's notes, b338307: its group no
longer passes the bound, and no answer of it is probed)."""

from __future__ import annotations

import pytest

from clawpolicy.api import compile_policy, evaluate, read_case_data
from clawpolicy.evaluate import searching
from clawpolicy.evaluate import watch
from clawpolicy.render import json as json_render
from tests.strategies import LONG
from tests.test_exact_stop import leads
from tests.conftest import generator

SMALL = watch.SMALL

# `pending_xw` (and `pending_wx`) is recovered only where x and w both hold; `always_x` is
# recovered whatever x is (`x or not x`: pending as the facts known decide it, the interpreter
# not reasoning by cases); `restated` where x holds and less than its amount awarded would have
# been awarded on the restated results, which the case does not say; `beyond` where the
# latter alone holds.
ROLES = {"pending_xw": "facts.x and facts.w", "pending_wx": "facts.w and facts.x",
         "always_x": "facts.x or not facts.x",
         "restated": "facts.x and award.amount_as_restated < award.amount_awarded",
         "beyond": "award.amount_as_restated < award.amount_awarded"}
POLICY = "\n".join([
    'policy "Probes"\n  effective 2019-02-08\nend\n',
    *(f"fact {f}: boolean end\n" for f in "wxq"),
    'scope awarded\n  clause "0"\n  quote "q"\n  requires award.amount_awarded > 0\nend\n',
    *(f'condition {role}\n  clause "1"\n  quote "q"\n'
      f'  requires award.id != "{role}" or ({test})\nend\n' for role, test in ROLES.items()),
    'recoverable whole\n  clause "2"\n  quote "q"\n  is award.amount_awarded\nend\n',
    'remedy repay\n  clause "3"\n  quote "q"\n  shall recover up to whole\nend\n'])
PENDING = "pending"


@pytest.fixture(autouse=True)
def every_search(monkeypatch):
    """The small policy's searches are probed, however few their combinations (a search of
    a few is otherwise made without: watch.SMALL)."""
    monkeypatch.setattr(watch, "SMALL", 0)


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    path = tmp_path_factory.mktemp("probes") / "probes.claw"
    path.write_text(POLICY, encoding="utf-8")
    return compile_policy(path)


# Each case: its awards' roles, where the answer `facts.q = true` (a fact no rule reads) leads
# (the reference's, derived by hand: test_exact_stop.leads), and whether the probe shows the
# search giving its run back.
CASES = {
    # x true and w true recover it, x false does not: pending whatever the search finds.
    "two-ways": (("pending_xw", "pending_wx"), (PENDING, None, ["facts.x", "facts.w"]), True),
    # Recovered whatever x is: every leaf decides it alike, and the search settles it.
    "one-way": (("always_x", "pending_xw"), ("recovery", "100.00", None), False),
    # The amount restated unknown, read where x holds: recovered where less is restated than
    # awarded, not where all is, nor where x is false.
    "amount": (("restated", "pending_xw"),
               (PENDING, None, ["facts.x", "awards[0].amount_as_restated", "facts.w"]), True),
    # The amount alone: recovered where nothing is restated, not where all is (the ends of
    # its answers, as its search starts).
    "amount-alone": (("beyond",), (PENDING, None, ["awards[0].amount_as_restated"]), True),
}


def _counted(monkeypatch) -> list[bool]:
    """Each probe made from now on: whether it showed the search giving its run back."""
    found = []
    weighed = watch.probe

    def counted(*args):
        leaves = weighed(*args)
        found.append(leaves is None)
        return leaves
    monkeypatch.setattr(watch, "probe", counted)
    return found


@pytest.mark.parametrize("name", CASES)
def test_the_probe_gives_the_searchs_result(name, probes, monkeypatch):
    roles, expected, taken = CASES[name]
    found = _counted(monkeypatch)
    assert leads(probes, roles, True) == leads(probes, roles, False) == expected
    assert any(found) == taken


def test_a_probe_taken_without_its_leaves_gives_another_answer(probes, monkeypatch):
    """The probe counts: taken where its leaves do not show every award pending (the watch
    dropped), it leaves pending an award the search settles."""
    monkeypatch.setattr(watch, "probe", lambda *args: None)
    roles, expected, _ = CASES["one-way"]
    assert leads(probes, roles, True) != expected


@pytest.mark.parametrize("descents, name", [(((0, 0),), "two-ways"),
                                             (((0, 0), (-1, 0)), "amount-alone")],
                         ids=["one-descent", "no-amounts-last-end"])
def test_a_probe_of_fewer_descents_shows_nothing(descents, name, probes, monkeypatch):
    """Both ends of a fact's answers are needed: the first descent alone (x and w true)
    decides each award one way only, and so do descents that take an amount at its least
    answer only."""
    monkeypatch.setattr(watch, "_DESCENTS", descents)
    found = _counted(monkeypatch)
    roles, expected, _ = CASES[name]
    assert leads(probes, roles, True) == expected
    assert found and not any(found)


MIXED = [22] + ([76] if LONG else [])


@pytest.mark.parametrize("index", MIXED)
def test_the_mixed_batchs_cases_where_it_is_taken(index, qualys_2019, monkeypatch):
    monkeypatch.setattr(watch, "SMALL", SMALL)  # as it is
    data = generator()(index + 1, 2024, 1, 20)[index]
    found = _counted(monkeypatch)
    fast = json_render.render(evaluate(qualys_2019, read_case_data(data)))
    searching.SHORTCUTS = False
    try:
        reference = json_render.render(evaluate(qualys_2019, read_case_data(data)))
    finally:
        searching.SHORTCUTS = True
    assert any(found)
    assert fast == reference


def _policy(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.claw"
    path.write_text(text, encoding="utf-8")
    return compile_policy(path)


def _rules(facts: str, conditions: dict[str, str]) -> str:
    """A policy of boolean facts (and a date `d`) with one condition an award's id names."""
    return "\n".join([
        'policy "Probes"\n  effective 2019-02-08\nend\n',
        *(f"fact {f}: boolean end\n" for f in facts.split()), "fact d: date end\n",
        'scope awarded\n  clause "0"\n  quote "q"\n  requires award.amount_awarded > 0\nend\n',
        *(f'condition c_{n}\n  clause "1"\n  quote "q"\n  requires award.id != "{n[0]}" or '
          f'({t})\nend\n' for n, t in conditions.items()),
        'recoverable whole\n  clause "2"\n  quote "q"\n  is award.amount_awarded\nend\n',
        'remedy repay\n  clause "3"\n  quote "q"\n  shall recover up to whole\nend\n'])


def test_a_combination_the_search_never_builds_fails_the_probe_not_the_answer(tmp_path,
                                                                              monkeypatch):
    """The probe answers the facts an evaluation leaves open in that evaluation's order, the
    search in its own: here the probe reaches `facts.d` at 1900-01-01 before `facts.w`,
    where `d - 3000 years` falls outside the calendar; the search answers `w` first, which
    decides B before `d` is read. The probe's failure ends the probe, and the search is made:
    each `facts.e1` ... `e7` question keeps its answer (it was dropped, as an answer whose
    evaluation fails is, while the probe's error escaped)."""
    monkeypatch.setattr(watch, "SMALL", SMALL)  # as it is: the top-level search is past the
    # bound (the seven e's), so each e is asked alone, and its search is probed
    e = " and ".join(f"facts.e{i}" for i in range(1, 8))
    policy = _policy(tmp_path, "order", _rules(
        "u w " + " ".join(f"e{i}" for i in range(1, 8)),
        {"A": f"facts.u and facts.w and {e}", "B1": "facts.d < award.granted",
         "B2": "facts.w and not facts.w and facts.d - 3000 years < award.granted"}))
    case = {"case_id": "order", "as_of": "2024-06-30", "awards": [
        {"id": role, "kind": "cash_incentive", "granted": "2022-02-15", "received": "2023-02-28",
         "unit": "USD", "amount_awarded": "100", "amount_paid": "100"} for role in "AB"]}
    made = evaluate(policy, read_case_data(case))
    asked = {q.fact: q for q in made.open_questions}
    assert [a.if_ for a in asked["facts.e1"].answers] == [True]
    searching.SHORTCUTS = False
    try:
        reference = json_render.render(evaluate(policy, read_case_data(case)))
    finally:
        searching.SHORTCUTS = True
    assert json_render.render(made) == reference


def test_an_answer_a_constraint_rules_out_is_no_leaf(tmp_path, monkeypatch):
    """`_free`: the vocabulary's constraint that an award with an amount paid above zero was
    received by the case's date ties `received` to `amount_paid`, both unknown here. Every
    combination the search admits recovers the award (received by the date, or nothing
    paid), and it settles it: recovery. A descent at the last day and the largest amount, a
    pair the constraint rules out, would decide it otherwise and show it pending. The probe
    is not taken there."""
    policy = _policy(tmp_path, "tied", _rules("q", {
        "a": "award.received <= as_of or award.amount_paid <= 0 USD"}))
    loaded = {"case_id": "tied", "as_of": "2024-06-30", "awards": [
        {"id": "a", "kind": "cash_incentive", "granted": "2022-02-15", "received": None,
         "unit": "USD", "amount_awarded": "100", "amount_paid": None}]}
    import decimal
    from clawpolicy.api import policy_facts
    from clawpolicy.evaluate import settle
    from clawpolicy.evaluate.decide import Determiner
    from clawpolicy.evaluate.determine import ARITHMETIC

    found = _counted(monkeypatch)

    def lead(shortcuts: bool) -> str:
        case = read_case_data(loaded)
        searching.SHORTCUTS = shortcuts
        try:
            with decimal.localcontext(ARITHMETIC):
                determiner = Determiner(policy, case.case, policy_facts(policy, case), False)
                return settle._settled_answer(determiner, "facts.q", True).outcome
        finally:
            searching.SHORTCUTS = True
    assert lead(True) == lead(False) == "recovery"
    assert found and not any(found)
