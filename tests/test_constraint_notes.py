"""How the vocabulary's constraints are said: a note on a case that breaks one writes its
amounts as the memo writes amounts, and a constraint naming no field after `case.` is told
so (the review of asof13)."""

from __future__ import annotations

import pytest
import yaml

from clawpolicy import api, vocabulary
from clawpolicy.input.reader import read_file
from clawpolicy.vocabulary import VocabularyError
from tests.conftest import POLICIES, ROOT

SHIPPED = (ROOT / "clawpolicy" / "vocabulary" / "case.toml").read_text(encoding="utf-8")
PAID = ('message = """expected amount_paid to be at most amount_awarded, which counts paid '
        'and unpaid \\\ntogether"""')


@pytest.mark.parametrize("paid, awarded, said", [
    ("500000", "400000", "500,000.00 USD, past amount_awarded (400,000.00 USD)"),
    ("500000.00", "400000.000", "500,000.00 USD, past amount_awarded (400,000.00 USD)"),
    ("500000.5", "400000", "500,000.50 USD, past amount_awarded (400,000.00 USD)"),
])
def test_a_broken_constraint_s_amounts_are_written_as_the_memo_writes_them(
        tmp_path, paid, awarded, said):
    """The amount paid at most the amount awarded, made to refuse nothing: a case paying
    more is read with a note, whose amounts do not follow the case file's spelling (they
    read `500000.00 ... (400000.000)`)."""
    assert PAID in SHIPPED
    toml = tmp_path / "v.toml"
    toml.write_text(SHIPPED.replace(PAID, PAID + "\nrefuse = false", 1), encoding="utf-8")
    loaded = vocabulary.load(toml)
    policy = api.compile_policy(POLICIES / "qualys.claw", vocabulary=loaded)
    data = read_file(ROOT / "examples" / "cases" / "16-partly-paid-award.yaml")
    data.pop("expect")
    data["awards"][0].update(amount_paid=paid, amount_awarded=awarded)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    determination = api.evaluate(policy, api.read_case(path, vocabulary=loaded))
    (note,) = [n.text for n in determination.notes if n.source == "case"]
    assert note.startswith(f"awards[0].amount_paid is {said}: expected amount_paid"), note


def test_case_dot_alone_names_no_field_of_the_case(tmp_path):
    """`at_most = "case."` said "`case.` is not an amount, a number or a date of the
    record": of_case, empty, was read as no field of the case at all."""
    path = tmp_path / "v.toml"
    path.write_text(SHIPPED.replace('at_most = "case.as_of"', 'at_most = "case."', 1),
                    encoding="utf-8")
    with pytest.raises(VocabularyError) as caught:
        vocabulary.load(path)
    said = str(caught.value)
    assert "records.award.constraints[2]: `case.` names no field of the case: expected " \
           "`case.NAME`" in said, said
    assert "is not an amount" not in said


def test_the_constraints_walk_only_the_records_that_can_break_one(tmp_path):
    """broken_constraints walks only the records that hold, or lead to, a constraint that
    refuses nothing (the award, the statement): on generated cases it finds what walking
    every record finds, and finds some; so too with the amount paid's constraint made to
    refuse nothing."""
    from clawpolicy.input.reader import validate_case
    from clawpolicy.vocabulary.models import broken_constraints
    from tests.conftest import generator

    toml = tmp_path / "v.toml"
    toml.write_text(SHIPPED.replace(PAID, PAID + "\nrefuse = false", 1), encoding="utf-8")
    for v in (vocabulary.load(), vocabulary.load(toml)):
        found = set()
        for i, data in enumerate(generator()(300, 11, 1, 6)):
            if i % 3 == 0 and data.get("statements"):  # a period ending after its filing
                data["statements"][0]["period_end"] = "9999-12-31"
            case = validate_case(data, "case", vocabulary=v)
            walked = broken_constraints(v.declarations, case)
            assert walked == broken_constraints(v.declarations, case, pruned=False)
            found.update(path.split("[")[0] for path, *_ in walked)
        assert found == {"awards", "statements"}
