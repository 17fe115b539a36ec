"""A Pygments lexer for policy files, registered under the `pygments.lexers` entry point, so
that Markdown and Sphinx documents (```claw) and `rich` in a terminal highlight policies.

Imported only by Pygments: clawpolicy itself does not need Pygments to run."""

from __future__ import annotations

from clawpolicy import vocabulary as vocabularies
from pygments.lexer import RegexLexer, words
from pygments.token import (
    Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String, Whitespace)

BLOCKS = ("policy", "include", "fact", "define", "scope", "condition", "recoverable", "remedy",
          "note", "provision", "recital", "other", "revision", "end")
LINES = ("adopted", "by", "on", "effective", "source", "clause", "quote", "as", "requires",
         "is", "recover", "up", "to", "unless", "when", "says", "effect", "because", "asks",
         "applies", "reaches", "add", "replace", "remove", "make", "combine", "with", "for",
         "where", "shall", "may", "greater", "lesser", "if", "then", "else", "any", "every",
         "sum", "count", "satisfies", "one", "of", "known", "unknown", "present", "absent")


# Units of money are the case vocabulary's (clawpolicy/vocabulary/case.toml).
_UNITS = tuple(vocabularies.load().declarations.units)


class ClawPolicyLexer(RegexLexer):
    name = "clawpolicy"
    aliases = ["claw", "clawpolicy"]
    filenames = ["*.claw"]
    mimetypes = ["text/x-clawpolicy"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"(\\.|[^"\\])*"', String.Double),
            (r"'(\\.|[^'\\])*'", String.Single),
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (words(BLOCKS, prefix=r"\b", suffix=r"\b"), Keyword.Declaration),
            (words(("and", "or", "not", "in", "overlaps"), prefix=r"\b", suffix=r"\b"),
             Operator.Word),
            (words(("true", "false"), prefix=r"\b", suffix=r"\b"), Keyword.Constant),
            (words((*_UNITS, "years", "year", "months", "month", "days", "day",
                    "boolean", "date", "money", "number", "text"), prefix=r"\b",
                   suffix=r"\b"), Keyword.Type),
            (words(LINES, prefix=r"\b", suffix=r"\b"), Keyword),
            (r"\d(_?\d)*(\.\d+)?", Number),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r"<=|>=|!=|=|<|>|\+|-|\*|/", Operator),
            (r"[{}(),.:]", Punctuation),
        ],
    }
