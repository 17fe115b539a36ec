"""Lower the Lark parse tree, once, into the frozen AST of `ast.py`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from lark import Token, Tree

from clawpolicy.case import MAX_DIGITS
from clawpolicy.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.source import SourceFile, Span
from clawpolicy.syntax import ast

_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_UNITS = {"year": "years", "years": "years", "month": "months", "months": "months",
          "day": "days", "days": "days"}


def lower(tree: Tree, source: SourceFile) -> ast.Module:
    return _Lowering(source).module(tree)


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

    # ------------------------------------------------------------ declarations
    def module(self, tree: Tree) -> ast.Module:
        decls = tuple(self.decl(child) for child in tree.children)
        if self.errors:
            raise DiagnosticError(self.errors)
        return ast.Module(decls, self.span(tree))

    def decl(self, tree: Tree) -> ast.Decl:
        kind = str(tree.data)
        c = tree.children
        span = self.span(tree)
        if kind == "header":
            fields: dict[str, object] = {}
            seen: set[str] = set()
            for line in c[1:]:
                if line.data in seen:
                    self.errors.append(Diagnostic(
                        "CP0107", f"the header gives `{line.data}` twice",
                        "give each line of the header once", self.span(line)))
                seen.add(str(line.data))
                if line.data == "adopted":
                    fields["adopted_by"] = self.string(line.children[0])
                    fields["adopted_on"] = self.date(line.children[1])
                elif line.data == "effective":
                    fields["effective"] = self.date(line.children[0])
                else:
                    fields["source"] = self.string(line.children[0])
            return ast.Header(
                self.string(c[0]), fields.get("adopted_by"), fields.get("adopted_on"),
                fields.get("effective"), fields.get("source"), span)
        if kind == "include":
            return ast.Include(self.string(c[0]), span)
        if kind == "fact_decl":
            name, type_tree, question = c
            if type_tree.data == "enum_type":
                type_name, values = "enum", tuple(str(t) for t in type_tree.children)
            else:
                type_name, values = str(type_tree.children[0]), ()
            return ast.FactDecl(str(name), type_name, values,
                                self.string(question) if question is not None else None,
                                span, self.span(name))
        name, citation = c[0], self.citation(c[1])
        if kind in ("definition", "scope", "condition", "recoverable"):
            return ast.Rule(kind, str(name), citation, self.expr(c[2]),
                            span=span, name_span=self.span(name))
        if kind == "remedy":
            modality, cap, unless = c[2], c[3], c[4]
            return ast.Rule("remedy", str(name), citation, self.expr(cap), modality=str(modality),
                            unless=self.expr(unless.children[0]) if unless is not None else None,
                            span=span, name_span=self.span(name))
        if kind == "note":
            return ast.Rule("note", str(name), citation, self.expr(c[2]), text=self.string(c[3]),
                            span=span, name_span=self.span(name))
        if kind in ("provision", "recital"):
            return ast.Rule(kind, str(name), citation, None, text=self.string(c[2]),
                            span=span, name_span=self.span(name))
        if kind == "other":
            when, var, collection, where, body = c[2], c[3], c[4], c[5], c[6]
            each = ast.ForEach(self.expr(when) if when is not None else None, str(var),
                               self.expr(collection),
                               self.expr(where) if where is not None else None)
            return ast.Rule("other", str(name), citation, self.expr(body), each=each,
                            span=span, name_span=self.span(name))
        if kind == "revision":
            return self.revision(tree, str(name), citation)
        raise AssertionError(f"grammar rule {kind} has no lowering")

    def revision(self, tree: Tree, name: str, citation: ast.Citation) -> ast.Revision:
        applies_to = reaches = effective = None
        changes: list[ast.Change] = []
        combines: list[ast.Combine] = []
        seen: set[str] = set()
        for line in tree.children[2:]:
            kind = str(line.data)
            c = line.children
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
                applies_to = self.expr(c[0])
            elif kind == "rev_effective":
                effective = self.date(c[0])
            elif kind == "reaches":
                reaches = self.expr(c[0])
            elif kind == "combine":
                combines.append(ast.Combine(str(c[0]), str(c[1]), self.citation(c[2]),
                                            self.span(line), self.span(c[0])))
            elif kind in ("add_change", "replace_change"):
                rule = self.decl(c[0])
                changes.append(ast.Change(kind.split("_")[0], rule.kind, rule.name, rule, None,
                                          rule.citation, self.span(line), rule.name_span))
            elif kind == "modality_change":
                changes.append(ast.Change("modality", "remedy", str(c[0]), None, str(c[1]),
                                          self.citation(c[2]), self.span(line),
                                          self.span(c[0])))
            else:  # remove_scope, remove_condition, ...
                changes.append(ast.Change("remove", kind.removeprefix("remove_"), str(c[0]),
                                          None, None, self.citation(c[1]), self.span(line),
                                          self.span(c[0])))
        return ast.Revision(name, citation, applies_to, effective, reaches, tuple(changes),
                            tuple(combines), self.span(tree), self.span(tree.children[0]))

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
