"""`clawpolicy lint` and `clawpolicy trace`: the shipped policies are clean and fully traced,
and each warning fires where it should."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from clawpolicy.cli import EXIT_FINDINGS, EXIT_POLICY, app
from clawpolicy.core.source import SourceFile
from clawpolicy.tools.lint import lint
from clawpolicy.check.sentences import sentences
from tests.conftest import POLICIES, ROOT

runner = CliRunner()
SOURCE = """Example Co.

Clawback Policy

Example Co. is committed to good governance. If the statements are materially restated,
the executive shall repay the excess.

This policy applies to bonuses granted on or after the Effective Date.
"""


def policy_file(tmp_path, source: str, body: str) -> str:
    """A policy of the header below and the blocks `body` (indented as written here),
    beside its source document `source`."""
    (tmp_path / "text.txt").write_text(source)
    path = tmp_path / "p.claw"
    path.write_text(textwrap.dedent('''
        policy "Example"
          effective 2020-01-01
          source "text.txt"
        end
        ''') + textwrap.dedent(body).lstrip("\n"))
    return str(path)


def write_policy(tmp_path, rules: str) -> str:
    return policy_file(tmp_path, SOURCE, textwrap.dedent('''
        recital heading
          clause "Title"
          quote "Example Co."
          quote "Clawback Policy"
          because "A title."
        end
        recital purpose
          clause "Preamble"
          quote "is committed to good governance"
          because "A statement of purpose."
        end
        recoverable excess
          clause "Repayment"
          quote "the executive shall repay the excess"
          is max(award.amount_awarded - award.amount_as_restated, 0)
        end
        remedy repay
          clause "Repayment"
          quote "the executive shall repay the excess"
          shall recover up to min(excess, award.amount_paid)
        end
        ''') + textwrap.dedent(rules))


@pytest.mark.parametrize("policy", ["qualys-2019.claw", "qualys.claw"])
def test_shipped_policies_lint_clean_and_trace_every_operative_sentence(policy):
    result = runner.invoke(app, ["lint", str(POLICIES / policy)])
    assert result.exit_code == 0, result.output
    traced = runner.invoke(app, ["trace", str(POLICIES / policy)])
    assert traced.exit_code == 0
    assert traced.stdout.rstrip().endswith("13 of 13 operative sentences encoded")


def test_each_warning_fires_where_it_should(tmp_path):
    path = write_policy(tmp_path, '''
        define unused
          as award.amount_paid > 0
        end
        condition always
          clause "Restatement"
          quote "If the statements are materially restated"
          requires 1 < 2
        end
        condition never
          clause "Restatement"
          quote "If the statements were restated"
          requires effective_date > 2030-01-01
        end
        ''')
    errors, warnings = lint(path)
    assert errors == []
    assert [(w.code, w.message) for w in warnings] == [
        ("CP1001", "the definition `unused` is never used"),
        ("CP1003", "the condition `always` never fails"),
        ("CP1004", "a quotation of `never` is not in the source document word for word"),
        ("CP1002", "the condition `never` can never hold"),
        ("CP1005", "sentence 5 of the source document is encoded by no rule"),
    ]
    assert str(warnings[-1].span) == f"{tmp_path}/text.txt:8:1"


def test_lint_exit_codes(tmp_path):
    clean = write_policy(tmp_path, '''
        scope granted
          clause "Applicability"
          quote "applies to bonuses granted on or after the Effective Date"
          requires award.granted >= effective_date
        end
        condition restated
          clause "Restatement"
          quote "If the statements are materially restated"
          requires restatement is present and restatement.material
        end
        ''')
    assert runner.invoke(app, ["lint", clean]).exit_code == 0
    (tmp_path / "warn").mkdir()
    warned = write_policy(tmp_path / "warn", "")
    result = runner.invoke(app, ["lint", warned])
    assert result.exit_code == EXIT_FINDINGS and "warning[CP1005]" in result.stderr
    result = runner.invoke(app, ["lint", str(ROOT / "tests/bad_policies/unknown_name.claw")])
    assert result.exit_code == EXIT_POLICY and "error[CP0201]" in result.stderr


def test_trace_markdown_is_a_table_a_lawyer_can_review():
    result = runner.invoke(app, ["trace", str(POLICIES / "qualys-2019.claw"), "-f", "markdown"])
    lines = result.stdout.splitlines()
    assert "| # | Sentence | Encoded by |" in lines
    assert any(line.startswith("| 1 | Qualys, Inc. | non-operative: `document_title`")
               for line in lines)
    assert any(line.startswith("| 7 | all or a portion of the Company's financial statements "
                               "are materially restated; | `material_restatement` |")
               for line in lines)


def test_sentences_split_where_a_lawyer_would():
    text = ('Acme, Inc. (the "Company") adopts this. The Company may act.\n\n'
            "If:\n\n- one thing holds;\n- another holds; and\n\n"
            "then the officer repays the total\n\nprofit and nothing more.\n")
    assert [s.text for s in sentences(SourceFile("t.txt", text))] == [
        'Acme, Inc. (the "Company") adopts this.', "The Company may act.", "If:",
        "one thing holds;", "another holds; and", "then the officer repays the total profit "
        "and nothing more."]


# ---------------------------------------------------------------- quotations that count

def _traced(path: str) -> str:
    result = runner.invoke(app, ["trace", path])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_one_word_quotation_cannot_reach_a_full_trace_without_a_warning(tmp_path):
    path = write_policy(tmp_path, '''
        scope granted
          clause "Applicability"
          quote "bonuses"
          requires award.granted >= effective_date
        end
        ''')
    errors, warnings = lint(path)
    assert errors == []
    assert [(w.code, w.message, w.help) for w in warnings] == [(
        "CP1007", "the quotation of `granted` is too short to identify sentence 5",
        "it covers 1 of the sentence's 12 words; a quotation counts for a sentence from 4 "
        "words and a quarter of it: quote at least 4 words of sentence 5")]
    assert str(warnings[0].span) == f"{path}:30:9"
    traced = _traced(path)
    assert "  5  This policy applies to bonuses granted on or after the Effective Date.\n" \
           "     encoded by: NOTHING\n" \
           "     quoted too briefly to count: granted (1 of 12 words)\n" in traced
    assert traced.endswith("1 of 2 operative sentences encoded\n")


def test_a_defined_term_quoted_alone_counts_nowhere_and_is_warned_about_once(tmp_path):
    # "the excess" stands in sentence 4 only; "the" in sentences 4 and 5: a quotation of a
    # few words identifies no sentence, however often it recurs.
    path = write_policy(tmp_path, '''
        scope granted
          clause "Applicability"
          quote "This policy applies to bonuses granted"
          requires award.granted >= effective_date
        end
        define term
          clause "Definitions"
          quote "the"
          as 1
        end
        ''')
    warnings = lint(path)[1]
    assert [(w.code, w.message) for w in warnings] == [
        ("CP1001", "the definition `term` is never used"),
        ("CP1007", "the quotation of `term` is too short to identify sentence 4")]
    assert "it also stands in sentence 5" in warnings[1].help
    assert _traced(path).endswith("2 of 2 operative sentences encoded\n")


def test_a_quotation_counts_from_four_words_and_a_quarter_of_its_sentence(tmp_path):
    # Sentence 5 has 12 words: 4 words is enough (a quarter is 3); 3 words is not.
    counted = write_policy(tmp_path, '''
        scope granted
          clause "Applicability"
          quote "applies to bonuses granted"
          requires award.granted >= effective_date
        end
        ''')
    assert lint(counted) == ([], [])
    (tmp_path / "short").mkdir()
    short = write_policy(tmp_path / "short", '''
        scope granted
          clause "Applicability"
          quote "applies to bonuses"
          requires award.granted >= effective_date
        end
        ''')
    assert [w.code for w in lint(short)[1]] == ["CP1007"]


def test_a_long_sentence_needs_a_quarter_of_its_words(tmp_path):
    # In a sentence of 20 words, 4 are not enough (a quarter is 5): neither quotation counts,
    # and the sentence, left unencoded, names both.
    (tmp_path / "text.txt").write_text(
        "One two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty.\n")
    (tmp_path / "p.claw").write_text(textwrap.dedent('''
        policy "Example"
          effective 2020-01-01
          source "text.txt"
        end
        recoverable excess
          clause "All"
          quote "One two three four"
          is max(award.amount_awarded - award.amount_as_restated, 0)
        end
        remedy repay
          clause "All"
          quote "six seven eight"
          shall recover up to excess
        end
        '''))
    warnings = lint(str(tmp_path / "p.claw"))[1]
    assert [(w.code, w.message, w.help) for w in warnings] == [
        ("CP1007", "the quotation of `excess` is too short to identify sentence 1",
         "it covers 4 of the sentence's 20 words; a quotation counts for a sentence from 4 "
         "words and a quarter of it: quote at least 5 words of sentence 1"),
        ("CP1007", "the quotation of `repay` is too short to identify sentence 1",
         "it covers 3 of the sentence's 20 words; a quotation counts for a sentence from 4 "
         "words and a quarter of it: quote at least 5 words of sentence 1")]


def test_a_recital_that_quotes_too_little_of_its_sentence_warns(tmp_path):
    (tmp_path / "purpose").mkdir()
    path = write_policy(tmp_path / "purpose", "")
    text = (tmp_path / "purpose" / "p.claw").read_text()
    (tmp_path / "purpose" / "p.claw").write_text(
        text.replace('quote "is committed to good governance"', 'quote "good governance"'))
    warnings = lint(path)[1]
    assert [(w.code, w.message) for w in warnings] == [
        ("CP1007", "the quotation of `purpose` is too short to mark sentence 3 non-operative"),
        ("CP1005", "sentence 5 of the source document is encoded by no rule")]


def test_a_quotation_over_two_sentences_counts_for_each_it_covers_enough_of(tmp_path):
    path = write_policy(tmp_path, '''
        scope granted
          clause "Applicability"
          quote "the executive shall repay the excess. This policy applies to bonuses"
          requires award.granted >= effective_date
        end
        ''')
    assert lint(path) == ([], [])
    assert "     encoded by: excess, repay, granted\n" in _traced(path)
    assert "     encoded by: granted\n" in _traced(path)


def test_a_policy_reading_restatement_unguarded_fails_lint():
    result = runner.invoke(app, ["lint", str(ROOT / "tests/bad_policies/"
                                                 "unguarded_restatement_read.claw")])
    assert result.exit_code == EXIT_POLICY
    assert "error[CP0306]: `restatement.material` is read even when the case has no " \
           "restatement" in result.stderr


def test_words_long_enough_that_stand_in_several_sentences_identify_none(tmp_path):
    """Four words are enough of a sentence of eight to count, but "The Committee shall
    determine" opens three sentences: it names none of them, and lint says so."""
    path = policy_file(tmp_path, "The executive shall repay the excess amount.\n\n"
                       "The Committee shall determine the excess amount.\n\n"
                       "The Committee shall determine the form of repayment.\n\n"
                       "The Committee shall determine whether recovery is impracticable.\n",
                       '''
        recoverable excess
          clause "Repayment"
          quote "The executive shall repay the excess amount."
          quote "The Committee shall determine"
          is max(award.amount_awarded - award.amount_as_restated, 0)
        end
        remedy repay clause "Repayment" quote "shall repay" shall recover up to excess end
        ''')
    traced = _traced(path)
    assert traced.count("quoted in words other sentences have too, not counted: excess") == 3
    assert traced.rstrip().endswith("1 of 4 operative sentences encoded")
    errors, warnings = lint(path)
    [recurring] = [d for d in warnings if "several" in d.message]
    assert recurring.code == "CP1007"
    assert recurring.message == ("the quotation of `excess` stands in several sentences, "
                                 "so it cannot identify sentence 2")
    assert "sentence 2 and in sentences 3 and 4" in recurring.help
    # Sentences 3 and 4 get CP1005, whose help says what the trouble is: the words stand in
    # other sentences too, not that the quotation is too brief (it has enough words).
    helps = {d.message: d.help for d in warnings if d.code == "CP1005"}
    assert helps == {
        f"sentence {n} of the source document is encoded by no rule":
        "encode it in a rule that quotes it, or mark it non-operative with a `recital` (the "
        f"quotation of `excess` stands in it and in sentences {others} too, so it identifies "
        "none of them)" for n, others in ((3, "2 and 4"), (4, "2 and 3"))}


def test_every_sentence_trace_leaves_unencoded_gets_a_warning_naming_it(tmp_path):
    """One short quotation standing in three unencoded sentences is warned about once
    (CP1007, for the first); each other sentence `trace` shows "encoded by: NOTHING" gets
    its CP1005, naming the quotation that stands in it too briefly."""
    source = ("This Policy applies to Incentive Compensation. If the statements are "
              "materially restated, the executive shall repay the Incentive Compensation. The "
              "Committee may also cancel unvested Incentive Compensation at its discretion. "
              "The Company shall disclose this Policy in its proxy statement.\n")
    path = policy_file(tmp_path, source, '''
        recoverable excess
          clause "Repayment"
          quote "the executive shall repay the Incentive Compensation"
          is max(award.amount_awarded - award.amount_as_restated, 0)
        end
        remedy repayment
          clause "Repayment"
          quote "Incentive Compensation"
          shall recover up to min(excess, award.amount_paid)
        end
        ''')
    traced = _traced(path)
    unencoded = [int(line.split()[0]) for line, after in zip(traced.splitlines(),
                                                             traced.splitlines()[1:])
                 if "encoded by: NOTHING" in after]
    assert unencoded == [1, 3, 4]
    warnings = lint(path)[1]
    assert [(w.code, w.message) for w in warnings] == [
        ("CP1007", "the quotation of `repayment` is too short to identify sentence 1"),
        ("CP1005", "sentence 3 of the source document is encoded by no rule"),
        ("CP1005", "sentence 4 of the source document is encoded by no rule")]
    assert warnings[1].help.endswith("(the quotation of `repayment` stands in it, too "
                                     "briefly to count)")
    assert "too briefly" not in warnings[2].help
