"""`clawpolicy lint` and `clawpolicy trace`: the shipped policies are clean and fully traced,
and each warning fires where it should."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from clawpolicy.cli import EXIT_FINDINGS, EXIT_POLICY, app
from clawpolicy.core.source import SourceFile
from clawpolicy.tools.lint import lint
from clawpolicy.tools.sentences import sentences
from tests.conftest import POLICIES, ROOT

runner = CliRunner()
SOURCE = """Example Co.

Clawback Policy

Example Co. is committed to good governance. If the statements are materially restated,
the executive shall repay the excess.

This policy applies to bonuses granted on or after the Effective Date.
"""


def write_policy(tmp_path, rules: str) -> str:
    (tmp_path / "text.txt").write_text(SOURCE)
    path = tmp_path / "p.claw"
    path.write_text(textwrap.dedent('''
        policy "Example"
          effective 2020-01-01
          source "text.txt"
        end
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
    return str(path)


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
