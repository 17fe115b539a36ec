"""Print the AST back as source in one canonical layout, keeping the file's comments.

The layout: blocks separated by one blank line, two spaces of indent per level, operators
with one space around them, parentheses only where the tree needs them. A line that would
pass WIDTH is broken at its top-level `and`/`or` (the operator aligned under the keyword
before the expression) or before `satisfies`; long quotations are wrapped like prose (the
language folds white space in texts, so wrapping changes no meaning).

Comments are found by a scan of the source outside texts, and each is printed, on a line of
its own, before the first element of the file it precedes or stands inside. A comment at the
end of a line of code so moves above that line; formatting twice changes nothing more."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import Decimal

from clawpolicy.core.source import SourceFile, Span
from clawpolicy.syntax import ast

WIDTH = 96
INDENT = "  "

# Binding strength: an operand binding more loosely than its place allows is parenthesized.
_IF, _OR, _AND, _NOT, _COMPARE, _ADD, _MUL, _NEG, _ATOM = range(9)
_COMPARISONS = {"=", "!=", "<", "<=", ">", ">=", "in", "not in", "overlaps"}


@dataclass(frozen=True)
class Comment:
    line: int
    text: str
    blank_after: bool  # a blank line follows it in the source


def comments(source: SourceFile) -> list[Comment]:
    """Every comment outside a quoted text, in order."""
    text, found, i, quote = source.text, [], 0, None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            line, _ = source.line_col(i)
            after = text[end + 1:].split("\n", 1)[0] if end < len(text) else "x"
            found.append(Comment(line, text[i:end].rstrip(), not after.strip()))
            i = end
            continue
        i += 1
    return found


def number(value: Decimal) -> str:
    return format(value, "f")


def text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- expressions

def _prec(node: ast.Expr) -> int:
    match node:
        case ast.If():
            return _IF
        case ast.Logical(op="or"):
            return _OR
        case ast.Logical(op="and"):
            return _AND
        case ast.Unary(op="not"):
            return _NOT
        case ast.Binary(op=op) if op in _COMPARISONS:
            return _COMPARE
        case ast.Test():
            return _COMPARE
        case ast.Binary(op="+" | "-"):
            return _ADD
        case ast.Binary(op="*" | "/"):
            return _MUL
        case ast.Unary(op="-"):
            return _NEG
    return _ATOM


def unparse(node: ast.Expr, least: int = _IF) -> str:
    """One line of source for an expression, parenthesized if it binds looser than `least`."""
    out = _unparse(node)
    return f"({out})" if _prec(node) < least else out


def _unparse(node: ast.Expr) -> str:
    match node:
        case ast.Number(value=v):
            return number(v)
        case ast.MoneyLit(value=v, unit=unit):
            return f"{number(v)} {unit}"
        case ast.DurationLit(amount=n, unit=unit):
            return f"{n} {unit if n != 1 else unit[:-1]}"
        case ast.DateLit(value=v):
            return v.isoformat()
        case ast.Text(value=v):
            return text(v)
        case ast.Bool(value=v):
            return "true" if v else "false"
        case ast.Name(name=n):
            return n
        case ast.Field(subject=s, name=n):
            return f"{unparse(s, _ATOM)}.{n}"
        case ast.Call(function=f, args=args):
            return f"{f}({', '.join(unparse(a) for a in args)})"
        case ast.SetLit(items=items):
            return "{" + ", ".join(unparse(i) for i in items) + "}"
        case ast.Unary(op="not", operand=o):
            return f"not {unparse(o, _NOT)}"
        case ast.Unary(op="-", operand=o):
            return f"-{unparse(o, _NEG)}"
        case ast.Logical(op=op, left=left, right=right):
            p = _prec(node)
            return f"{unparse(left, p)} {op} {unparse(right, p + 1)}"
        case ast.Binary(op=op, left=left, right=right) if op in _COMPARISONS:
            return f"{unparse(left, _ADD)} {op} {unparse(right, _ADD)}"
        case ast.Binary(op=op, left=left, right=right):
            p = _prec(node)
            return f"{unparse(left, p)} {op} {unparse(right, p + 1)}"
        case ast.Test(subject=s, test=test):
            return f"{unparse(s, _ADD)} is {test}"
        case ast.If(condition=c, then=a, otherwise=b):
            return f"if {unparse(c)} then {unparse(a)} else {unparse(b)}"
        case ast.Quantifier(kind=k, var=v, collection=c, body=b):
            return f"{k}({v} in {unparse(c)} satisfies {unparse(b)})"
        case ast.Aggregate(kind="sum", var=v, collection=c, value=e, where=w):
            return f"sum({unparse(e)} for {v} in {unparse(c)}" \
                   + (f" where {unparse(w)}" if w is not None else "") + ")"
        case ast.Aggregate(kind="count", var=v, collection=c, where=w):
            return f"count({v} in {unparse(c)}" \
                   + (f" where {unparse(w)}" if w is not None else "") + ")"
    raise AssertionError(f"no printing for {type(node).__name__}")


def layout(node: ast.Expr, prefix: str, least: int = _IF) -> list[str]:
    """The expression after `prefix` (which sets the column it starts at), on as many lines
    as it needs to stay within WIDTH."""
    single = prefix + unparse(node, least)
    if len(single) <= WIDTH or _prec(node) < least:
        return [single]
    match node:
        case ast.Logical(op=op):
            operands = _chain(node, op)
            p = _prec(node)
            lines = layout(operands[0], prefix, p)
            # The operator ends where the keyword before the expression ends (`requires` /
            # `and`); after a keyword shorter than the operator it stands under the operand.
            keyword = prefix.split()[-1] if prefix.split() else ""
            pad = " " * (len(prefix) - len(op) - 1 if len(keyword) >= len(op)
                         else len(prefix))
            for operand in operands[1:]:
                lines += layout(operand, f"{pad}{op} ", p + 1)
            return lines
        case ast.Binary(op=op, left=left, right=right) if op in _COMPARISONS:
            return layout(right, f"{prefix}{unparse(left, _ADD)} {op} ", _ADD)
        case ast.Binary(op=op, left=left, right=right):
            p = _prec(node)
            lines = layout(left, prefix, p)
            return lines + layout(right, f"{' ' * len(prefix)}{op} ", p + 1)
        case ast.SetLit():
            # Wrapping inside a quoted text is safe: the language folds its white space.
            return textwrap.wrap(unparse(node), WIDTH, initial_indent=prefix,
                                 subsequent_indent=" " * (len(prefix) + 1),
                                 break_long_words=False, break_on_hyphens=False)
        case ast.Quantifier(kind=k, var=v, collection=c, body=b):
            head = f"{prefix}{k}({v} in {unparse(c)}"
            inner = " " * (len(prefix) + len(k) + 1) + "satisfies "
            lines = [head] + layout(b, inner)
            lines[-1] += ")"
            return lines
    return [single]


def _chain(node: ast.Expr, op: str) -> list[ast.Expr]:
    """`a and b and c`, parsed as ((a and b) and c), as its operands in order."""
    if isinstance(node, ast.Logical) and node.op == op:
        return _chain(node.left, op) + [node.right]
    return [node]


def wrap_text(prefix: str, value: str) -> list[str]:
    """`prefix "value"`, wrapped like prose under the opening quote mark."""
    quoted = text(value)
    if len(prefix) + len(quoted) <= WIDTH:
        return [prefix + quoted]
    return textwrap.wrap(quoted, WIDTH, initial_indent=prefix,
                         subsequent_indent=" " * (len(prefix) + 1), break_long_words=False,
                         break_on_hyphens=False)


# ---------------------------------------------------------------- blocks

class _Writer:
    def __init__(self, source: SourceFile):
        self.source = source
        self.pending = comments(source)
        self.lines: list[str] = []

    def comments_before(self, span: Span | None, indent: str, inside: bool = True) -> None:
        """Print the comments that come before the element at `span`, and those inside it
        unless it is a block (whose inner comments go before its own lines)."""
        if span is None or span.file is None:
            return
        last_line = span.file.line_col(max(span.start, span.end - 1))[0] if inside \
            else span.line_col[0]
        while self.pending and self.pending[0].line <= last_line:
            comment = self.pending.pop(0)
            self.lines.append(indent + comment.text)
            if comment.blank_after and comment.line < span.line_col[0]:
                self.lines.append("")

    def emit(self, lines: list[str]) -> None:
        self.lines.extend(lines)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")


def format_module(module: ast.Module, source: SourceFile) -> str:
    w = _Writer(source)
    for i, decl in enumerate(module.decls):
        together = isinstance(decl, ast.Include) and isinstance(module.decls[i - 1], ast.Include)
        if i and not together:
            w.blank()
        w.comments_before(decl.span, "", inside=isinstance(decl, ast.Include))
        _decl(w, decl, "")
    if w.pending:
        w.blank()
        w.emit([c.text for c in w.pending])
    while w.lines and w.lines[-1] == "":
        w.lines.pop()
    return "\n".join(w.lines) + "\n"


def _citation(w: _Writer, citation: ast.Citation, indent: str) -> None:
    if citation.clause is not None:
        w.emit(wrap_text(f"{indent}clause ", citation.clause))
    for quote in citation.quotes:
        w.emit(wrap_text(f"{indent}quote ", quote))


def _expr_line(w: _Writer, keyword: str, expr: ast.Expr, indent: str) -> None:
    w.comments_before(expr.span, indent)
    w.emit(layout(expr, f"{indent}{keyword} "))


def _decl(w: _Writer, decl: ast.Decl, indent: str, opener: str = "") -> None:
    match decl:
        case ast.Header():
            w.comments_before(decl.span, "")  # comments inside the header go above it
            w.emit([f"policy {text(decl.name)}"])
            if decl.adopted_by is not None or decl.adopted_on is not None:
                w.emit([f"{INDENT}adopted by {text(decl.adopted_by or '')} on "
                        f"{decl.adopted_on.isoformat()}"])
            if decl.effective is not None:
                w.emit([f"{INDENT}effective {decl.effective.isoformat()}"])
            if decl.source is not None:
                w.emit([f"{INDENT}source {text(decl.source)}"])
            w.emit(["end"])
        case ast.Include():
            w.emit([f"include {text(decl.path)}"])
        case ast.FactDecl():
            kind = decl.type if decl.type != "enum" else \
                "one of {" + ", ".join(decl.values) + "}"
            w.comments_before(decl.span, "")
            w.emit([f"fact {decl.name}: {kind}"])
            if decl.question is not None:
                w.emit(wrap_text(f"{INDENT}asks ", decl.question))
            w.emit(["end"])
        case ast.Rule():
            _rule(w, decl, indent, opener)
        case ast.Revision():
            _revision(w, decl, indent)
        case _:
            raise AssertionError(f"no printing for {type(decl).__name__}")


def _rule(w: _Writer, rule: ast.Rule, indent: str, opener: str) -> None:
    inner = indent + INDENT
    w.emit([f"{indent}{opener}{'define' if rule.kind == 'definition' else rule.kind} "
            f"{rule.name}"])
    w.comments_before(rule.citation.span, inner)
    _citation(w, rule.citation, inner)
    match rule.kind:
        case "definition":
            _expr_line(w, "as", rule.body, inner)
        case "scope" | "condition":
            _expr_line(w, "requires", rule.body, inner)
        case "recoverable":
            _expr_line(w, "is", rule.body, inner)
        case "remedy":
            _expr_line(w, f"{rule.modality} recover up to", rule.body, inner)
            if rule.unless is not None:
                _expr_line(w, "unless", rule.unless, inner)
            if rule.enforced_by is not None:
                w.emit(wrap_text(f"{inner}enforced only by ", rule.enforced_by))
        case "note":
            _expr_line(w, "when", rule.body, inner)
            w.emit(wrap_text(f"{inner}says ", rule.text))
        case "provision":
            w.emit(wrap_text(f"{inner}effect ", rule.text))
        case "recital":
            w.emit(wrap_text(f"{inner}because ", rule.text))
        case "other":
            each = rule.each
            if each.when is not None:
                _expr_line(w, "when", each.when, inner)
            _expr_line(w, f"for {each.var} in", each.collection, inner)
            if each.where is not None:
                _expr_line(w, "where", each.where, inner)
            _expr_line(w, "recover", rule.body, inner)
    w.comments_before(rule.span, inner)
    w.emit([f"{indent}end"])


def _revision(w: _Writer, revision: ast.Revision, indent: str) -> None:
    inner = indent + INDENT
    w.emit([f"{indent}revision {revision.name}"])
    w.comments_before(revision.citation.span, inner)
    _citation(w, revision.citation, inner)
    if revision.applies_to is not None:
        _expr_line(w, "applies to", revision.applies_to, inner)
    if revision.effective is not None:
        w.emit([f"{inner}effective {revision.effective.isoformat()}"])
    if revision.reaches is not None:
        _expr_line(w, "reaches", revision.reaches, inner)
    for change in revision.changes:
        w.blank()
        w.comments_before(change.span, inner, inside=False)
        if change.action in ("add", "replace"):
            _rule(w, change.rule, inner, f"{change.action} ")
            continue
        if change.action == "remove":
            w.emit([f"{inner}remove {change.kind} {change.target}"])
        else:
            w.emit([f"{inner}make remedy {change.target} {change.modality}"])
        _citation(w, change.citation, inner + INDENT)
        w.comments_before(change.span, inner + INDENT)
        w.emit([f"{inner}end"])
    for combine in revision.combines:
        w.blank()
        w.comments_before(combine.span, inner, inside=False)
        w.emit([f"{inner}combine with {combine.other} by {combine.how}"])
        _citation(w, combine.citation, inner + INDENT)
        w.emit([f"{inner}end"])
    w.comments_before(revision.span, inner)
    w.emit([f"{indent}end"])
