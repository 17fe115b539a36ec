"""The Lark LALR parser, built once per process, and syntax errors in a drafter's words.

A syntax error names only what could stand at that place: the words the parser, in the state
it reached, would take next (an LALR table merges states, so its own list of expected words
also holds words of other constructs, such as a revision's `add` inside a condition). After
an error, reading resumes at the next line that opens a block (`condition`, `define`, ...),
so that each block's first mistake is reported in one run."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core.shipped import PACKAGE
from clawpolicy.core.source import SourceFile, Span

# Terminals that are not a fixed word, in a drafter's words.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "FIELD": "a field name",
    "STRING": "a quoted text",
    "DATE": "a date such as 2019-02-08",
    "NUMBER": "a number",
    "UNIT": "a unit",
    "DURATION_UNIT": "a unit of time (years, months or days)",
    "COMPARE": "a comparison (=, !=, <, <=, >, >=)",
    "ADD_OP": "+ or -",
    "MUL_OP": "* or /",
    "MODALITY": "`shall` or `may`",
    "BASIC_TYPE": "a type (boolean, date, money, number, text)",
    "COMBINATION": "`greater` or `lesser`",
    "$END": "the end of the file",
}
# Terminals that read better together: (the terminals, the words for all of them).
_GROUPS = (
    ({"ANY", "COUNT", "DATE", "EVERY", "FALSE", "LBRACE", "LPAR", "MINUS", "NAME", "NUMBER",
      "STRING", "SUM", "TRUE"}, "a value (a name, a number, a date, a quoted text, `(`, …)"),
    ({"COMPARE", "IN", "IS", "NOT", "OVERLAPS"},
     "a comparison (=, !=, <, <=, >, >=, in, not in, overlaps, is)"),
    ({"ADD_OP", "MUL_OP"}, "an operator (+, -, *, /)"),
    ({"UNIT", "DURATION_UNIT"}, "a unit (of money, or years, months, days)"),
)
_MAX_EXPECTED = 8
# How many syntax errors one file may report: past this, the rest is likely one mistake's echo.
MAX_SYNTAX_ERRORS = 20
# The words that open a block, where reading resumes after a syntax error.
_BLOCK_WORDS = ("policy", "include", "fact", "define", "scope", "condition", "recoverable",
                "remedy", "note", "excuse", "provision", "recital", "other", "revision")
# Words before which a block word opens a change inside a revision, not a block of its own.
_CHANGE_WORDS = ("add", "replace", "remove")
# The words, texts, comments and signs of a policy, as far as resuming and layout need them.
TOKEN = re.compile(r"#[^\n]*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'"
                   r"|\d{4}-\d{2}-\d{2}|\w+|\S")


def grammar_text() -> str:
    """The grammar: inside the installed package, or beside the package in a checkout, or
    inside a package imported from a zip (`importlib.resources`)."""
    for path in (PACKAGE / "grammar" / "clawpolicy.lark",
                 Path(__file__).resolve().parents[2] / "grammar" / "clawpolicy.lark"):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files("clawpolicy").joinpath("grammar/clawpolicy.lark").read_text(
        encoding="utf-8")


@lru_cache(maxsize=1)
def parser() -> Lark:
    # Lark keeps the analysed LALR tables in a cache file keyed by the grammar's hash, so a
    # process after the first loads them instead of building them (about 0.1 s saved per run).
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        cache=True,
    )


# How deep the parse tree of one file may nest: far beyond any policy, and well within what
# the stages after the parser can follow.
MAX_TREE_DEPTH = 120


def parse(source: SourceFile) -> Tree:
    """Parse one file, or raise DiagnosticError with its syntax errors located."""
    try:
        tree = parser().parse(source.text)
    except UnexpectedInput as error:
        raise DiagnosticError(_syntax_errors(source, error)) from None
    _check_depth(tree, source)
    return tree


def _syntax_errors(source: SourceFile, error: UnexpectedInput) -> list[Diagnostic]:
    """The first error, then one for each later block that has one: the text before the next
    block is blanked out (offsets kept, so places stay right) and read again."""
    found = [_syntax_diagnostic(source, error)]
    start = 0
    while len(found) < MAX_SYNTAX_ERRORS and found[-1].code in ("CP0101", "CP0102"):
        start = _next_block(source.text, found[-1].span.start, start)
        if start is None:
            break
        rest = re.sub(r"[^\n]", " ", source.text[:start]) + source.text[start:]
        try:
            parser().parse(rest)
            break
        except UnexpectedInput as later:
            found.append(_syntax_diagnostic(source, later))
    return found


def _next_block(text: str, offset: int, after: int) -> int | None:
    """Where the first block after `after` opens at or past `offset`: a block word that is
    the first word of its line (and not the kind of rule an `add` or `replace` names)."""
    previous = ""
    for m in TOKEN.finditer(text, offset):
        word = m.group()
        if word.startswith("#"):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        if word in _BLOCK_WORDS and m.start() > after and previous not in _CHANGE_WORDS \
                and not text[line_start:m.start()].strip():
            return m.start()
        previous = word
    return None


def _check_depth(tree: Tree, source: SourceFile) -> None:
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            meta = node.meta
            start = 0 if getattr(meta, "empty", True) else meta.start_pos
            raise DiagnosticError([Diagnostic(
                "CP0108", f"the policy nests deeper than {MAX_TREE_DEPTH} levels here",
                "split the expression into named definitions", Span(source, start, start + 1))])
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def describe_terminal(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    try:
        pattern = parser().get_terminal(name).pattern
    except KeyError:
        return name.lower()
    return f"`{pattern.value}`"


def _expected_words(names: set[str]) -> str:
    names = set(names)
    grouped = []
    for members, words in _GROUPS:
        if members <= names:
            names -= members
            grouped.append(words)
    # `end` first: after an expression it is most often what is missing.
    words = sorted({describe_terminal(n) for n in names} | set(grouped),
                   key=lambda w: (w != "`end`", not w.startswith("`"), w))
    if len(words) > _MAX_EXPECTED:
        words = words[:_MAX_EXPECTED] + ["…"]
    if len(words) == 1:
        return words[0]
    return "one of " + ", ".join(words)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD = re.compile(r"[A-Za-z0-9_]*")


def _syntax_diagnostic(source: SourceFile, error: UnexpectedInput) -> Diagnostic:
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        token: Token = error.token
        start = token.start_pos or 0
        end = max(start + 1, token.end_pos or start + 1)
        value = token.value
        if value and _NAME.fullmatch(value):
            # A keyword the lexer took from the start of a longer word (`recover` of
            # `recoverable`): the message names, and the caret spans, the word written
            # (never less than the token: a number or a date is its own whole).
            end = max(end, _WORD.match(source.text, start).end())
            value = source.text[start:end]
        span = Span(source, start, end)
        found = f"`{value}`" if value else describe_terminal(token.type)
        return Diagnostic(
            "CP0101",
            f"syntax error: unexpected {found}",
            f"expected {_expected_words(_next_words(error))} here",
            span,
        )
    if isinstance(error, UnexpectedCharacters):
        span = Span(source, error.pos_in_stream, error.pos_in_stream + 1)
        char = source.text[error.pos_in_stream]
        if char in "\"'":
            return Diagnostic(
                "CP0103",
                "syntax error: this quoted text is never closed",
                f"close it with a matching {char}",
                span,
            )
        return Diagnostic(
            "CP0102",
            f"syntax error: unexpected character {char!r}",
            f"expected {_expected_words(error.allowed or set())} here",
            span,
        )
    # The file ended inside a block: point just after its last words, not at a comment.
    end = _end_of_last_words(source.text)
    expected = _next_words(error) if isinstance(error, UnexpectedToken) else \
        error.expected if isinstance(error, UnexpectedEOF) else set()
    span = Span(source, max(0, end - 1), max(1, end))
    return Diagnostic(
        "CP0104",
        "syntax error: the file ends before the block is closed",
        f"expected {_expected_words(set(expected) - {'$END'})} (every block ends with `end`)",
        span,
    )


def _next_words(error: UnexpectedToken) -> set[str]:
    """What the parser, as it stands, would take next: not the table's list for the state,
    which LALR shares between constructs."""
    if error.interactive_parser is not None:
        accepted = set(error.interactive_parser.accepts())
        if accepted:
            return accepted
    return set(error.expected)


def _end_of_last_words(text: str) -> int:
    offset = len(text)
    for line in reversed(text.splitlines(keepends=True)):
        stripped = line.strip()
        start = offset - len(line)
        if stripped and not stripped.startswith("#"):
            return start + len(line.rstrip())
        offset = start
    return 0
