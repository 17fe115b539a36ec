"""Constraints of the vocabulary that bound a field by a field of the case, where a condition
on the record holds: an award with an amount paid by the case's `as_of` was received by then
(`[[records.award.constraints]]` in case.toml, docs/vocabulary.md). The declaration is read
and checked, the answers an open question offers stay within it (the exact search, the
answers found past its bound, and generated cases), and a case file that breaks it is read
as given, with a note."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given

from clawpolicy import vocabulary
from clawpolicy.api import evaluate, read_case
from clawpolicy.input.reader import read_file
from clawpolicy.vocabulary import VocabularyError
from tests.conftest import ROOT
from tests.strategies import fuzzed
from tests.test_exact import _set, _values, known_cases
from tests.test_properties import as_case

SHIPPED = (ROOT / "clawpolicy" / "vocabulary" / "case.toml").read_text(encoding="utf-8")
CASE_41 = ROOT / "examples" / "cases" / "revisions" / "41-attained-follows-received.yaml"


def _data(**award) -> dict:
    """Example 41 (the CFO's FY2023 bonus, 480,000 paid as of 2024-06-28, the day it was
    received not on record), with the award changed."""
    data = read_file(CASE_41)
    data.pop("expect")
    data["awards"][0].update(award)
    return data


def _answers(determination, fact: str) -> list[tuple]:
    (question,) = [q for q in determination.open_questions if q.fact == fact]
    return [(a.if_, a.outcome, a.recoverable.amount if a.recoverable else None)
            for a in question.answers]


# ---------------------------------------------------------------- the declaration

def test_the_vocabulary_declares_received_at_most_as_of_where_an_amount_was_paid():
    award = vocabulary.load().declarations.records["award"]
    (bound,) = [c for c in award.constraints if c.of_case is not None]
    assert (bound.field, bound.at_most, bound.of_case, bound.when, bound.refuse) == (
        "received", "case.as_of", "as_of", ("amount_paid", Decimal(0)), False)


@pytest.mark.parametrize("change, where, message, on", [
    # the condition reads an amount or a number of the record, above a number never a float
    (('field = "amount_paid", above = 0', 'field = "kind", above = 0'),
     "records.award.constraints[2].when.field", "`kind` is not an amount or number of the "
     "record", "when ="),
    (('field = "amount_paid", above = 0', 'field = "amount_paid", above = 0.5'),
     "records.award.constraints[2].when.above", "expected a whole number, or a decimal as "
     'text ("0.5")', "when ="),
    (('field = "amount_paid", above = 0', 'field = "amount_paid", over = 0'),
     "records.award.constraints[2].when.over", "unknown key; expected one of: field, above",
     "when ="),
    # a field of the case: one that is there, a date beside a date
    (('at_most = "case.as_of"', 'at_most = "case.awards"'), "records.award.constraints[2]",
     "`awards` is not an amount, a number or a date of the case", "[[records.award"),
    (('at_most = "case.as_of"', 'at_most = "case.as_at"'), "records.award.constraints[2]",
     "`as_at` is not an amount, a number or a date of the case", "[[records.award"),
    (('field = "received"\nat_most = "case.as_of"', 'field = "amount_paid"\n'
      'at_most = "case.as_of"'), "records.award.constraints[2]",
     "`amount_paid` and `as_of` are not both dates, nor both amounts or numbers",
     "[[records.award"),
    # a record's model is checked without the case: such a constraint cannot refuse
    (('received by then"""\nrefuse = false', 'received by then"""\nrefuse = true'),
     "records.award.constraints[2].refuse",
     "refuses nothing: expected refuse = false", "refuse = true"),
])
def test_a_constraint_in_error_says_where_on_which_line_and_what_was_expected(
        tmp_path, change, where, message, on):
    assert change[0] in SHIPPED
    path = tmp_path / "v.toml"
    path.write_text(SHIPPED.replace(*change, 1), encoding="utf-8")
    with pytest.raises(VocabularyError) as caught:
        vocabulary.load(path)
    said = str(caught.value)
    assert said.startswith(f"{path}: {where}: ") and message in said
    line = int(re.fullmatch(r".* \(line (\d+)\)", said, re.S)[1])
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].startswith(on), said


# ---------------------------------------------------------------- the answers bounded

def test_the_day_received_is_answered_no_later_than_the_case_s_date(qualys_revised):
    """Example 41: with the whole bonus paid as of 2024-06-28, no day after it is an answer
    (the answers ran to 2025-02-07, recovery under Section 304, and past it, no recovery)."""
    determination = evaluate(qualys_revised, as_case(_data()))
    assert _answers(determination, "awards[0].received") == [
        ("<= 2023-10-01", "no_recovery", None),
        ("> 2023-10-01 and <= 2023-12-31", "recovery", "84000.00"),
        ("> 2023-12-31 and <= 2024-02-07", "no_recovery", None),
        ("> 2024-02-07 and <= 2024-06-28", "recovery", "480000.00")]
    (award,) = determination.awards
    assert (award.recoverable_range.min.amount, award.recoverable_range.max.amount) == (
        "0.00", "480000.00")


def test_the_answers_found_past_the_search_s_bound_are_bounded_too(qualys_revised,
                                                                   monkeypatch):
    """Past exact.BOUND combinations each answer is found on its own (questions.py's
    fallback): it keeps to the same constraint, and says where its last range ends."""
    from clawpolicy.evaluate import exact, settle

    monkeypatch.setattr(exact, "BOUND", 0)
    monkeypatch.setattr(settle, "BOUND", 0)
    determination = evaluate(qualys_revised, as_case(_data()))
    answers = _answers(determination, "awards[0].received")
    assert answers[-1] == ("> 2024-02-07 and <= 2024-06-28", "recovery", "480000.00")
    assert not any("2025" in words for words, _, _ in answers)


def test_with_nothing_known_paid_the_day_received_is_not_bounded(qualys_revised):
    # Where the amount paid is not known, it may be nothing: a day after the case's date is
    # an answer. But with it, nothing was paid (the constraint holds with both unknown): so
    # Section 304's window, which recovers what was paid, ends for the answers at the case's
    # date (the answers ran to 2025-02-07, pending on the amount paid, before asof13b).
    determination = evaluate(qualys_revised, as_case(_data(amount_paid=None)))
    assert _answers(determination, "awards[0].received")[-2:] == [
        ("> 2024-02-07 and <= 2024-06-28", "pending", None),
        ("> 2024-06-28", "no_recovery", None)]


def test_a_day_received_after_the_case_s_date_leaves_no_amount_paid_to_answer(
        qualys_revised):
    """The same rule read the other way: received 2024-07-15, after the case's date, with
    the amount paid not known: an amount above zero is no answer the case admits, so the
    one admissible answer, nothing paid, decides the award (Section 304 recovers what was
    paid) and nothing is asked."""
    determination = evaluate(qualys_revised, as_case(_data(received="2024-07-15",
                                                           amount_paid=None)))
    assert "awards[0].amount_paid" not in [q.fact for q in determination.open_questions]
    (award,) = determination.awards
    assert award.outcome != "pending"
    assert not [n for n in determination.notes if n.source == "case"]


def test_two_dates_compared_with_each_other_settle_once_received_is_bounded(qualys_revised):
    """tests/test_exact_lists.py's two dates Rule 10D-1 compares (the attainment and the
    date the restatement was required), both unknown, with the bonus paid: bounded by the
    case's date 2024-09-30, the search settles (it stopped, nothing paid, past 6 rounds),
    and a restatement required after 2027-12-31 looks back past every admissible day."""
    from tests.test_exact_lists import CFO, _answers as answers_of, _case

    awards = [{**CFO["awards"][0], "received": None, "attained": None,
               "amount_awarded": "200000", "amount_paid": "200000",
               "amount_as_restated": "150000"}]
    participant = {**CFO["participant"], "positions": ["General Counsel"]}
    restatement = {**CFO["restatement"], "required_date": None, "due_to_misconduct": False}
    determination = evaluate(qualys_revised, _case(awards=awards, participant=participant,
                                                   restatement=restatement,
                                                   stock_sales=[]))
    assert not [n for a in determination.awards for n in a.notes
                if n.startswith("not settled exactly")]
    asked = answers_of(determination)
    assert asked["awards[0].received"] == [
        ("<= 2023-10-01", "no_recovery", None, None, None, None),
        ("> 2023-10-01 and <= 2024-09-30", "pending", None, None, None,
         ["restatement.required_date"])]
    assert asked["restatement.required_date"] == [
        ("<= 2023-12-31", "no_recovery", None, None, None, None),
        ("> 2023-12-31 and <= 2027-12-31", "pending", None, None, None,
         ["awards[0].received"]),
        ("> 2027-12-31", "no_recovery", None, None, None, None)]


# ---------------------------------------------------------------- a case that breaks it

def test_a_case_received_after_its_date_with_an_amount_paid_is_read_with_a_note(
        qualys_revised, tmp_path):
    path = tmp_path / "late.yaml"
    path.write_text(CASE_41.read_text(encoding="utf-8").replace(
        "received: null ", "received: 2024-07-15 "), encoding="utf-8")
    loaded = read_case(path)  # not refused: such case files were valid, and stay valid
    assert loaded.case.awards[0].received == dt.date(2024, 7, 15)
    determination = evaluate(qualys_revised, loaded)
    (note,) = [n for n in determination.notes if n.source == "case"]
    assert (note.award, note.rule, note.clause) == ("bonus-fy2023", "", "")
    assert note.text.startswith("awards[0].received is 2024-07-15, past as_of (2024-06-28): "
                                "expected received to be at most as_of where amount_paid is "
                                "above 0")
    # Decided as the case gives it: Section 304's window (to 2025-02-07) reaches the day.
    assert (determination.outcome, determination.total_recoverable.amount) == (
        "recovery", "480000.00")
    from clawpolicy.render import layout

    assert "bonus-fy2023: awards[0].received is 2024-07-15" in layout.text(determination)


def test_a_constraint_that_refused_nothing_before_notes_a_case_that_breaks_it(qualys_revised):
    # A statement issued before its period ended (`refuse = false` since it was declared):
    # read as before, and now said.
    data = _data(received="2024-02-23")
    data["statements"][0]["first_public_issuance"] = "2023-12-01"
    notes = [n.text for n in evaluate(qualys_revised, as_case(data)).notes
             if n.source == "case"]
    assert notes == ["statements[0].period_end is 2023-12-31, past first_public_issuance "
                     "(2023-12-01): expected period_end to be at most first_public_issuance: "
                     "statements are issued once their period has ended (the case is read "
                     "as given)"]


def test_a_case_changed_after_its_reading_is_noted_as_it_stands():
    """A library user may change a read case's list in place (its models are frozen, their
    lists are not): the notes say what the case holds when it is determined, not what it
    held when it was read (review14 found a kept walk of the reading that said nothing)."""
    late = as_case(_data(received="2024-07-15")).case  # received after as_of, paid
    fine = as_case(_data(received="2024-02-23")).case  # read last
    assert vocabulary.load().broken_constraints(fine) == []
    fine.awards[0] = late.awards[0]
    assert [path for path, *_ in vocabulary.load().broken_constraints(fine)] == \
        ["awards[0].received"]


def test_nothing_paid_breaks_nothing():
    data = _data(received="2024-07-15", amount_paid=0)
    assert vocabulary.load().broken_constraints(as_case(data).case) == []


# ---------------------------------------------------------------- no answer breaks one

_FAR = {"date": [dt.date(1900, 1, 1), dt.date(2199, 12, 31)]}


def _broken(loaded) -> set[tuple[str, str]]:
    return {(path, c.at_most) for path, c, *_ in
            vocabulary.load().broken_constraints(loaded.case)}


@fuzzed(60)
@given(known_cases(max_awards=2))
def test_no_answer_offered_breaks_a_constraint_the_case_keeps(qualys_revised, data):
    """Every answer an open question offers stays within the vocabulary's constraints: at
    each end of a range it names (for a date, a range left open runs to the calendar's end,
    so its far end is tried too), the case read with that answer is not refused and breaks
    no constraint the case as given kept."""
    loaded = as_case(data)
    before = _broken(loaded)
    for question in evaluate(qualys_revised, loaded).open_questions:
        for answer in question.answers:
            words = answer.if_
            if not isinstance(words, str) or words[:1] not in "<>":
                continue  # not a range of dates or amounts: bounded by no constraint
            values = _values(words, question.fact, data)
            if re.search(r"\d{4}-\d\d-\d\d", words):
                values += [d.isoformat() for d, open_ in
                           zip(_FAR["date"], (">" not in words, "<" not in words)) if open_]
            for value in values:
                if isinstance(value, str) and re.fullmatch(r"-?[\d.]+", value):
                    value = Decimal(value)
                answered = as_case(_set(data, question.fact, value))  # refused: an error
                assert _broken(answered) <= before, (question.fact, answer.if_, value)
