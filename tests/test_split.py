"""A group past the bound settled award by award (evaluate/split.py): each award's own
search, and, for the questions, their combinations joined. What it must give is what the
group's search would give with no bound: the same awards settled the same way, and the same
questions with the same answers. tests/answer_cases/README.md derives the cases by hand."""

from __future__ import annotations

import json
import types

import pytest

from clawpolicy.api import evaluate, read_case_data
from clawpolicy.evaluate import differ, exact, split
from tests.conftest import ROOT

CASES = ROOT / "tests" / "answer_cases"
NOT_SETTLED = "not settled exactly"


def _read(name: str):
    path = CASES / name
    return read_case_data(json.loads(path.read_text(encoding="utf-8")), name=str(path))


def _awards(determination):
    return [(a.id, a.outcome, a.recoverable, a.recoverable_range,
             [n for n in a.notes if n.startswith(NOT_SETTLED)]) for a in determination.awards]


def _questions(determination):
    """Each question's answers, as sets: the joined search may find a fact's answers, and
    the facts an answer names, in another order."""
    return {q.fact: sorted(json.dumps({**a.model_dump(mode="json", by_alias=True),
                                       "pending_on": sorted(a.pending_on or [])},
                                      sort_keys=True) for a in q.answers)
            for q in determination.open_questions}


def _unbounded(monkeypatch, policy, case):
    """The determination with the group searched whole, as one, far past the bound."""
    with monkeypatch.context() as m:
        m.setattr(exact, "BOUND", 100_000)
        m.setattr(split, "split", lambda found, group: [group])
        return evaluate(policy, case)


def test_a_group_past_the_bound_is_settled_as_with_no_bound(monkeypatch, qualys_2019):
    """split-joined-132: eleven awards pending on the same findings pass the bound searched
    together (more than 1,024 combinations); each searched alone takes 2 to 16, and their
    811 joined combinations settle every award, and answer every question, as the search
    of the whole group with no bound does."""
    case = _read("split-joined-132.json")
    determination = evaluate(qualys_2019, case)
    assert not any(notes for *_, notes in _awards(determination))
    whole = _unbounded(monkeypatch, qualys_2019, case)
    assert _awards(determination) == _awards(whole)
    assert _questions(determination) == _questions(whole)
    # Under the bound it was not settled: every pending award noted so.
    with monkeypatch.context() as m:
        m.setattr(split, "split", lambda found, group: [group])
        before = evaluate(qualys_2019, case)
    assert sum(bool(notes) for *_, notes in _awards(before)) == 11


def test_whether_a_fact_matters_is_found_from_each_awards_own_search(qualys_2019):
    """For the joined group, `differ.matters` asks each award's own combinations
    (Group.parts): the same answer as the joined combinations give, for every fact."""
    joined = []
    original = split._joined

    def kept(found, own):
        group = original(found, own)
        joined.append(group)
        return group

    split._joined = kept
    try:
        evaluate(qualys_2019, _read("split-joined-132.json"))
    finally:
        split._joined = original
    [group] = joined
    assert group.parts and len(group.combinations) == 811
    found = [differ.differ(group.combinations, j, differ.gives)
             for j in range(len(group.facts))]
    group.matters.clear()
    assert [differ.matters(group, j) for j in range(len(group.facts))] == found
    assert all(found)  # (each fact the group answers moves some award)


def test_awards_whose_joined_combinations_are_too_many_stay_apart(monkeypatch, qualys_2019):
    """split-apart-52: eleven awards pending on the restatement's materiality and causation,
    four of them on their restated amounts too. Searched alone each settles exactly (the
    README: bonus-fy2023-15 from 0.00 to 1,348,900.00 USD, reached by repayment of what was
    paid); joined they would be more than split.JOINED combinations, so they stay apart and
    the facts they share are asked once each, alone. Each award is settled as the search of
    the whole group with no bound settles it."""
    case = _read("split-apart-52.json")
    determination = evaluate(qualys_2019, case)
    assert not any(notes for *_, notes in _awards(determination))
    ranges = {a.id: a.recoverable_range for a in determination.awards}
    assert (ranges["bonus-fy2023-15"].min.amount, ranges["bonus-fy2023-15"].max.amount) == \
        ("0.00", "1348900.00")
    facts = [q.fact for q in determination.open_questions]
    assert len(facts) == len(set(facts))
    assert {"restatement.material", "findings.caused_restatement"} <= set(facts)
    assert _awards(determination) == _awards(_unbounded(monkeypatch, qualys_2019, case))
    # A finding asked alone: the answers that lead to the same place are one answer, as the
    # search of the whole group gives them.
    [caused] = [q for q in determination.open_questions
                if q.fact == "findings.caused_restatement"]
    assert [(a.if_, a.outcome) for a in caused.answers] == [
        (["caused", "partially"], "pending"), ("not_caused", "no_recovery")]
    # An award's own fact: its answer names the facts the others are still asked on.
    [question] = [q for q in determination.open_questions
                  if q.fact == "awards[14].amount_as_restated"]
    for answer in question.answers:
        assert {"restatement.material", "findings.caused_restatement"} <= set(answer.pending_on)


# Each answer, as `--assume` writes it (an interval by a value inside it), and what it says.
APPLIED = [
    ("split-joined-132.json", "participant.section16_officer", "true"),
    ("split-joined-132.json", "participant.section16_officer", "false"),
    ("split-joined-132.json", "awards[2].granted", "2019-02-07"),
    ("split-joined-132.json", "awards[2].granted", "2019-02-08"),
    ("split-joined-132.json", "awards[3].kind", "cash_incentive"),
    ("split-joined-132.json", "awards[3].kind", "other"),
    ("split-joined-132.json", "awards[3].basis", "[]"),
    ("split-joined-132.json", "awards[5].basis", "[tsr]"),
    ("split-joined-132.json", "findings.caused_restatement", "not_caused"),
    ("split-apart-52.json", "awards[14].amount_as_restated", "0"),
    ("split-apart-52.json", "awards[14].amount_as_restated", "1348900.00"),
    ("split-apart-52.json", "findings.caused_restatement", "not_caused"),
    ("split-apart-52.json", "restatement.material", "true"),
]


@pytest.mark.parametrize("name, fact, value", APPLIED)
def test_applying_an_answer_gives_what_it_says(qualys_2019, name, fact, value):
    case = _read(name)
    determination = evaluate(qualys_2019, case)
    assumed = evaluate(qualys_2019, case, [f"{fact}={value}"])
    [question] = [q for q in determination.open_questions if q.fact == fact]
    [answer] = [a for a in question.answers if _holds(a.if_, value)]
    assert assumed.outcome == answer.outcome
    if answer.recoverable is not None:
        assert assumed.total_recoverable.amount == answer.recoverable[0].amount
    if answer.pending_on:
        assert set(answer.pending_on) <= {q.fact for q in assumed.open_questions}
    for award, outcome in (answer.awards or {}).items():
        assert {a.id: a.outcome for a in assumed.awards}[award] == outcome


def _holds(label, value: str) -> bool:
    """Whether an answer's label covers the value `--assume` gives."""
    import datetime as dt
    from decimal import Decimal

    if isinstance(label, bool):
        return json.dumps(label) == value
    if isinstance(label, list):
        if value.startswith("["):
            items = [x.strip() for x in value[1:-1].split(",") if x.strip()]
            return label == items or items in label
        return value in label
    if label in (value, "any value"):
        return True
    if label[:1] not in "<>":
        return False

    def read(x: str):
        return dt.date.fromisoformat(x) if len(x) == 10 and x[4] == "-" else Decimal(x)

    held = True
    for part in label.split(" and "):
        op, bound = part.split(" ")[:2]
        x, y = read(value), read(bound)
        held &= {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    return held


def _own(award: int, facts: list[str], rows: list[tuple]) -> exact.Group:
    """One award's own search, as split.py receives it: its facts (each answered true or
    false) and its combinations (the answers, ANY for none; and the award's result)."""
    from clawpolicy.evaluate.tracking import Tracker

    group = exact.Group([award], list(facts), {f: exact.Finite([(True, True), (False, False)])
                                                for f in facts}, Tracker({}), alone=True)
    group.combinations = [exact.Combination(values, {award: ("no_recovery", result)}, (),
                                            {award: result}) for *values, result in rows]
    for c in group.combinations:
        c.values = tuple(c.values)
    return group


def test_joined_combinations_are_those_the_awards_agree_on(monkeypatch):
    """Two awards sharing fact `s`: each joined combination is one of each award's that
    agree on `s` (ANY agrees with either answer), and none the vocabulary rules out
    (questions.admissible), in which case whether a fact matters is not read from the
    parts (they would count a combination the joined group leaves out)."""
    ANY = exact.ANY
    first = _own(0, ["s", "a"], [(True, True, "x"), (True, False, "y"), (False, ANY, "z")])
    second = _own(1, ["s", "b"], [(ANY, True, "p"), (ANY, False, "q")])
    found = types.SimpleNamespace(determiner=None)
    monkeypatch.setattr(split, "admissible", lambda determiner, answers, fact: True)
    joined = split._joined(found, [first, second])
    assert joined.facts == ["s", "a", "b"]
    assert sorted((c.values, c.keys[0][1], c.keys[1][1]) for c in joined.combinations) == \
        sorted([((True, True, True), "x", "p"), ((True, True, False), "x", "q"),
                ((True, False, True), "y", "p"), ((True, False, False), "y", "q"),
                ((False, ANY, True), "z", "p"), ((False, ANY, False), "z", "q")], key=repr)
    assert joined.parts == [first, second]
    # A constraint ruling out `a` false with `b` true: that combination is left out.
    monkeypatch.setattr(split, "admissible", lambda determiner, answers, fact:
                        not (answers.get("a") is False and answers.get("b") is True))
    joined = split._joined(found, [first, second])
    assert len(joined.combinations) == 5 and not joined.parts
    # Past JOINED, no joined group.
    monkeypatch.setattr(split, "JOINED", 4)
    assert split._joined(found, [first, second]) is None


def test_a_fact_no_award_turns_on_does_not_matter_in_the_join(monkeypatch):
    """`differ.matters` from the parts says what the joined combinations say, a fact that
    matters to no award included: `b` is answered by the second award's search, which gives
    the same result either way, and `a` moves the first award alone."""
    ANY = exact.ANY
    first = _own(0, ["s", "a"], [(True, True, "x"), (True, False, "y"), (False, ANY, "z")])
    second = _own(1, ["s", "b"], [(True, True, "p"), (True, False, "p"), (False, ANY, "p")])
    monkeypatch.setattr(split, "admissible", lambda determiner, answers, fact: True)
    joined = split._joined(types.SimpleNamespace(determiner=None), [first, second])
    assert joined.parts and joined.facts == ["s", "a", "b"]
    found = [differ.differ(joined.combinations, j, differ.gives) for j in range(3)]
    assert [differ.matters(joined, j) for j in range(3)] == found == [True, True, False]


def test_answers_that_cannot_be_hashed_leave_the_awards_apart(monkeypatch):
    """The join puts combinations in buckets by their answers; an answer that cannot be
    hashed leaves no joined group (the awards stay apart), not an error."""
    first = _own(0, ["s"], [([1], "x")])
    second = _own(1, ["s"], [([1], "p")])
    monkeypatch.setattr(split, "admissible", lambda determiner, answers, fact: True)
    assert split._joined(types.SimpleNamespace(determiner=None), [first, second]) is None
