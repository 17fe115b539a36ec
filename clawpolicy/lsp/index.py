"""Where each name of a policy stands: the places that declare a rule, a fact or a revision,
the places that refer to one, the case facts each expression reads, and the files included.

Built from the syntax alone (the files as parsed, not as checked), so it serves a policy that
has errors of names or types, which is most of the time while it is being written."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from clawpolicy.core import types as t
from clawpolicy.lsp import facts as fact_words
from clawpolicy.core.source import Span
from clawpolicy.syntax import ast


@dataclass(frozen=True)
class Symbol:
    """Something declared once and referred to by name."""

    kind: str  # "rule" | "fact" | "revision" | "file"
    name: str  # the rule's id, the fact's or revision's name, or the file's resolved path


@dataclass(frozen=True)
class Occurrence:
    """A place in a file that names something: a symbol, a case fact, or both (`facts.x`)."""

    span: Span
    symbol: Symbol | None = None
    declares: bool = False       # the symbol's own declaration, not a reference to it
    fact: str | None = None      # the generic path of the case fact read here
    node: object = None          # the declaration, change or include this place belongs to


@dataclass
class PolicyIndex:
    """Every file of one policy, indexed. `declarations` maps a symbol to its declaring
    occurrence; `places` holds each file's occurrences sorted by position."""

    fact_decls: tuple[ast.FactDecl, ...] = ()
    declarations: dict[Symbol, Occurrence] = field(default_factory=dict)
    places: dict[Path, list[Occurrence]] = field(default_factory=dict)
    _starts: dict[Path, list[int]] = field(default_factory=dict)

    def at(self, path: Path, offset: int) -> Occurrence | None:
        """The narrowest occurrence that holds `offset` (or ends just at it, so that a cursor
        placed after a name finds it)."""
        places = self.places.get(path, [])
        last = bisect.bisect_right(self._starts.get(path, []), offset)
        holding = [o for o in places[:last] if o.span.start <= offset <= o.span.end]
        return min(holding, key=lambda o: (o.span.end - o.span.start, o.symbol is None),
                   default=None)

    def references(self, symbol: Symbol) -> list[Occurrence]:
        return [o for places in self.places.values() for o in places
                if o.symbol == symbol and not o.declares]

    def fact_reads(self, path: str) -> list[Occurrence]:
        return [o for places in self.places.values() for o in places if o.fact == path]

    def rules(self) -> list[ast.Rule]:
        return [o.node for s, o in self.declarations.items()
                if s.kind == "rule" and isinstance(o.node, ast.Rule)]


def build(files: list[tuple[Path, ast.Module]]) -> PolicyIndex:
    """Index the files of one policy, each given by its resolved path and its syntax."""
    decls = [(path, d) for path, module in files for d in module.decls]
    index = PolicyIndex(tuple(d for _, d in decls if isinstance(d, ast.FactDecl)))
    case = fact_words.case_type(index.fact_decls)
    rule_names = {d.name for _, d in decls if isinstance(d, ast.Rule)}
    rule_names |= {c.target for _, d in decls if isinstance(d, ast.Revision) for c in d.changes
                   if c.action == "add"}
    for path, decl in decls:
        walker = _Walker(index, path, rule_names, case)
        walker.decl(decl)
        index.places.setdefault(path, []).extend(walker.found)
    for path, places in index.places.items():
        places.sort(key=lambda o: (o.span.start, o.span.end))
        index._starts[path] = [o.span.start for o in places]
    for places in index.places.values():
        for o in places:
            if o.declares and o.symbol not in index.declarations:
                index.declarations[o.symbol] = o
    return index


class _Walker:
    def __init__(self, index: PolicyIndex, path: Path, rule_names: set[str], case: t.Record):
        self.index = index
        self.path = path
        self.rule_names = rule_names
        self.case = case
        self.found: list[Occurrence] = []

    def add(self, span: Span | None, **kwargs) -> None:
        if span is None or span.end <= span.start:
            return
        if kwargs.get("symbol") is not None or kwargs.get("fact") is not None:
            self.found.append(Occurrence(span, **kwargs))

    def decl(self, decl: ast.Decl) -> None:
        match decl:
            case ast.Include():
                target = (self.path.parent / decl.path).resolve()
                self.add(decl.span, symbol=Symbol("file", str(target)), node=decl)
            case ast.FactDecl():
                self.add(decl.name_span, symbol=Symbol("fact", decl.name), declares=True,
                         fact=f"facts.{decl.name}", node=decl)
            case ast.Rule():
                self.rule(decl, declares=True)
            case ast.Revision():
                self.add(decl.name_span, symbol=Symbol("revision", decl.name), declares=True,
                         node=decl)
                for expr in (decl.applies_to, decl.reaches):
                    self.expr(expr, {})
                for change in decl.changes:
                    self.add(change.target_span, symbol=Symbol("rule", change.target),
                             declares=change.action == "add", node=change)
                    if change.rule is not None:
                        self.rule(change.rule, declares=change.renamed)
                for combine in decl.combines:
                    self.add(combine.other_span, symbol=Symbol("revision", combine.other),
                             node=combine)

    def rule(self, rule: ast.Rule, declares: bool) -> None:
        if declares:
            self.add(rule.name_span, symbol=Symbol("rule", rule.name), declares=True,
                     node=rule)
        scope: dict[str, str | None] = {}
        each = getattr(rule, "each", None)  # an `other` rule's items
        if each is not None:
            self.expr(each.when, scope)
            self.expr(each.collection, scope)
            scope = {each.var: self.element(each.collection, scope)}
            self.expr(each.where, scope)
        self.expr(rule.body, scope)
        self.expr(getattr(rule, "unless", None), scope)  # a remedy's exception
        if isinstance(rule, ast.Excuse):  # an excuse's test
            self.expr(rule.when, scope)

    def fact_path(self, node: ast.Expr, scope: dict[str, str | None]) -> str | None:
        """The generic path of the case fact an expression names, if it names one."""
        match node:
            case ast.Name(name=name):
                if name in scope:
                    return scope[name]
                if name == fact_words.each_word():
                    return fact_words.each_path()
                if name in self.case.fields and name not in self.rule_names:
                    return name
            case ast.Field(subject=subject, name=name):
                inner = self.fact_path(subject, scope)
                return f"{inner}.{name}" if inner is not None else None
        return None

    def element(self, collection: ast.Expr, scope: dict[str, str | None]) -> str | None:
        path = self.fact_path(collection, scope)
        return fact_words.element_path(path, self.case) if path is not None else None

    def expr(self, node: ast.Expr | None, scope: dict[str, str | None]) -> None:
        if node is None:
            return
        match node:
            case ast.Name(name=name):
                if name not in scope and name in self.rule_names:
                    self.add(node.span, symbol=Symbol("rule", name))
                else:
                    self.add(node.span, fact=self.fact_path(node, scope))
                return
            case ast.Field(subject=ast.Name(name="facts"), name=name) if "facts" not in scope:
                self.add(node.name_span, symbol=Symbol("fact", name), fact=f"facts.{name}")
                self.add(node.subject.span, fact="facts")
                return
            case ast.Field():
                self.add(node.name_span, fact=self.fact_path(node, scope))
            case ast.Quantifier() | ast.Aggregate():
                self.expr(node.collection, scope)
                inner = {**scope, node.var: self.element(node.collection, scope)}
                for child in ast.children(node):
                    if child is not node.collection:
                        self.expr(child, inner)
                return
        for child in ast.children(node):
            self.expr(child, scope)

