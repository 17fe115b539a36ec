"""What a valid policy would fail on at run time, found without a case: a read of a record
that may be absent, with no guard before it (an error where a case without the record must
reach it, CP0306; a lint warning where it only may, CP1008), and dates moved out of the
calendar (CP1009). The guard analysis is checked against the evaluator itself."""

from __future__ import annotations

import itertools
import textwrap
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clawpolicy.api import PolicyError, compile_policy, evaluate
from clawpolicy.input.reader import LoadedCase, validate_case
from clawpolicy.check import hazards
from clawpolicy.syntax import ast
from clawpolicy.syntax.printer import unparse
from clawpolicy.tools.lint import lint
from tests.conftest import ROOT
from tests.strategies import fuzzed

BASE = (ROOT / "tests" / "bad_policies" / "_base.claw").read_text()


def write(tmp_path, rules: str):
    path = tmp_path / "p.claw"
    path.write_text(BASE + textwrap.dedent(rules))
    return path


def rules(scope: str | None, condition: str) -> str:
    text = ""
    if scope is not None:
        text += f'scope s\n  clause "S"\n  quote "s"\n  requires {scope}\nend\n'
    return text + f'condition c\n  clause "C"\n  quote "c"\n  requires {condition}\nend\n'


def findings(tmp_path, scope: str | None, condition: str) -> list[str]:
    """The codes of the unguarded reads: CP0306 from the checker, CP1008 from lint."""
    path = write(tmp_path, rules(scope, condition))
    try:
        compile_policy(path)
    except PolicyError as error:
        return [d.code for d in error.diagnostics]
    return [w.code for w in lint(path)[1] if w.code == "CP1008"]


@pytest.mark.parametrize("scope, condition, codes", [
    (None, "restatement.material", ["CP0306"]),
    (None, "findings.should_repay and restatement.material", ["CP0306"]),
    (None, "restatement is present and restatement.material", []),
    (None, "restatement is absent or restatement.material", []),
    (None, "not (restatement is absent) and restatement.material", []),
    (None, "if restatement is present then restatement.material else false", []),
    (None, "if restatement is absent then false else restatement.material", []),
    (None, "if restatement is absent then restatement.material else false", ["CP0306"]),
    (None, "restatement is present or restatement.material", ["CP0306"]),
    (None, "(restatement is present or findings.should_repay) and restatement.material",
     ["CP0306"]),
    (None, "(restatement is present and findings.should_repay) and restatement.material", []),
    (None, "restatement is present and (findings.should_repay or restatement.material)", []),
    # A read settles that the record is there for the reads after it: reported once.
    (None, "restatement.material and restatement.kind = big_r", ["CP0306"]),
    # A scope that requires the record guards every condition.
    ("restatement is present", "restatement.material", []),
    ("restatement is present or findings.should_repay", "restatement.material", ["CP0306"]),
    ("findings.should_repay", "restatement.material", ["CP0306"]),
    # Behind a test that reads no fact, or a field of the record, it may not be reached.
    (None, "1 < 2 and restatement.material", ["CP1008"]),
    (None, "false and restatement.material", []),  # never read: `false` settles `and`
    (None, "(findings.should_repay and restatement.material) or restatement.kind = big_r",
     ["CP0306", "CP1008"]),
])
def test_unguarded_reads(tmp_path, scope, condition, codes):
    found = findings(tmp_path, scope, condition)
    if "CP0306" in codes:  # lint's warnings come only once the checker accepts the policy
        codes = [c for c in codes if c == "CP0306"]
    assert found == codes


def test_a_definition_is_followed_where_it_is_used(tmp_path):
    path = write(tmp_path, '''
        define material as restatement.material end
        condition guarded
          clause "C"
          quote "c"
          requires restatement is present and material
        end
        condition bare
          clause "C"
          quote "c"
          requires findings.should_repay and material
        end
        ''')
    with pytest.raises(PolicyError) as caught:
        compile_policy(path)
    (error,) = caught.value.diagnostics
    assert (error.code, error.span.line_col) == ("CP0306", (19, 20))  # in the definition
    assert error.message == "`restatement.material` is read even when the case has no " \
                            "restatement"
    assert error.help == f"test that there is one where `material` is used ({path}:28:38): " \
                         "`restatement is present and material`; a case without a " \
                         "restatement stops here (CP0501)"


def test_a_revision_that_removes_the_guarding_scope_exposes_the_condition(tmp_path):
    path = write(tmp_path, '''
        scope restated
          clause "S"
          quote "s"
          requires restatement is present
        end
        condition material
          clause "C"
          quote "c"
          requires restatement.material
        end
        revision officers
          clause "R"
          quote "r"
          applies to participant.section16_officer
          remove scope restated
            clause "R"
            quote "r"
          end
        end
        ''')
    with pytest.raises(PolicyError) as caught:
        compile_policy(path)
    assert [d.code for d in caught.value.diagnostics] == ["CP0306"]


# ---------------------------------------------------------------- against the evaluator

LEAVES = st.sampled_from([
    ast.Test(ast.Name("restatement"), "present"),
    ast.Test(ast.Name("restatement"), "absent"),
    ast.Field(ast.Name("restatement"), "material"),
    ast.Binary("=", ast.Field(ast.Name("restatement"), "kind"), ast.Name("big_r")),
    ast.Field(ast.Name("findings"), "should_repay"),
    ast.Field(ast.Name("participant"), "section16_officer"),
    ast.Bool(True), ast.Bool(False),
])
CONDITIONS = st.recursive(LEAVES, lambda inner: st.one_of(
    st.builds(ast.Logical, st.sampled_from(["and", "or"]), inner, inner),
    st.builds(ast.Unary, st.just("not"), inner),
    st.builds(ast.If, inner, inner, inner)), max_leaves=6)
# Every case without a restatement, as far as the conditions can tell them apart.
WITNESSES = [
    {"case_id": "w", "as_of": "2024-06-30", "restatement": None,
     "findings": {"should_repay": repay}, "participant": {"section16_officer": officer},
     "awards": [{"id": "a", "amount_awarded": 100, "amount_paid": 100,
                 "amount_as_restated": 60}]}
    for repay, officer in itertools.product((True, False, None), repeat=2)]


def _fails_on(policy) -> list[bool]:
    failed = []
    for case in WITNESSES:
        try:
            evaluate(policy, LoadedCase(validate_case(case, "case.yaml"), "case.yaml", {}))
            failed.append(False)
        except PolicyError as error:
            assert [d.code for d in error.diagnostics] == ["CP0501"]
            failed.append(True)
    return failed


@fuzzed(150)
@given(st.one_of(st.none(), CONDITIONS), CONDITIONS)
def test_an_error_fails_on_some_case_and_no_finding_fails_on_none(tmp_path_factory, scope,
                                                                   condition):
    path = write(tmp_path_factory.mktemp("h"), rules(
        unparse(scope) if scope is not None else None, unparse(condition)))
    with mock.patch.object(hazards, "unguarded_reads", lambda *args: []):
        policy = compile_policy(path)  # accepted whatever it reads, to be run
    found = hazards.unguarded_reads(policy.rules, policy.revisions, policy.resolutions,
                                    policy.case_type)
    failed = _fails_on(policy)
    if any(r.certain for r in found):
        assert any(failed), "an error (CP0306) on a policy no case without it fails on"
    if not found:
        assert not any(failed), "a read the analysis takes for guarded fails on a case"


# ---------------------------------------------------------------- the calendar

@pytest.mark.parametrize("expression, messages", [
    ("as_of <= award.granted + 3 years", []),
    ("as_of <= award.granted + 100 years", []),
    ("as_of <= award.granted + 1201 months",
     ["`award.granted + 1201 months` can leave the calendar: it moves a date by more than 100 "
      "years"]),
    ("as_of <= award.granted + 60 years + 60 years",
     ["`award.granted + 60 years + 60 years` can leave the calendar: it moves a date by more "
      "than 100 years"]),
    ("as_of > effective_date - 2019 years",
     ["`effective_date - 2019 years` falls outside the calendar"]),
    ("as_of > 9999-01-01 + 1 year", ["`9999-01-01 + 1 year` falls outside the calendar"]),
    ("as_of > effective_date + 500 years", []),  # a date the policy fixes: it stays inside
])
def test_dates_moved_out_of_the_calendar(tmp_path, expression, messages):
    path = write(tmp_path, rules(None, expression))
    assert [w.message for w in lint(path)[1] if w.code == "CP1009"] == messages


def test_a_duration_named_by_a_definition_counts(tmp_path):
    path = write(tmp_path, '''
        define window as 150 years end
        condition c
          clause "C"
          quote "c"
          requires as_of <= award.granted + window
        end
        ''')
    assert [w.code for w in lint(path)[1] if w.code != "CP1006"] == ["CP1009"]


# ---------------------------------------------------------------- messages that teach

@pytest.mark.parametrize("word", ["any", "every", "sum", "count"])
def test_a_rule_named_by_a_word_that_opens_an_expression_is_refused_where_it_is_named(
        tmp_path, word):
    """`define count as 1 end` parses (a name follows `define`), but every expression reads
    `count` as the language's own `count(...)`: without this refusal the drafter meets a
    syntax error at each use, far from the cause."""
    path = write(tmp_path, f"define {word} as 1 end\n")
    with pytest.raises(PolicyError) as caught:
        compile_policy(path)
    (error,) = caught.value.diagnostics
    assert (error.code, error.span.text) == ("CP0209", word)
    assert error.help == f"`{word}` opens an expression of the language (`{word}(...)`), so " \
        "no expression could read a rule of that name; choose another name for this " \
        f"definition, such as `{word}_definition`"


def test_the_words_opening_an_expression_are_those_a_vocabulary_cannot_name_either():
    from clawpolicy.check.policy import OPENING_WORDS
    from clawpolicy.vocabulary.declarations import NOT_A_NAME
    assert set(OPENING_WORDS) <= set(NOT_A_NAME)


def test_a_reserved_name_is_offered_a_free_alternative(tmp_path):
    path = write(tmp_path, '''
        define title_definition as 1 end
        define title as 2 end
        ''')
    with pytest.raises(PolicyError) as caught:
        compile_policy(path)
    (error,) = caught.value.diagnostics
    assert error.code == "CP0209"
    assert error.help == "`title` is a field of the case (`title:` in a case file); choose " \
                         "another name for this definition, such as `title_definition_2`"
