"""`at_the_time_of` and `at_any_time_during`: a span (FROM to TO, an end not recorded open)
against a date or a range, three-valued like the comparisons they stand for."""

from __future__ import annotations

import json

import pytest

from clawpolicy.api import PolicyError
from tests.test_interp import CASE, condition


def case(**participant) -> dict:
    data = json.loads(json.dumps(CASE))
    data["participant"].update(participant)
    return data


@pytest.mark.parametrize("since, until, status", [
    ("2020-01-01", "2021-06-30", "met"),       # ends after the date
    ("2020-01-01", "2021-01-01", "met"),       # ends on it: both ends count
    ("2020-01-01", "2020-12-31", "not_met"),   # ended the day before
    ("2021-01-02", None, "not_met"),            # began after it
    ("2020-01-01", None, "met"),               # no end recorded: still so
    (None, "2021-06-30", "unknown"),           # an unknown start is asked
    (None, "2020-06-30", "not_met"),           # ended before: the start does not matter
])
def test_at_the_time_of(tmp_path, since, until, status):
    c = condition(tmp_path, "at_the_time_of(2021-01-01, participant.executive_officer_since, "
                            "participant.executive_officer_until)",
                  case(executive_officer_since=since, executive_officer_until=until))
    assert c.status == status


@pytest.mark.parametrize("since, until, status", [
    ("2019-01-01", "2021-03-01", "met"),       # overlaps the start of the range
    ("2021-06-01", None, "met"),               # began inside it, still so
    ("2019-01-01", "2020-12-31", "not_met"),   # ended the day before it began
    ("2022-01-01", None, "not_met"),           # began the day after it ended
    ("2021-12-31", "2021-12-31", "met"),       # one day, its last
])
def test_at_any_time_during(tmp_path, since, until, status):
    c = condition(tmp_path, "at_any_time_during(2021-01-01, 2021-12-31, "
                            "participant.executive_officer_since, "
                            "participant.executive_officer_until)",
                  case(executive_officer_since=since, executive_officer_until=until))
    assert c.status == status


def test_the_explanation_names_the_span_and_an_open_end(tmp_path):
    c = condition(tmp_path, "at_the_time_of(2021-01-01, participant.executive_officer_since, "
                            "participant.executive_officer_until)",
                  case(executive_officer_since="2020-01-01"))
    assert c.because == ("participant: executive officer since (2020-01-01) to "
                         "participant: executive officer until (not recorded: still so) includes "
                         "2021-01-01")


def test_a_span_function_takes_dates(tmp_path):
    with pytest.raises(PolicyError) as e:
        condition(tmp_path, "at_the_time_of(2021-01-01, participant.executive_officer_since)")
    (d,) = e.value.diagnostics
    assert d.code == "CP0303" and "the date a span began, the date it ended" in d.help
