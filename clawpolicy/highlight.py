"""A Pygments lexer for policy files, registered under the `pygments.lexers` entry point, so
that Markdown and Sphinx documents (```claw) and `rich` in a terminal highlight policies.

Its tokens come from `clawpolicy/syntax/tokens.py`, as the editors' TextMate grammar's do.
Imported only by Pygments: clawpolicy itself does not need Pygments to run."""

from __future__ import annotations

from pygments import token as pygments_token
from pygments.lexer import RegexLexer

from clawpolicy.syntax.tokens import RULES, STRING_QUOTES, words_pattern


def _token_type(name: str):
    found = pygments_token
    for part in name.split("."):
        found = getattr(found, part)
    return found


def _root() -> list[tuple[str, object]]:
    rules = [(RULES[0].pattern, _token_type(RULES[0].pygments))]  # white space first
    rules += [(f"{q}(\\\\.|[^{q}\\\\])*{q}", pygments_token.String.Double if q == '"'
               else pygments_token.String.Single) for q in STRING_QUOTES]
    rules += [(rule.pattern or words_pattern(rule.words), _token_type(rule.pygments))
              for rule in RULES[1:]]
    return rules


class ClawPolicyLexer(RegexLexer):
    name = "clawpolicy"
    aliases = ["claw", "clawpolicy"]
    filenames = ["*.claw"]
    mimetypes = ["text/x-clawpolicy"]

    tokens = {"root": _root()}
