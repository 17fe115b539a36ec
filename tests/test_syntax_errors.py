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


# ---------------------------------------------------------------- the bytes of a policy file

def test_a_lone_cr_is_a_line_break_as_lf_and_crlf_are(tmp_path):
    """Line breaks do not matter (language.md §2): a policy saved with CR line ends (old Mac
    editors) reads as the same policy, not as one comment line."""
    from clawpolicy.api import compile_policy
    from tests.conftest import QUALYS_2019

    text = QUALYS_2019.read_text(encoding="utf-8")
    (tmp_path / "sources").symlink_to(QUALYS_2019.parent / "sources")
    checked = {}
    for name, ending in (("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")):
        path = tmp_path / f"{name}.claw"
        path.write_bytes(text.replace("\n", ending).encode("utf-8"))
        policy = compile_policy(path)
        checked[name] = [module for _, _, module in policy.loaded.files]  # spans aside
    assert checked["cr"] == checked["lf"] == checked["crlf"]
    assert len(checked["cr"][0].decls) > 10


@pytest.mark.parametrize("char, line, col", [
    ("\x00", 3, 18), ("\x1b", 3, 18), ("\x0c", 3, 18), ("\x7f", 3, 18), ("\x85", 3, 18),
    # "Trojan source": characters that hide or reorder the text a reviewer reads.
    ("\u2028", 3, 18), ("\u2029", 3, 18), ("\u202a", 3, 18), ("\u202e", 3, 18),
    ("\u2066", 3, 18), ("\u2069", 3, 18),
    # The bidirectional marks too, as a memo escapes them (core/source.py, one definition).
    ("\u061c", 3, 18), ("\u200e", 3, 18), ("\u200f", 3, 18)])
@pytest.mark.parametrize("where", ["clause", "comment"])
def test_a_control_character_in_a_policy_is_an_error_where_it_stands(tmp_path, char, line,
                                                                        col, where):
    """Never passed unseen into a clause's name (`Section\\u0000 2(a)` in a determination)
    or hidden in a comment: CP0118 at its line and column."""
    from clawpolicy.api import PolicyError, compile_policy

    body = ('  clause "Section' + char + ' 2(a)"' if where == "clause"
            else "  # Section" + char + " 2(a)")
    path = tmp_path / "p.claw"
    path.write_text('policy "P"\n  effective 2019-02-08\n' + body + "\nend\n",
                    encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        compile_policy(path)
    (found,) = raised.value.diagnostics
    assert (found.code, found.span.line_col) == ("CP0118", (line, col if where == "clause"
                                                            else 12))
    kind = {"\u2028": "a line separator", "\u2029": "a paragraph separator",
            **dict.fromkeys("\u061c\u200e\u200f", "a bidirectional mark")}.get(
        char, "a bidirectional control character" if ord(char) > 0x9F else "a control character")
    assert found.message == f"the policy file holds {kind}, U+{ord(char):04X}"
    assert found.help.endswith("can hide or reorder the text a reviewer reads") \
        == (ord(char) > 0x9F)


def test_the_characters_a_policy_refuses_are_those_a_memo_escapes_and_a_diagnostic_hides():
    # One definition (core/source.py): C0 but tab and line feed, DEL, C1, the separators
    # and the bidirectional controls and marks; the memo escapes those and tab and LF.
    from clawpolicy.core.diagnostics import _shown
    from clawpolicy.core.source import visible
    from clawpolicy.syntax.load import _CONTROL as refused

    for code in range(0x3000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        escaped = visible(char) != char
        assert bool(refused.fullmatch(char)) == (escaped and char not in "\t\n"), hex(code)
        assert (_shown(char) != char) == (escaped and char != "\t"), hex(code)


def test_a_bidirectional_control_is_drawn_as_a_symbol_so_the_shown_line_keeps_its_order(
        tmp_path):
    """The line CP0118 shows holds the character it refuses: a terminal sent U+202E would
    draw the rest of the line reversed, so it is drawn as U+FFFD, one for one."""
    from clawpolicy.api import PolicyError, compile_policy
    from clawpolicy.core.diagnostics import render

    path = tmp_path / "p.claw"
    path.write_text('policy "P"\n  effective 2019-02-08\n  clause "Section\u202e 2(a)"\nend\n',
                    encoding="utf-8")
    with pytest.raises(PolicyError) as raised:
        compile_policy(path)
    shown = render(raised.value.diagnostics[0])
    assert "\u202e" not in shown
    assert '3 |   clause "Section\ufffd 2(a)"\n  |                  ^\n' in shown
