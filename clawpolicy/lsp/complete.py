"""Completion: after a dot, the fields of the record before it (`participant.` offers the
participant's fields, typed from the case's record); where an expression starts (after
`requires`, `when`, `and`, `(`, `=` ...), what can stand there: the case's facts, the
variables in scope, the policy's rules and definitions, the header's dates, the functions and
the words that open an expression (`not`, `if`, `any` ...); after `is` within an expression,
`known`, `unknown`, `present` and `absent`; elsewhere, all of these and the language's other
words.

It reads the text before the cursor, not the syntax tree, because the text being typed rarely
parses: `restatement.` alone is a syntax error."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

from clawpolicy.check.policy import CONSTANTS, FUNCTIONS
from clawpolicy.core import types as t
from clawpolicy.lsp import facts as fact_words
from clawpolicy.lsp.analysis import Analysis
from clawpolicy.syntax import ast
from clawpolicy.syntax.tokens import BLOCKS, all_words
from clawpolicy.syntax.tokens import CONSTANTS as CONSTANT_WORDS

_PATH_BEFORE = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.(\w*)$")
_BINDING = re.compile(r"\b(?:any|every|count)\s*\(\s*([A-Za-z_]\w*)\s+in\s+([A-Za-z_][\w.]*)"
                      r"|\bfor\s+([A-Za-z_]\w*)\s+in\s+([A-Za-z_][\w.]*)")
_BLOCK_START = re.compile(r"^(?:" + "|".join(b for b in BLOCKS if b != "end") + r")\b",
                          re.MULTILINE)
# The words and signs after which an expression starts, and the words that may open one.
_OPENS_EXPRESSION = {"requires", "as", "is", "to", "unless", "when", "reaches", "where",
                     "excuses", "in", "if", "then", "else", "satisfies", "and", "or", "not",
                     "(", ",", "{", "=", "<", ">", "+", "-", "*", "/"}
_EXPRESSION_WORDS = ("not", "if", "any", "every", "sum", "count", *CONSTANT_WORDS)
_AFTER_IS = ("known", "unknown", "present", "absent")
_LAST_TOKEN = re.compile(r"(\w+|[^\w\s])\s*$")
# Text that ends inside a quoted text or a comment.
_OPEN_STRING_OR_COMMENT = re.compile(
    r"""(?:[^"'#]|#[^\n]*\n|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')*"""
    r"""(?:"(?:\\.|[^"\\])*|'(?:\\.|[^'\\])*|#[^\n]*)""")


def complete(analysis: Analysis | None, text: str, offset: int) -> list[lsp.CompletionItem]:
    before = text[:offset]
    line = before[before.rfind("\n") + 1:]
    starts = [m.start() for m in _BLOCK_START.finditer(before)]
    block = before[starts[-1] if starts else 0:]
    if _OPEN_STRING_OR_COMMENT.fullmatch(block):
        return []  # inside a quotation or a comment
    fact_decls, rule_names = _declared(analysis)
    case = fact_words.case_type(fact_decls)
    bindings = _bindings(block)
    dotted = _PATH_BEFORE.search(line)
    if dotted:
        path = _fact_path(dotted[1], bindings, case)
        field = fact_words.field_of(path, case) if path else None
        if field is None or not isinstance(field.type, t.Record):
            return []
        return [_fact_item(f"{path}.{name}", name, fact_decls, case)
                for name in field.type.fields]
    context = _context(line)
    if context == "is":
        return [lsp.CompletionItem(w, kind=lsp.CompletionItemKind.Keyword) for w in _AFTER_IS]
    words = _EXPRESSION_WORDS if context == "expression" else all_words()
    items = [lsp.CompletionItem(w, kind=lsp.CompletionItemKind.Keyword) for w in words]
    items += [_fact_item(name, name, fact_decls, case) for name in case.fields]
    items.append(lsp.CompletionItem(fact_words.each_word(),
                                    kind=lsp.CompletionItemKind.Variable,
                                    detail="the item being decided"))
    items += [lsp.CompletionItem(var, kind=lsp.CompletionItemKind.Variable,
                                 detail=f"each of {collection}")
              for var, collection in bindings.items()]
    items += [lsp.CompletionItem(name, kind=lsp.CompletionItemKind.Reference, detail=kind)
              for name, kind in sorted(rule_names.items())]
    items += [lsp.CompletionItem(name, kind=lsp.CompletionItemKind.Constant,
                                 detail="a date of the policy's header") for name in CONSTANTS]
    items += [lsp.CompletionItem(name, kind=lsp.CompletionItemKind.Function)
              for name in FUNCTIONS]
    return items


def _context(line: str) -> str | None:
    """"expression" where an expression starts before the word being typed, "is" after an `is`
    inside one (not the `is` a line starts with), None elsewhere (a line's first word)."""
    head = line[:len(line) - len(re.search(r"\w*$", line)[0])]  # before the word typed
    token = _LAST_TOKEN.search(head)
    if token is None or token[1] not in _OPENS_EXPRESSION:
        return None
    if token[1] == "is" and head[:token.start()].strip():
        return "is"
    return "expression"


def _declared(analysis: Analysis | None) -> tuple[tuple[ast.FactDecl, ...], dict[str, str]]:
    """The facts and rules the policy declares, counting a file that does not parse now as it
    last did."""
    if analysis is None:
        return (), {}
    modules = [m for _, _, m in analysis.files] + list(analysis.stale.values())
    decls = [d for m in modules for d in m.decls]
    fact_decls = tuple(d for d in decls if isinstance(d, ast.FactDecl))
    rules = {d.name: d.kind for d in decls if isinstance(d, ast.Rule)}
    rules.update({c.target: c.kind for d in decls if isinstance(d, ast.Revision)
                  for c in d.changes if c.action == "add"})
    return fact_decls, rules


def _bindings(block: str) -> dict[str, str]:
    """The variables the quantifiers and `for` of this block bind, with their collections:
    the nearest binding of a name wins."""
    found: dict[str, str] = {}
    for m in _BINDING.finditer(block):
        var, collection = (m[1], m[2]) if m[1] else (m[3], m[4])
        found.pop(var, None)
        found[var] = collection
    return found


def _fact_path(dotted: str, bindings: dict[str, str], case: t.Record,
               depth: int = 0) -> str | None:
    """The generic fact path of a dotted name, its first word a fact, `award` or a bound
    variable."""
    head, *rest = dotted.split(".")
    if head in bindings and depth < 8:
        collection = _fact_path(bindings[head], bindings, case, depth + 1)
        if collection is None:
            return None
        path = fact_words.element_path(collection, case)
    elif head == fact_words.each_word():
        path = fact_words.each_path()
    elif head in case.fields:
        path = head
    else:
        return None
    return ".".join([path, *rest])


def _fact_item(path: str, label: str, fact_decls: tuple[ast.FactDecl, ...],
               case: t.Record) -> lsp.CompletionItem:
    field = fact_words.field_of(path, case)
    detail = fact_words.describe_type(field) if field is not None else None
    question = fact_words.question(path, fact_decls) if "." in path else None
    return lsp.CompletionItem(label, kind=lsp.CompletionItemKind.Field, detail=detail,
                              documentation=question)
