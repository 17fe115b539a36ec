"""`excuse` rules: an exception that excuses part or all of an award's recoverable amount is
reported as `excused`, never as a fifth outcome, and one whose test is unknown leaves the
award pending with its facts asked."""

from __future__ import annotations

import json

import pytest

from clawpolicy.render import json as json_render
from tests.test_interp import CASE, determine


def excuse(when: str, amount: str) -> str:
    return f"""
        excuse hardship
          clause "Exception (a)"
          quote "need not recover"
          when {when}
          excuses {amount}
        end
        """


def test_an_excuse_that_holds_takes_its_amount_off_what_is_recovered(tmp_path):
    d = determine(tmp_path, excuse("true", "15"))
    (a,) = d.awards
    assert (a.outcome, a.recoverable.amount, a.recoverable_compensation.amount) == \
        ("recovery", "25.00", "40.00")
    assert a.excused.model_dump() == {"amount": "15.00", "unit": "USD", "exception": "hardship",
                                      "clause": "Exception (a)", "quote": "need not recover",
                                      "source": "policy"}
    assert [r.up_to.amount for r in a.remedies] == ["25.00"]
    assert json.loads(json_render.render(d))["total_excused"] == {"amount": "15.00",
                                                                  "unit": "USD"}


def test_an_excuse_reaches_at_most_the_recoverable_amount(tmp_path):
    (a,) = determine(tmp_path, excuse("true", "1000")).awards
    assert (a.outcome, a.recoverable.amount, a.excused.amount) == ("no_recovery", "0.00", "40.00")
    assert a.remedies == []


@pytest.mark.parametrize("amount", ["0", "0 - 5"])
def test_an_excuse_of_nothing_is_not_reported(tmp_path, amount):
    d = determine(tmp_path, excuse("true", amount))
    assert d.awards[0].excused is None and d.total_excused is None
    assert "total_excused" not in json.loads(json_render.render(d))


def test_an_excuse_that_does_not_hold_changes_nothing(tmp_path):
    (a,) = determine(tmp_path, excuse("false", "15")).awards
    assert (a.outcome, a.recoverable.amount, a.excused) == ("recovery", "40.00", None)


def test_an_unknown_excuse_leaves_the_award_pending_and_asks_its_facts(tmp_path):
    d = determine(tmp_path, excuse("findings.misconduct = none", "15"))
    assert d.awards[0].outcome == "pending" and d.awards[0].excused is None
    (q,) = d.open_questions
    assert q.fact == "findings.misconduct"
    assert {(str(x.if_), x.outcome, x.recoverable.amount if x.recoverable else None)
            for x in q.answers} == {("none", "recovery", "25.00"),
                                    ("['fraud', 'intentional_misconduct', 'gross_negligence']",
                                     "recovery", "40.00")}


def test_an_excuse_on_a_share_award_is_in_shares(tmp_path):
    case = json.loads(json.dumps(CASE))
    case["awards"][0]["unit"] = "shares"
    (a,) = determine(tmp_path, excuse("true", "15"), case).awards
    assert (a.excused.amount, a.excused.unit, a.recoverable.amount) == ("15", "shares", "25")


def test_an_excuse_must_test_a_condition_and_excuse_an_amount(tmp_path):
    from clawpolicy.api import PolicyError

    with pytest.raises(PolicyError) as e:
        determine(tmp_path, excuse("15", "true"))
    messages = [d.message for d in e.value.diagnostics]
    assert any("`when` needs a condition" in m for m in messages)
    assert any("an excused amount must be money" in m for m in messages)


def test_the_memo_gives_the_note_the_engine_recorded_as_deciding_not_one_worded_like_it(
        tmp_path):
    # The line of an award without recovery says why by the note the engine recorded as
    # deciding its amount, not by the first note that reads like one (memo._deciding_note).
    from clawpolicy.render import layout

    d = determine(tmp_path, excuse("true", "1000"))
    (a,) = d.awards
    decided = a.decided_by()
    assert decided in a.notes and decided.startswith("hardship excuses 40.00 USD of ")
    decoy = "hardship excuses nothing: a note worded as the engine words an exception"
    shown = d.model_copy(update={"awards": [a.model_copy(update={"notes": [decoy, *a.notes]})]})
    memo = " ".join(layout.text(shown, "full").split())
    assert f"a: no recovery, because {' '.join(decided.split())}" in memo
    assert f"because {decoy}" not in memo


def test_an_exception_that_excuses_part_is_not_what_decides_an_award_without_recovery(
        tmp_path):
    # 40 owed, 15 excused, nothing paid: the remedies reach none of the 25 left, which is
    # why nothing is recovered, not the exception, which excused only part.
    from clawpolicy.render import layout

    case = json.loads(json.dumps(CASE))
    case["awards"][0]["amount_paid"] = 0
    d = determine(tmp_path, excuse("true", "15"), case)
    (a,) = d.awards
    assert (a.outcome, a.excused.amount) == ("no_recovery", "15.00")
    assert a.decided_by() == "excess is 25.00 USD once excused, but the available remedies " \
        "reach only 0.00 USD"
    memo = " ".join(layout.text(d, "full").split())
    assert "a: no recovery, because excess is 25.00 USD once excused, but the available " \
        "remedies reach only 0.00 USD" in memo
