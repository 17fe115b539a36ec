"""Lower the Lark parse tree, once, into the frozen AST of `ast.py`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from lark import Token, Tree

from clawpolicy.core.case import MAX_DIGITS
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core.source import SourceFile, Span
from clawpolicy.syntax import ast

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
# Parentheses leave no node in the tree, so the checker's limit on how deep an expression
# nests (check.checker.MAX_NESTING, 64, CP0305) does not see them: they are counted here, on
# the text outside comments and quoted texts, so that 10,000 of them are refused as 65
# unary minus signs are.
MAX_PARENTHESES = 64
_PARENTHESIS = re.compile(r"""#[^\n]*|"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?|[()]""")
_UNITS = {"year": "years", "years": "years", "month": "months", "months": "months",
          "day": "days", "days": "days"}


def lower(tree: Tree, source: SourceFile) -> ast.Module:
    return _Lowering(source).module(tree)


# The parts of each grammar rule of a block, by name, in the order the grammar gives them
# (grammar/clawpolicy.lark; `[x]` parts are None when absent, `lines` takes the rest). The
# lowering reads parts by these names only; a test holds the table to the grammar.
PARTS: dict[str, tuple[str, ...]] = {
    "header": ("name", "lines"),
    "adopted": ("by", "on"),
    "effective": ("date",),
    "source": ("path",),
    "include": ("path",),
    "fact_decl": ("name", "type", "per", "question"),
    "definition": ("name", "citation", "value"),
    "scope": ("name", "citation", "requires"),
    "condition": ("name", "citation", "requires"),
    "recoverable": ("name", "citation", "label", "amount"),
    "label": ("text",),
    "remedy": ("name", "citation", "modality", "cap", "unless", "enforcer"),
    "unless": ("expr",),
    "enforcer": ("text",),
    "note": ("name", "citation", "when", "text"),
    "excuse": ("name", "citation", "when", "amount"),
    "provision": ("name", "citation", "text"),
    "recital": ("name", "citation", "text"),
    "other": ("name", "citation", "when", "var", "collection", "where", "recover"),
    "revision": ("name", "citation", "lines"),
    "applies_to": ("expr",),
    "rev_effective": ("date",),
    "reaches": ("expr",),
    "add_change": ("rule",),
    "replace_change": ("rule",),
    "replace_condition_as": ("target", "name", "citation", "requires"),
    "remove_scope": ("target", "citation"),
    "remove_condition": ("target", "citation"),
    "remove_remedy": ("target", "citation"),
    "remove_note": ("target", "citation"),
    "remove_excuse": ("target", "citation"),
    "modality_change": ("target", "modality", "citation"),
    "combine": ("other", "how", "citation"),
}


def _parts(tree: Tree) -> dict[str, Any]:
    names = PARTS[str(tree.data)]
    children = list(tree.children)
    if names[-1] == "lines":
        fixed = len(names) - 1
        return {**dict(zip(names[:-1], children[:fixed])), "lines": children[fixed:]}
    if len(children) != len(names):
        raise AssertionError(f"grammar rule {tree.data} has {len(children)} parts, "
                             f"the lowering names {len(names)}")
    return dict(zip(names, children))


class _Lowering:
    def __init__(self, source: SourceFile):
        self.source = source
        self.errors: list[Diagnostic] = []

    # ------------------------------------------------------------ helpers
    def span(self, item: Tree | Token) -> Span:
        if isinstance(item, Token):
            return Span(self.source, item.start_pos or 0, item.end_pos or 0)
        meta = item.meta
        if getattr(meta, "empty", True):
            return Span(self.source, 0, 0)
        return Span(self.source, meta.start_pos, meta.end_pos)

    def string(self, token: Token) -> str:
        """A quoted text: escapes resolved, each run of white space folded to one space."""
        body = _ESCAPE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), token[1:-1])
        return " ".join(body.split())

    def decimal(self, token: Token) -> Decimal:
        value = Decimal(str(token).replace("_", ""))
        if len(value.as_tuple().digits) > MAX_DIGITS:
            self.errors.append(Diagnostic(
                "CP0109", f"a number has more than {MAX_DIGITS} significant digits",
                f"write a number of at most {MAX_DIGITS} digits, as amounts in cases are",
                self.span(token)))
            return Decimal(0)
        return value

    def date(self, token: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            self.errors.append(Diagnostic(
                "CP0105", f"`{token}` is not a calendar date",
                "write a real date as YYYY-MM-DD, e.g. 2019-02-08", self.span(token)))
            return dt.date(1, 1, 1)

    def parentheses(self) -> None:
        depth = 0
        for match in _PARENTHESIS.finditer(self.source.text):
            if match.group() == "(":
                depth += 1
                if depth > MAX_PARENTHESES:
                    self.errors.append(Diagnostic(
                        "CP0305", f"the expression nests deeper than {MAX_PARENTHESES} levels",
                        "split it into named definitions",
                        Span(self.source, match.start(), match.end())))
                    return
            elif match.group() == ")":
                depth = max(0, depth - 1)

    # ------------------------------------------------------------ declarations
    def module(self, tree: Tree) -> ast.Module:
        self.parentheses()
        decls = tuple(self.decl(child) for child in tree.children)
        if self.errors:
            raise DiagnosticError(self.errors)
        return ast.Module(decls, self.span(tree))

    def decl(self, tree: Tree) -> ast.Decl:
        kind = str(tree.data)
        if kind == "revision":
            return self.revision(tree)
        if kind in ast.RULE_CLASSES:
            return self.rule(tree)
        c, span = _parts(tree), self.span(tree)
        if kind == "header":
            fields: dict[str, object] = {}
            seen: set[str] = set()
            for line in c["lines"]:
                if line.data in seen:
                    self.errors.append(Diagnostic(
                        "CP0107", f"the header gives `{line.data}` twice",
                        "give each line of the header once", self.span(line)))
                seen.add(str(line.data))
                part = _parts(line)
                if line.data == "adopted":
                    fields["adopted_by"] = self.string(part["by"])
                    fields["adopted_on"] = self.date(part["on"])
                elif line.data == "effective":
                    fields["effective"] = self.date(part["date"])
                else:
                    fields["source"] = self.string(part["path"])
            return ast.Header(
                self.string(c["name"]), fields.get("adopted_by"), fields.get("adopted_on"),
                fields.get("effective"), fields.get("source"), span)
        if kind == "include":
            return ast.Include(self.string(c["path"]), span)
        if kind == "fact_decl":
            name, type_tree, question, per = c["name"], c["type"], c["question"], c["per"]
            if type_tree.data == "enum_type":
                type_name, values = "enum", tuple(str(t) for t in type_tree.children)
            else:
                type_name, values = str(type_tree.children[0]), ()
            return ast.FactDecl(str(name), type_name, values,
                                self.string(question) if question is not None else None,
                                span, self.span(name), str(per) if per is not None else None,
                                self.span(per) if per is not None else None)
        raise AssertionError(f"grammar rule {kind} has no lowering")

    def rule(self, tree: Tree) -> ast.Rule:
        """A cited block, lowered into its own class by the names of its parts."""
        p = _parts(tree)
        common = {"name": str(p["name"]), "citation": self.citation(p["citation"]),
                  "span": self.span(tree), "name_span": self.span(p["name"])}
        match str(tree.data):
            case "definition":
                return ast.Definition(value=self.expr(p["value"]), **common)
            case "scope":
                return ast.Scope(requires=self.expr(p["requires"]), **common)
            case "condition":
                return ast.Condition(requires=self.expr(p["requires"]), **common)
            case "recoverable":
                label = p["label"]
                return ast.Recoverable(amount=self.expr(p["amount"]), label=self.string(
                    _parts(label)["text"]) if label else None, **common)
            case "remedy":
                unless, enforcer = p["unless"], p["enforcer"]
                return ast.Remedy(modality=str(p["modality"]), cap=self.expr(p["cap"]),
                                  unless=self.expr(_parts(unless)["expr"]) if unless else None,
                                  enforced_by=self.string(_parts(enforcer)["text"])
                                  if enforcer else None, **common)
            case "note":
                return ast.Note(when=self.expr(p["when"]), text=self.string(p["text"]), **common)
            case "excuse":
                return ast.Excuse(when=self.expr(p["when"]), amount=self.expr(p["amount"]),
                                  **common)
            case "provision":
                return ast.Provision(text=self.string(p["text"]), **common)
            case "recital":
                return ast.Recital(text=self.string(p["text"]), **common)
            case "other":
                each = ast.ForEach(self.optional(p["when"]), str(p["var"]),
                                   self.expr(p["collection"]), self.optional(p["where"]))
                return ast.Other(each=each, recover=self.expr(p["recover"]), **common)
        raise AssertionError(f"grammar rule {tree.data} has no lowering")

    def optional(self, item: Tree | None) -> ast.Expr | None:
        return self.expr(item) if item is not None else None

    def revision(self, tree: Tree) -> ast.Revision:
        head = _parts(tree)
        name, citation = str(head["name"]), self.citation(head["citation"])
        applies_to = reaches = effective = None
        changes: list[ast.Change] = []
        combines: list[ast.Combine] = []
        seen: set[str] = set()
        for line in head["lines"]:
            kind = str(line.data)
            c = _parts(line)
            if kind in ("applies_to", "rev_effective", "reaches"):
                if kind in seen:
                    words = {"applies_to": "applies to", "rev_effective": "effective",
                             "reaches": "reaches"}[kind]
                    self.errors.append(Diagnostic(
                        "CP0229",
                        f"the revision `{name}` gives `{words}` twice",
                        f"give `{words}` once; join the conditions with `and` or `or`",
                        self.span(line)))
                seen.add(kind)
            if kind == "applies_to":
                applies_to = self.expr(c["expr"])
            elif kind == "rev_effective":
                effective = self.date(c["date"])
            elif kind == "reaches":
                reaches = self.expr(c["expr"])
            elif kind == "combine":
                combines.append(ast.Combine(str(c["other"]), str(c["how"]),
                                            self.citation(c["citation"]), self.span(line),
                                            self.span(c["other"])))
            elif kind in ("add_change", "replace_change"):
                rule = self.rule(c["rule"])
                changes.append(ast.Change(kind.split("_")[0], rule.kind, rule.name, rule, None,
                                          rule.citation, self.span(line), rule.name_span))
            elif kind == "replace_condition_as":
                rule = ast.Condition(name=str(c["name"]), citation=self.citation(c["citation"]),
                                     requires=self.expr(c["requires"]), span=self.span(line),
                                     name_span=self.span(c["name"]))
                changes.append(ast.Change("replace", "condition", str(c["target"]), rule, None,
                                          rule.citation, self.span(line),
                                          self.span(c["target"])))
            elif kind == "modality_change":
                changes.append(ast.Change("modality", "remedy", str(c["target"]), None,
                                          str(c["modality"]), self.citation(c["citation"]),
                                          self.span(line), self.span(c["target"])))
            else:  # remove_scope, remove_condition, ...
                changes.append(ast.Change("remove", kind.removeprefix("remove_"),
                                          str(c["target"]), None, None,
                                          self.citation(c["citation"]), self.span(line),
                                          self.span(c["target"])))
        return ast.Revision(name, citation, applies_to, effective, reaches, tuple(changes),
                            tuple(combines), self.span(tree), self.span(head["name"]))

    def citation(self, tree: Tree) -> ast.Citation:
        clause: str | None = None
        quotes: list[str] = []
        spans: list[Span] = []
        for child in tree.children:
            if child is None:
                continue
            if child.data == "clause":
                clause = self.string(child.children[0])
            else:
                quotes.append(self.string(child.children[0]))
                spans.append(self.span(child.children[0]))
        return ast.Citation(clause, tuple(quotes), self.span(tree), tuple(spans))

    # ------------------------------------------------------------ expressions
    def expr(self, item: Tree | Token) -> ast.Expr:
        span = self.span(item)
        if isinstance(item, Token):  # an inlined atom never arrives bare, but be exact
            raise AssertionError(f"unexpected token {item!r}")
        c = item.children
        match item.data:
            case "number":
                return ast.Number(self.decimal(c[0]), span)
            case "money":
                return ast.MoneyLit(self.decimal(c[0]), str(c[1]), span)
            case "duration":
                amount = str(c[0]).replace("_", "")
                if not amount.isdigit():
                    self.errors.append(Diagnostic(
                        "CP0106", f"a duration counts whole units, not `{amount}`",
                        "write a whole number, e.g. `3 years` or `18 months`", span))
                    amount = "0"
                return ast.DurationLit(int(amount), _UNITS[str(c[1])], span)
            case "date":
                return ast.DateLit(self.date(c[0]), span)
            case "text":
                return ast.Text(self.string(c[0]), span)
            case "true":
                return ast.Bool(True, span)
            case "false":
                return ast.Bool(False, span)
            case "name":
                return ast.Name(str(c[0]), span)
            case "field":
                return ast.Field(self.expr(c[0]), str(c[1]), span, self.span(c[1]))
            case "call":
                args = tuple(self.expr(a) for a in c[1:] if a is not None)
                return ast.Call(str(c[0]), args, span, self.span(c[0]))
            case "set_literal":
                return ast.SetLit(tuple(self.expr(a) for a in c if a is not None), span)
            case "negate":
                return ast.Unary("-", self.expr(c[0]), span)
            case "not_expr":
                return ast.Unary("not", self.expr(c[0]), span)
            case "binary" | "compare":
                return ast.Binary(str(c[1]), self.expr(c[0]), self.expr(c[2]), span)
            case "member":
                return ast.Binary("in", self.expr(c[0]), self.expr(c[1]), span)
            case "not_member":
                return ast.Binary("not in", self.expr(c[0]), self.expr(c[1]), span)
            case "overlaps":
                return ast.Binary("overlaps", self.expr(c[0]), self.expr(c[1]), span)
            case "and_expr" | "or_expr":
                return ast.Logical(item.data[:-5], self.expr(c[0]), self.expr(c[1]), span)
            case "is_known" | "is_unknown" | "is_present" | "is_absent":
                return ast.Test(self.expr(c[0]), item.data[3:], span)
            case "if_expr":
                return ast.If(self.expr(c[0]), self.expr(c[1]), self.expr(c[2]), span)
            case "any_of" | "every_of":
                return ast.Quantifier(item.data[:-3], str(c[0]), self.expr(c[1]),
                                      self.expr(c[2]), span)
            case "sum_of":
                return ast.Aggregate("sum", str(c[1]), self.expr(c[2]), self.expr(c[0]),
                                     self.expr(c[3]) if c[3] is not None else None, span)
            case "count_of":
                return ast.Aggregate("count", str(c[0]), self.expr(c[1]), None,
                                     self.expr(c[2]) if c[2] is not None else None, span)
        raise AssertionError(f"grammar rule {item.data} has no lowering")
