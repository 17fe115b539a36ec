"""The Lark LALR parser, built once per process, and syntax errors in a drafter's words."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core.source import SourceFile, Span

# Terminals that are not a fixed word, in a drafter's words.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": "a quoted text",
    "DATE": "a date such as 2019-02-08",
    "NUMBER": "a number",
    "UNIT": "a unit (USD or shares)",
    "DURATION_UNIT": "a unit of time (years, months or days)",
    "COMPARE": "a comparison (=, !=, <, <=, >, >=)",
    "ADD_OP": "+ or -",
    "MUL_OP": "* or /",
    "MODALITY": "`shall` or `may`",
    "BASIC_TYPE": "a type (boolean, date, money, number, text)",
    "$END": "the end of the file",
}
_MAX_EXPECTED = 8


def grammar_text() -> str:
    """The grammar: inside the installed package, or beside the package in a checkout."""
    packaged = resources.files("clawpolicy").joinpath("grammar/clawpolicy.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "grammar" / "clawpolicy.lark").read_text(
        encoding="utf-8"
    )


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
    """Parse one file, or raise DiagnosticError with the first syntax error located."""
    try:
        tree = parser().parse(source.text)
    except UnexpectedInput as error:
        raise DiagnosticError([_syntax_diagnostic(source, error)]) from None
    _check_depth(tree, source)
    return tree


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
    # `end` first: after an expression it is most often what is missing.
    words = sorted({describe_terminal(n) for n in names},
                   key=lambda w: (w != "`end`", not w.startswith("`"), w))
    if len(words) > _MAX_EXPECTED:
        words = words[:_MAX_EXPECTED] + ["…"]
    if len(words) == 1:
        return words[0]
    return "one of " + ", ".join(words)


def _syntax_diagnostic(source: SourceFile, error: UnexpectedInput) -> Diagnostic:
    if isinstance(error, UnexpectedToken) and error.token.type != "$END":
        token: Token = error.token
        start = token.start_pos or 0
        span = Span(source, start, max(start + 1, token.end_pos or start + 1))
        found = f"`{token.value}`" if token.value else describe_terminal(token.type)
        return Diagnostic(
            "CP0101",
            f"syntax error: unexpected {found}",
            f"expected {_expected_words(error.expected)} here",
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
    expected = error.expected if isinstance(error, (UnexpectedToken, UnexpectedEOF)) else set()
    span = Span(source, max(0, end - 1), max(1, end))
    return Diagnostic(
        "CP0104",
        "syntax error: the file ends before the block is closed",
        f"expected {_expected_words(set(expected) - {'$END'})} (every block ends with `end`)",
        span,
    )


def _end_of_last_words(text: str) -> int:
    offset = len(text)
    for line in reversed(text.splitlines(keepends=True)):
        stripped = line.strip()
        start = offset - len(line)
        if stripped and not stripped.startswith("#"):
            return start + len(line.rstrip())
        offset = start
    return 0
