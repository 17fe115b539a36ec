"""The stop of an answer's search for the outcome alone where the awards still open could
change nothing the answer gives (watch.Watch._named_alike, alike.named_alike), tried
on cases small enough that the reference (searching.SHORTCUTS = False) searches them to the
end and settles each award exactly: one case for each condition of the stop, where taking
the stop without that condition gives another answer than the reference's, and cases where
the stop is taken and right.

The policy reads the case's awards by their ids, each id a role: `never_x` is pending on
`facts.x` as the facts known decide it (`x and not x`: the interpreter does not reason by
cases) and not recovered whatever x is; `always_x` the same, recovered whatever x is;
`never_xy` and `never_wx` name a second fact, after x or before it; `pending_xw` stays
pending (recovered only where x and w both hold); `outside_z` is pending on a fact of its
own, in a group of its own. An answer gives the case's outcome, its total where it recovers
and the facts it turns on where it is pending (questions.open_facts, as an open question's
answer names them)."""

from __future__ import annotations

import decimal
import itertools
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clawpolicy.api import compile_policy, policy_facts, read_case_data
from clawpolicy.evaluate import searching, settle, watch
from clawpolicy.evaluate.decide import Determiner
from clawpolicy.evaluate.determination import total_field
from clawpolicy.evaluate.determine import ARITHMETIC
from clawpolicy.evaluate.alike import named_alike
from clawpolicy.evaluate.questions import open_facts
from tests.strategies import fuzzed

ROLES = {"never_x": "facts.x and not facts.x", "always_x": "facts.x or not facts.x",
         "never_xy": "facts.x and not facts.x and facts.y",
         "never_wx": "facts.w and not facts.w and facts.x",
         "pending_xw": "facts.x and facts.w", "outside_z": "facts.z"}
# `due`: outside the policy's scope, but 50 USD is due for it where v is true or false (an
# other amount the facts known leave unknown: the whole case is one group).
POLICY = "\n".join([
    'policy "Stops"\n  effective 2019-02-08\nend\n',
    *(f"fact {f}: boolean end\n" for f in "vwxyzq"),
    'scope awarded\n  clause "0"\n  quote "q"\n  requires award.id != "due"\nend\n',
    *(f'condition {role}\n  clause "1"\n  quote "q"\n'
      f'  requires award.id != "{role}" or ({test})\nend\n' for role, test in ROLES.items()),
    'recoverable whole\n  clause "2"\n  quote "q"\n  is award.amount_awarded\nend\n',
    'remedy repay\n  clause "3"\n  quote "q"\n  shall recover up to whole\nend\n',
    'other due\n  clause "4"\n  quote "q"\n  for a in awards\n'
    '  where a.id = "due" and (facts.v or not facts.v)\n  recover 50\nend\n'])

PENDING = "pending"
# Each case: its awards' roles, where the answer leads (the reference's, derived by hand),
# and whether the stop is taken (None: not weighed). Not taken: the condition named, dropped,
# gives the answer after the arrow.
CASES = {
    # The first decision of the open award is recovery, and it recovers whatever x is.
    "recovers": (("always_x", "pending_xw"), ("recovery", "100.00", None), False),
    # -> pending on x, w: the open award left pending, the case with it.
    # The open award names a fact the known one does not (y): settled, it names none.
    "names-more": (("never_xy", "pending_xw"), (PENDING, None, ["facts.x", "facts.w"]),
                   False),
    # -> pending on x, y, w.
    # The open award names the known one's facts in another order (w before x).
    "names-in-another-order": (("never_wx", "pending_xw"),
                               (PENDING, None, ["facts.x", "facts.w"]), False),
    # -> pending on w, x (the same facts: a test of them as a set does not tell).
    # A pending award outside the group stands between the places x may first appear.
    "outside-between": (("never_x", "outside_z", "pending_xw"),
                        (PENDING, None, ["facts.z", "facts.x", "facts.w"]), False),
    # -> pending on x, z, w.
    # The whole case is one group (the other amount is open): 50 USD is due whatever v is.
    "whole-case": (("never_x", "pending_xw", "due"), ("recovery", "50.00", None), None),
    # -> pending on x, w, v.
    # No award of the group is known to stay pending: the one award settles (x and not x is
    # false whatever x is), and the case with it.
    "none-known": (("never_x",), ("no_recovery", None, None), False),
    # -> pending on x.
    # Taken, and right: the open award names x alone, after the known one, before it, or
    # with the outside award before both or after both.
    "after": (("pending_xw", "never_x"), (PENDING, None, ["facts.x", "facts.w"]), True),
    "before": (("never_x", "pending_xw"), (PENDING, None, ["facts.x", "facts.w"]), True),
    "outside-first": (("outside_z", "never_x", "pending_xw"),
                      (PENDING, None, ["facts.z", "facts.x", "facts.w"]), True),
    "outside-last": (("never_x", "pending_xw", "outside_z"),
                     (PENDING, None, ["facts.x", "facts.w", "facts.z"]), True),
}


@pytest.fixture(scope="module")
def stops(tmp_path_factory):
    path = tmp_path_factory.mktemp("stops") / "stops.claw"
    path.write_text(POLICY, encoding="utf-8")
    return compile_policy(path)


def leads(policy, roles: tuple[str, ...], shortcuts: bool) -> tuple:
    """Where the answer `facts.q = true` (a fact no rule reads) leads, as an open question's
    answer gives it: searched for the outcome alone (settle._settled_answer)."""
    loaded = read_case_data({"case_id": "stops", "as_of": "2024-06-30", "awards": [
        {"id": role, "kind": "cash_incentive", "granted": "2022-02-15",
         "received": "2023-02-28", "unit": "USD", "amount_awarded": "100",
         "amount_paid": "100"} for role in roles]})
    searching.SHORTCUTS = shortcuts
    try:
        with decimal.localcontext(ARITHMETIC):
            determiner = Determiner(policy, loaded.case, policy_facts(policy, loaded), False)
            run = settle._settled_answer(determiner, "facts.q", True)
    finally:
        searching.SHORTCUTS = True
    return (run.outcome, total_field(run.totals()).amount if run.outcome == "recovery"
            else None, open_facts(run, "facts.q") if run.outcome == PENDING else None)


@pytest.mark.parametrize("name", CASES)
def test_an_answer_stops_only_where_its_open_awards_could_change_nothing(name, stops,
                                                                        monkeypatch):
    roles, expected, taken = CASES[name]
    found = []
    named = watch.Watch._named_alike
    monkeypatch.setattr(watch.Watch, "_named_alike",
                        lambda self: found.append(named(self)) or found[-1])
    assert leads(stops, roles, True) == leads(stops, roles, False) == expected
    # The stop was weighed (but in a whole case's group: never), and taken or not.
    assert (any(found) == taken) if taken is not None else not found
    assert found or taken is None


def _by_every_set(awards: list, known: list[int], open_: list[int], group: set[int]) -> bool:
    """alike.named_alike by its definition: the list open_facts gives for every set of
    the open awards that may stay pending, and every place each fact may first appear."""
    lists, places = set(), {}
    for staying in itertools.chain.from_iterable(
            itertools.combinations(open_, n) for n in range(len(open_) + 1)):
        first: dict[str, int] = {}
        for i in sorted(known + list(staying)):
            for u in awards[i].unknowns:
                for f in u.facts:
                    first.setdefault(f, i)
        lists.add(tuple(first))
        for f, i in first.items():
            places.setdefault(f, set()).add(i)
    outside = [k for k, e in enumerate(awards)
               if k not in group and e.result.outcome == PENDING]
    return len(lists) == 1 and not any(min(at) < k < max(at) for at in places.values()
                                       for k in outside)


@st.composite
def groups(draw):
    """Awards, of which a group (its facts its own) with at least one award known to stay
    pending and one open, and pending or decided awards outside it, each naming a few
    facts in some order (of two for the group: its lists are often alike)."""
    kinds = draw(st.lists(st.sampled_from(["known", "open", "outside", "decided"]),
                          max_size=6))
    for kind in ("known", "open"):
        kinds.insert(draw(st.integers(0, len(kinds))), kind)
    awards = []
    for kind in kinds:
        alphabet = "ab" if kind in ("known", "open") else "uv"
        facts = draw(st.lists(st.sampled_from(alphabet), min_size=1, max_size=3))
        unknowns = [SimpleNamespace(facts=facts[:1]), SimpleNamespace(facts=facts[1:])]
        outcome = "no_recovery" if kind == "decided" else PENDING
        awards.append(SimpleNamespace(unknowns=unknowns,
                                      result=SimpleNamespace(outcome=outcome)))
    known = [i for i, k in enumerate(kinds) if k == "known"]
    open_ = [i for i, k in enumerate(kinds) if k == "open"]
    return awards, known, open_, set(known + open_)


@fuzzed(300)
@given(groups())
def test_the_facts_named_are_found_from_each_open_award_alone(group):
    """alike.named_alike tries each open award beside the known ones, not every set of
    them (2 to the number of open awards): it answers as the definition does."""
    assert named_alike(*group) == _by_every_set(*group)
