"""Syntax errors: each names only what can stand where the mistake is, in a drafter's words,
and a file with mistakes in several blocks reports each block's first one in one run."""

from __future__ import annotations

import pytest

from clawpolicy.core.diagnostics import DiagnosticError
from clawpolicy.core.source import SourceFile
from clawpolicy.syntax.parse import MAX_SYNTAX_ERRORS, parse

REVISION_WORDS = ("`add`", "`applies`", "`combine`", "`replace`", "`remove`", "`make`",
                  "`reaches`", "`effective`")


def errors(text: str):
    with pytest.raises(DiagnosticError) as caught:
        parse(SourceFile("p.claw", text))
    return [(d.code, d.span.line_col, d.message, d.help) for d in caught.value.diagnostics]


def test_an_error_inside_a_conditions_requires_suggests_no_revision_keyword():
    (found,) = errors('condition c\n  clause "C"\n  quote "q"\n'
                      "  requires award.amount_paid > 0 (\nend\n")
    code, place, message, help = found
    assert (code, place, message) == ("CP0101", (4, 34), "syntax error: unexpected `(`")
    assert help == "expected one of `end`, `.`, `and`, `or`, a unit (of money, or years, " \
                   "months, days), an operator (+, -, *, /) here"
    assert not [w for w in REVISION_WORDS if w in help]


def test_a_keyword_the_lexer_took_from_a_longer_word_is_named_as_the_word_written():
    # `recover` may follow an expression (an `other` block), so the lexer takes it from the
    # start of `recoverable`; the message names what the file says (errors.md: "The message
    # names what was found"), and the caret spans it.
    text = "define floor as 500 USD\n\nrecoverable excess\n"
    with pytest.raises(DiagnosticError) as caught:
        parse(SourceFile("p.claw", text))
    found = caught.value.diagnostics[0]
    assert (found.code, found.span.line_col, found.message) == (
        "CP0101", (3, 1), "syntax error: unexpected `recoverable`")
    assert text[found.span.start:found.span.end] == "recoverable"
    assert errors("define floor as 500 USD\n\nremedy r\n")[0][2] == \
        "syntax error: unexpected `remedy`"
    # A number or a date where it cannot stand is named whole, never cut at its point.
    assert errors('policy "x"\n150000.50\n')[0][2] == "syntax error: unexpected `150000.50`"
    assert errors('policy "x"\n2024-01-01\n')[0][2] == "syntax error: unexpected `2024-01-01`"


def test_where_a_value_is_missing_the_help_asks_for_a_value():
    (found,) = errors("define d as 1 + end\n")
    assert found[3] == "expected a value (a name, a number, a date, a quoted text, `(`, …) here"


def test_inside_a_revision_the_revision_lines_are_what_can_come_next():
    (found,) = errors('revision r\n  clause "c"\n  quote "q"\n  applies to x foo\nend\n')
    assert "`add`" in found[3] and "`combine`" in found[3]


def test_each_block_reports_its_first_mistake():
    text = ("define a as 1 + end\n"                      # a value is missing
            "define b as 2 end\n"                         # fine
            "define c as 3 3 end\n"                       # two values in a row
            "condition d clause 'x' quote 'y' requires $ end\n"  # a character not used
            "define e as 5 end\n")
    assert [(code, place) for code, place, _, _ in errors(text)] == [
        ("CP0101", (1, 17)), ("CP0101", (3, 15)), ("CP0102", (4, 43))]


def test_reading_resumes_at_a_block_not_at_the_rule_a_revision_adds():
    text = ("revision r clause 'c' quote 'q' applies to x\n"
            "  add\n"
            "  condition ok clause 'c' quote 'q' requires 1 1 end\n"  # inside the revision
            "end\n"
            "define d as 2 end\n")
    # The mistake in the added condition is reported once; `condition` after `add` is not
    # taken for a block of its own (that would report a second, spurious mistake at `end`).
    assert [(code, place) for code, place, _, _ in errors(text)] == [("CP0101", (3, 48))]


def test_a_text_never_closed_ends_the_reading():
    text = "define a as 1 + end\ndefine b as \"open\nend\n"
    assert [code for code, *_ in errors(text)] == ["CP0101", "CP0103"]


def test_a_block_word_inside_a_quoted_text_is_not_where_reading_resumes():
    text = ('define a as 1 + end\nprovision p clause "c" quote "the\ncondition of the text"\n'
            '  effect "e" end\ndefine b as 2 2 end\n')
    assert [(code, place) for code, place, _, _ in errors(text)] == [
        ("CP0101", (1, 17)), ("CP0101", (5, 15))]


def test_the_number_of_errors_is_bounded():
    text = "".join(f"define d{i} as 1 1 end\n" for i in range(MAX_SYNTAX_ERRORS + 5))
    assert len(errors(text)) == MAX_SYNTAX_ERRORS
