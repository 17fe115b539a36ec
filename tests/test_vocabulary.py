"""The case vocabulary is declared, not coded: a record, a field, an enumeration value and a
question added to a declaration file, with no Python change, are at once validated in cases,
described in the JSON Schema, typed for the checker and asked as open questions."""

from __future__ import annotations

import textwrap

import pytest

from clawpolicy import vocabulary
from clawpolicy.api import PolicyError, compile_policy, evaluate, read_case
from clawpolicy.input.reader import LoadedCase, validate_case
from clawpolicy.core.diagnostics import DiagnosticError
from clawpolicy.tools import schema
from clawpolicy.vocabulary import VocabularyError
from tests.conftest import ROOT

SHIPPED = vocabulary.DEFAULT.read_text(encoding="utf-8")

# What a drafter adds: an enumeration value, a field of the award with its question, and a
# new record of the case with a field, its enumeration and its question.
ADDED = """
[case.fields.separation]
type = "record"
record = "separation"
absent = "all unknown"

[records.separation]
description = "How the participant left the company, if they did."

[records.separation.fields.reason]
type = "enum"
values = ["resigned", "terminated_for_cause", "retired"]
question = "Why did the participant leave the company?"

[records.separation.fields.date]
type = "date"

[records.award.fields.acknowledged]
type = "boolean"
question = "Did the participant acknowledge the clawback terms of award {award}?"
"""

POLICY = """
policy "Separation policy"
  adopted by "Committee" on 2019-02-08
  effective 2019-02-08
end

scope retention_bonuses
  clause "Scope"
  quote "retention bonuses"
  requires award.kind = retention_bonus
end

condition for_cause
  clause "Cause"
  quote "terminated for cause"
  requires separation.reason = terminated_for_cause and award.acknowledged
end

recoverable excess
  clause "Recovery"
  quote "the bonus"
  is award.amount_awarded
end

remedy repay
  clause "Repayment"
  quote "shall repay"
  shall recover up to min(excess, award.amount_paid)
end
"""

CASE = {"case_id": "left", "as_of": "2024-06-30",
        "awards": [{"id": "stay-2023", "kind": "retention_bonus", "acknowledged": True,
                    "amount_awarded": 50000, "amount_paid": 50000}],
        "separation": {"reason": None}}


@pytest.fixture
def extended(tmp_path):
    text = SHIPPED.replace('"discretionary_bonus",', '"discretionary_bonus", "retention_bonus",')
    assert text != SHIPPED
    path = tmp_path / "extended.toml"
    path.write_text(text + ADDED, encoding="utf-8")
    (tmp_path / "policy.claw").write_text(POLICY, encoding="utf-8")
    return vocabulary.load(path)


def _case(data: dict, vocab) -> LoadedCase:
    return LoadedCase(validate_case(data, "case.yaml", vocabulary=vocab), "case.yaml", {})


def test_the_new_record_field_and_value_are_validated_in_cases(extended):
    case = _case({**CASE, "separation": {"reason": "retired", "date": "2024-01-31"}},
                 extended).case
    assert case.separation.reason == "retired"
    assert case.awards[0].kind == "retention_bonus"
    assert case.awards[0].acknowledged is True
    assert _case({"case_id": "c", "as_of": "2024-06-30"}, extended).case.separation.reason \
        is None  # absent: every fact of the record unknown, as declared
    with pytest.raises(DiagnosticError) as caught:
        _case({**CASE, "separation": {"reason": "fired", "note": 1}}, extended)
    found = {d.code: d for d in caught.value.diagnostics}
    assert sorted((d.code, d.where) for d in found.values()) == [
        ("CP0408", "case.yaml: separation.note"), ("CP0409", "case.yaml: separation.reason")]
    assert "'terminated_for_cause'" in found["CP0409"].help
    assert found["CP0408"].help.startswith("expected one of: reason, date")
    # The shipped vocabulary knows none of it.
    with pytest.raises(DiagnosticError):
        _case(CASE, vocabulary.load())


def test_the_json_schema_describes_them(extended):
    rendered = schema.case_schema(extended)
    separation = rendered["$defs"]["Separation"]
    assert separation["description"] == "How the participant left the company, if they did."
    assert separation["properties"]["reason"]["anyOf"][0]["enum"] == [
        "resigned", "terminated_for_cause", "retired"]
    award = rendered["$defs"]["Award"]["properties"]
    assert "retention_bonus" in award["kind"]["anyOf"][0]["enum"]
    assert award["acknowledged"]["anyOf"][0] == {"type": "boolean"}
    assert rendered["properties"]["separation"]["$ref"] == "#/$defs/Separation"
    assert "Separation" not in schema.case_schema()["$defs"]


def test_a_policy_reading_them_checks_against_the_vocabulary(extended, tmp_path):
    policy = compile_policy(tmp_path / "policy.claw", vocabulary=extended)
    assert policy.vocabulary is extended
    with pytest.raises(PolicyError) as caught:
        compile_policy(tmp_path / "policy.claw")  # the shipped vocabulary has none of it
    assert {d.code for d in caught.value.diagnostics} >= {"CP0201", "CP0202"}


def test_a_pending_determination_asks_for_them_in_the_declared_words(extended, tmp_path):
    policy = compile_policy(tmp_path / "policy.claw", vocabulary=extended)
    d = evaluate(policy, _case(CASE, extended))
    assert d.outcome == "pending"
    (question,) = d.open_questions
    assert (question.fact, question.question) == (
        "separation.reason", "Why did the participant leave the company?")
    # Values that lead to the same result are one answer (docs/cases.md, "Open questions").
    assert [(a.if_, a.outcome) for a in question.answers] == [
        (["resigned", "retired"], "no_recovery"), ("terminated_for_cause", "recovery")]
    unacknowledged = {**CASE, "separation": {"reason": "terminated_for_cause"},
                      "awards": [{**CASE["awards"][0], "acknowledged": None}]}
    (question,) = evaluate(policy, _case(unacknowledged, extended)).open_questions
    assert (question.fact, question.question) == (
        "awards[0].acknowledged",
        "Did the participant acknowledge the clawback terms of award stay-2023?")


def test_a_case_read_with_another_vocabulary_is_refused(extended, tmp_path):
    policy = compile_policy(tmp_path / "policy.claw", vocabulary=extended)
    (tmp_path / "case.yaml").write_text("case_id: c\nas_of: 2024-06-30\n", encoding="utf-8")
    with pytest.raises(ValueError, match="another vocabulary"):
        evaluate(policy, read_case(tmp_path / "case.yaml"))
    assert evaluate(policy, read_case(tmp_path / "case.yaml", extended)).outcome == \
        "not_covered"


# ---------------------------------------------------------------- a vocabulary of its own

MINIMAL = """
[roles]
decided = "grants"
each = "grant"
subject = "employee"
subject_context = []
subject_example = "employee.director"
default_unit = "EUR"

[units.EUR]
places = 2
step = "0.01"

[examples]
records = "employee, grant"
lists = "`grants`"
facts = "employee, grant"

[case]
description = "One employee and their grants."

[case.fields.employee]
type = "record"
record = "employee"
absent = "all unknown"

[case.fields.grants]
type = "record"
record = "grant"
list = true
absent = "empty"

[records.employee.fields.director]
type = "boolean"
question = "Is the employee a director?"

[records.grant]
key = "id"

[records.grant.fields.id]
type = "text"
absent = "required"

[records.grant.fields.value]
type = "money"
question = "What is grant {grant} worth?"
"""


def test_the_engine_reads_roles_not_clawback_words(tmp_path):
    """Another list decided one by one, another name for its item, another subject, another
    default unit: nothing in the engine names the shipped ones."""
    (tmp_path / "v.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "p.claw").write_text(textwrap.dedent("""
        policy "Grants"
          adopted by "Board" on 2020-01-01
          effective 2020-01-01
        end

        scope directors
          clause "1"
          quote "directors"
          requires employee.director
        end

        recoverable worth
          clause "2"
          quote "the grant"
          is grant.value
        end

        remedy repay
          clause "3"
          quote "shall repay"
          shall recover up to worth
        end
        """), encoding="utf-8")
    mini = vocabulary.load(tmp_path / "v.toml")
    policy = compile_policy(tmp_path / "p.claw", vocabulary=mini)
    case = {"case_id": "g", "as_of": "2024-06-30", "grants": [{"id": "g1", "value": 100}]}
    d = evaluate(policy, _case(case, mini))
    assert d.outcome == "pending"
    assert [q.question for q in d.open_questions] == ["Is the employee a director?"]
    d = evaluate(policy, _case({**case, "employee": {"director": True}}, mini))
    assert (d.outcome, d.total_recoverable.amount, d.total_recoverable.unit) == (
        "recovery", "100.00", "EUR")
    d = evaluate(policy, _case({**case, "grants": [{"id": "g1"}],
                                "employee": {"director": True}}, mini))
    assert [q.question for q in d.open_questions] == ["What is grant g1 worth?"]


# ---------------------------------------------------------------- a vocabulary in error

@pytest.mark.parametrize("change, where, message", [
    (('type = "money"\nquestion = "What is grant {grant} worth?"',
      'type = "amount"\nquestion = "What is grant {grant} worth?"'),
     "records.grant.fields.value.type", "expected one of: text, boolean"),
    (("What is grant {grant} worth?", "What is grant {gant} worth?"),
     "records.grant.fields.value.question", "`{gant}` names no record with a key"),
    # A word a policy writes bare (an enum's word, a field of the case, the item decided)
    # cannot be one the language reads as its own: a policy could never name it.
    (('[records.grant]\n', '[records.employee.fields.rank]\ntype = "enum"\n'
      'values = ["vp", "and"]\n\n[records.grant]\n'), "records.employee.fields.rank.values",
     "`and` is a word of the policy language, which a policy cannot write as a name"),
    (("[case.fields.grants]", "[case.fields.end]"), "case.fields.end",
     "`end` is a word of the policy language"),
    (('each = "grant"', 'each = "count"'), "roles.each", "`count` is a word of the policy"),
    # A subject's context that is not a record is named at its own key; a path of what the
    # determination reports of the subject or an item that is not there is refused (it
    # reported nothing, in every determination, in silence).
    (('subject_context = []', 'subject_context = ["grants"]'), "roles.subject_context",
     "`grants` is not a record of the case"),
    (("[units.EUR]", '[roles.summary]\nid = "badge"\n\n[units.EUR]'), "roles.summary.id",
     "`badge` is not a path of the record employee"),
    (("[units.EUR]", '[roles.item_summary]\nawarded = "value.amount"\n\n[units.EUR]'),
     "roles.item_summary.awarded", "`value.amount` is not a path of the record grant"),
    # A unit a policy cannot write after a number, and a question in no words.
    (("[units.EUR]", '[units."EUR cents"]'), "units.EUR cents",
     "expected a unit a policy can write after a number"),
    (("[units.EUR]", "[units.days]"), "units.days", "not a unit of time"),
    (("[units.EUR]", "[units.dayrate]"), "units.dayrate", "nor a word that starts with one"),
    (("What is grant {grant} worth?", " "), "records.grant.fields.value.question",
     "expected a text"),
    # A placeholder that cannot be filled in is refused when the file is read, not when a
    # case is asked (an unclosed brace was a bare ValueError; `{}` failed in a determination).
    (("What is grant {grant} worth?", "What is grant {grant worth?"),
     "records.grant.fields.value.question", "a `{` is not closed; expected `{NAME}`"),
    (("What is grant {grant} worth?", "What is grant {grant}} worth?"),
     "records.grant.fields.value.question", "a `}` closes no `{`"),
    (("What is grant {grant} worth?", "What is grant {} worth?"),
     "records.grant.fields.value.question", "`{}` is not a placeholder"),
    (("What is grant {grant} worth?", "What is grant {grant!r} worth?"),
     "records.grant.fields.value.question", "`{grant!r}` is not a placeholder"),
    (('key = "id"', ""), "records.grant.fields.value.question",
     "`{grant}` names no record with a key"),
    (('default_unit = "EUR"', 'default_unit = "USD"'), "roles.default_unit",
     "expected one of the units: EUR"),
    (('decided = "grants"', 'decided = "employee"'), "roles.decided",
     "expected a list of records of the case"),
    (("[records.grant]\n", "[records.grant]\nsize = 3\n"), "records.grant.size",
     "unknown key"),
    (("places = 2", "places = 3"), "units", "the unit EUR is declared with 2 decimal places"),
    (('[records.grant]\n', '[records.employee.fields.badge]\ntype = "text"\n'
      'absent = "required"\n\n[records.grant]\n'), "records.employee.fields.badge.absent",
     "has no required field"),
    (('[records.grant]\n', '[records.employee.fields.boss]\ntype = "record"\n'
      'record = "employee"\n\n[records.grant]\n'), "records.employee",
     "the record holds itself (employee > employee)"),
    # An enum's words labelled: only an enum's, each with a text, one way across enums.
    (('question = "Is the employee a director?"', 'question = "Is the employee a director?"'
      '\nlabels = { yes = "Yes" }'), "records.employee.fields.director.labels",
     "only an enum labels its words"),
    (('[records.grant]\n', '[records.employee.fields.rank]\ntype = "enum"\nvalues = ["vp"]\n'
      'labels = { ceo = "CEO" }\n\n[records.grant]\n'), "records.employee.fields.rank.labels.ceo",
     "unknown key; expected one of: vp"),
    (('[records.grant]\n', '[records.employee.fields.rank]\ntype = "enum"\nvalues = ["vp"]\n'
      'labels = { vp = "" }\n\n[records.grant]\n'), "records.employee.fields.rank.labels.vp",
     "expected a text"),
    (('[records.grant]\n', '[records.employee.fields.rank]\ntype = "enum"\nvalues = ["vp"]\n'
      'labels = { vp = "VP" }\n\n[records.employee.fields.was]\ntype = "enum"\n'
      'values = ["vp"]\nlabels = { vp = "vice-president" }\n\n[records.grant]\n'),
     "records.employee.fields.was.labels.vp", '`vp` is labelled "VP" elsewhere'),
])
def test_a_vocabulary_in_error_says_where_and_what_was_expected(tmp_path, change, where,
                                                                  message):
    vocabulary.load(_write(tmp_path / "first", MINIMAL))  # declares EUR with 2 places
    path = _write(tmp_path / "second", MINIMAL.replace(*change))
    with pytest.raises(VocabularyError) as caught:
        vocabulary.load(path)
    assert str(caught.value).startswith(f"{path}: {where}: ")
    assert message in str(caught.value)


def _write(folder, text: str):
    folder.mkdir()
    (folder / "v.toml").write_text(text, encoding="utf-8")
    return folder / "v.toml"


def test_the_words_a_vocabulary_cannot_use_are_those_the_language_cannot_name(tmp_path):
    """declarations.NOT_A_NAME against the grammar: each of its words, written where a policy
    names an enumeration's word, is not read as a name; every other keyword is."""
    from clawpolicy.syntax import tokens
    from clawpolicy.vocabulary.declarations import NOT_A_NAME

    def named(word: str) -> bool:
        path = tmp_path / f"{word}.claw"
        path.write_text(textwrap.dedent(f"""
            policy "Words"
              effective 2020-01-01
            end

            scope s
              clause "1"
              quote "a"
              requires findings.misconduct in {{fraud, {word}}}
            end

            recoverable r
              clause "2"
              quote "b"
              is 0
            end

            remedy m
              clause "3"
              quote "c"
              shall recover up to r
            end
            """), encoding="utf-8")
        with pytest.raises(PolicyError) as caught:
            compile_policy(path)
        return caught.value.diagnostics[0].code == "CP0207"  # not a value of the enum

    words = {*tokens.BLOCKS, *tokens.KEYWORDS, *tokens.OPERATOR_WORDS, *tokens.CONSTANTS,
             *NOT_A_NAME, "satisfies", "known", "present", "min", "max"}
    assert {w for w in words if not named(w)} == set(NOT_A_NAME)


def test_a_unit_is_declared_as_a_policy_writes_it_after_a_number(tmp_path):
    """declarations.NOT_A_UNIT against the grammar: `5 WORD` is an amount in a unit for any
    word but those, which are durations."""
    from clawpolicy.core.source import SourceFile
    from clawpolicy.syntax.parse import parse
    from clawpolicy.vocabulary.declarations import NOT_A_UNIT

    def money(word: str) -> bool:
        try:
            tree = parse(SourceFile("u.claw", f'policy "U"\n  effective 2020-01-01\nend\n\n'
                                    f"define d\n  as 5 {word}\nend\n"))
        except DiagnosticError:
            return False
        return any(t.data == "money" for t in tree.iter_subtrees())

    words = (*NOT_A_UNIT, "USD", "shares", "points", "EUR_cents", "Day", "yearly", "dayrate",
             "months_left", "mon", "y")
    assert {w for w in words if not money(w)} == \
        {w for w in words if w.startswith(NOT_A_UNIT)}


def test_a_vocabulary_that_is_not_toml_is_refused(tmp_path):
    path = _write(tmp_path / "bad", "[roles\n")
    with pytest.raises(VocabularyError, match="is not valid TOML"):
        vocabulary.load(path)


def test_every_declared_field_and_value_is_documented():
    """cases.md describes the case format to people: a field declared and not documented
    there is one no drafter would know of."""
    import re

    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "cases.md").read_text(encoding="utf-8")
    declared = vocabulary.load().declarations
    fields = [*declared.fields, *(f for r in declared.records.values() for f in r.fields)]
    assert [f.name for f in fields if not re.search(rf"\b{f.name}\b", doc)] == []
    assert [v for f in fields for v in f.values if f"`{v}`" not in doc] == []


def test_every_field_of_a_record_is_asked_in_words():
    """An open question on a record's field asks it in the vocabulary's words: a field with
    no `question` was asked as its path ("What is stock_sales[1].profit?"). A field the case
    must give (`absent = "required"`) is never asked."""
    declared = vocabulary.load().declarations
    unasked = [f"{r.name}.{f.name}" for r in declared.records.values() for f in r.fields
               if f.question is None and f.absent != "required"]
    assert unasked == []


# ---------------------------------------------------------------- a list derived through a table

def _roles(positions, **participant):
    case = validate_case({"case_id": "r", "as_of": "2024-06-30",
                          "participant": {"positions": positions, **participant}}, "case.yaml")
    roles = case.participant.roles
    return None if roles is None else [(r.role, r.title) for r in roles]


def test_roles_come_from_titles_whatever_their_spelling():
    assert _roles(["Chief Executive Officer", "acting  c.f.o.", "Interim Chief Financial "
                   "Officer", "General Counsel"]) == [
        ("chief_executive_officer", "Chief Executive Officer"),
        ("chief_financial_officer", "acting  c.f.o."),
        ("chief_financial_officer", "Interim Chief Financial Officer")]



def test_titles_as_filings_spell_them_carry_their_roles():
    # An ampersand and a hyphen are spellings, not different titles; a title that names two
    # statutory offices carries both; Rule 16a-1(f) names the president as an officer.
    assert _roles(["President & C.E.O.", "Co-CEO", "EVP & CFO", "Chief Financial and "
                   "Accounting Officer", "President"]) == [
        ("chief_executive_officer", "President & C.E.O."),
        ("chief_executive_officer", "Co-CEO"),
        ("chief_financial_officer", "EVP & CFO"),
        ("chief_financial_officer", "Chief Financial and Accounting Officer"),
        ("principal_accounting_officer", "Chief Financial and Accounting Officer"),
        ("executive_officer", "President")]
    # A division's president is not the president Rule 16a-1(f) names: asked, never guessed.
    assert _roles(["President, Americas"]) == [(None, "President, Americas")]

def test_a_title_the_table_does_not_know_gives_a_role_not_known():
    # Never "no role": a policy that turns on it asks (examples/cases/revisions/21-*.yaml).
    assert _roles(["CEO", "Executive Chair"]) == [("chief_executive_officer", "CEO"),
                                                   (None, "Executive Chair")]


def test_roles_given_are_read_as_given_and_unknown_titles_leave_them_unknown():
    assert _roles(["CEO"], roles=[]) == []
    assert _roles(["Executive Chair"], roles=[{"role": "chief_executive_officer"}]) == [
        ("chief_executive_officer", None)]
    assert _roles(None) is None


@pytest.mark.parametrize("change, where, message", [
    (('"CFO" = [{ role = "chief_financial_officer" }]',
      '"CFO" = [{ role = "chief_financial_officer" }]\n"C.F.O." = []'),
     "tables.titles.C.F.O.", "another text of the table reads the same"),
    (('"CFO" = [{ role = "chief_financial_officer" }]', '"CFO" = [{ role = "cfo" }]'),
     "tables.titles.cfo.role", "`cfo` does not fit the field `role`"),
    (('"CFO" = [{ role = "chief_financial_officer" }]', '"CFO" = [{ title = "x" }]'),
     "tables.titles.cfo.title", "(not `title`)"),
    (('table = "titles"', 'table = "names"'), "records.participant.fields.roles.derive.table",
     "expected one of the tables: titles"),
    (('from = "positions"', 'from = "name"'), "records.participant.fields.roles.derive.from",
     "expected a list of texts of the record"),
])
def test_a_table_in_error_says_where_and_what_was_expected(tmp_path, change, where, message):
    assert change[0] in SHIPPED
    path = _write(tmp_path / "v", SHIPPED.replace(*change))
    with pytest.raises(VocabularyError) as caught:
        vocabulary.load(path)
    assert str(caught.value).startswith(f"{path}: {where}: ")
    assert message in str(caught.value)


# ---------------------------------------------------------------- a field that is another's when absent

def test_attained_is_received_where_the_case_gives_none():
    awards = validate_case({"case_id": "a", "as_of": "2024-06-30", "awards": [
        {"id": "a", "received": "2024-02-23"},
        {"id": "b", "received": "2024-02-23", "attained": "2023-12-31"},
        {"id": "c", "received": "2024-02-23", "attained": None},
        {"id": "d"}]}, "case.yaml").awards
    assert [(str(a.received), str(a.attained)) for a in awards] == [
        ("2024-02-23", "2024-02-23"), ("2024-02-23", "2023-12-31"),
        ("2024-02-23", "2024-02-23"), ("None", "None")]


@pytest.mark.parametrize("same_as", ["kind", "attained", "nothing"])
def test_a_field_takes_only_the_value_of_another_of_its_type(tmp_path, same_as):
    text = SHIPPED.replace('same_as = "received"', f'same_as = "{same_as}"')
    path = _write(tmp_path / "v", text)
    with pytest.raises(VocabularyError) as caught:
        vocabulary.load(path)
    assert str(caught.value).startswith(
        f"{path}: records.award.fields.attained.same_as: expected another field of the record")


# ---------------------------------------------------------------- format versions

@pytest.mark.parametrize("version", [None, 1, 2, 3, 4, 5, 6])
def test_a_case_file_of_this_or_an_earlier_format_version_is_read(version):
    case = validate_case({"case_id": "v", "as_of": "2024-06-30", "format_version": version},
                         "case.yaml")
    assert case.format_version == version


@pytest.mark.parametrize("version", [7, 0, True, "2"])
def test_a_later_or_malformed_format_version_is_refused(version):
    with pytest.raises(DiagnosticError) as caught:
        validate_case({"case_id": "v", "as_of": "2024-06-30", "format_version": version},
                      "case.yaml")
    (d,) = caught.value.diagnostics
    assert d.code == "CP0410" and d.help.startswith("expected a format version from 1 to 6")


def test_a_vocabulary_declares_a_whole_format_version(tmp_path):
    path = _write(tmp_path / "v", SHIPPED.replace("format_version = 6", 'format_version = "6"'))
    with pytest.raises(VocabularyError, match="case.format_version: expected a whole number"):
        vocabulary.load(path)


def test_a_statement_dated_before_its_period_ended_stays_a_valid_case(tmp_path):
    # The rule that statements are filed and issued once their period has ended bounds the
    # answers an open question tries (`refuse = false`); a case file that breaks it was valid
    # before the rule was declared, and stays valid (case-format.md).
    from clawpolicy.api import read_case

    path = tmp_path / "early.yaml"
    path.write_text("case_id: early\nas_of: 2024-06-30\nstatements:\n  - id: FY2023\n"
                    "    period_end: 2023-12-31\n    first_public_issuance: 2023-06-30\n"
                    "    original_filing_date: 2023-02-16\n", encoding="utf-8")
    (statement,) = read_case(path).case.statements
    assert statement.first_public_issuance.isoformat() == "2023-06-30"


def test_a_constraint_that_refuses_nothing_is_declared_with_refuse_false():
    from clawpolicy import vocabulary as vocabularies

    (statement,) = [r for r in vocabularies.load().declarations.records.values()
                    if r.name == "statement"]
    assert {(c.field, c.at_most, c.refuse) for c in statement.constraints} == {
        ("period_end", "original_filing_date", False),
        ("period_end", "first_public_issuance", False)}


def test_an_enum_word_reads_as_its_label_or_in_words():
    shipped = vocabulary.load()
    assert shipped.word("section16_officer") == "Section 16 officer"
    assert shipped.word("chief_financial_officer") == "chief financial officer"


def test_the_memo_speaks_the_policys_own_vocabulary(tmp_path):
    # A label and a kind's label only this vocabulary gives: the memo (text, Markdown, HTML)
    # of a policy checked against it reads them, not the shipped vocabulary's words.
    from clawpolicy.render import html, layout

    text = SHIPPED.replace('labels = { section16_officer = "Section 16 officer" }',
                           'labels = { section16_officer = "S16 officer (custom)" }')
    text = text.replace('[records.award.fields.kind]\ntype = "enum"',
                        '[records.award.fields.kind]\ntype = "enum"\n'
                        'labels = { cash_incentive = "annual bonus (custom)" }')
    assert text.count("(custom)") == 2
    mine = vocabulary.load(_write(tmp_path / "mine", text))
    policy = compile_policy(ROOT / "policies" / "qualys.claw", vocabulary=mine)
    case = read_case(ROOT / "examples" / "cases" / "28-section16-role-given.yaml", mine)
    d = evaluate(policy, case)
    for memo in (layout.text(d, vocabulary=mine), layout.markdown(d, vocabulary=mine),
                 html.render(d, vocabulary=mine)):
        assert "S16 officer (custom)" in memo and "annual bonus (custom)" in memo


def test_the_case_models_are_built_without_compiling_tokenize():
    """Pydantic reads each default factory's signature; `list`'s is read from its text,
    which compiles `tokenize`'s expressions on the first one (1.3 ms of a cold `check`):
    the models' factories are functions, whose signature is read from their code. In a
    fresh process, where nothing else has tokenized yet."""
    import subprocess
    import sys

    code = ("import tokenize\n"
            "from clawpolicy.vocabulary import load\n"
            "load().models\n"
            "print(tokenize._compile.cache_info().misses)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.stdout.strip() == "0", done.stderr
