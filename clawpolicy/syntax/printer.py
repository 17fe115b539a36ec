"""Print the AST back as source in one canonical layout, keeping the file's comments.

The layout: blocks separated by one blank line, two spaces of indent per level, operators
with one space around them, parentheses only where the tree needs them. A line that would
pass WIDTH is broken at its top-level `and`/`or` (the operator aligned under the keyword
before the expression), or before `satisfies` or an aggregate's `where`; long quotations are
wrapped like prose (the language folds white space in texts, so wrapping changes no
meaning).

`and` and `or` never mix without parentheses: `(a and b) or c` keeps them, and `a and b or c`
gains them, so that a reader need not know which binds tighter.

Comments are found by a scan of the source outside texts. A comment at the end of a line of
code stays at the end of the printed line that holds the code it followed (each printed line
knows where in the source its last element ends). Any other comment is printed, on a line of
its own, before the first element of the file it precedes or stands inside; so is an
end-of-line comment whose code is not the end of a printed line (one after `requires`, say,
whose expression goes on the same printed line). Formatting twice changes nothing more."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from clawpolicy.core.source import SourceFile, Span
from clawpolicy.syntax import ast
from clawpolicy.syntax.comments import Comment, comments  # noqa: F401 (printer.comments)
from clawpolicy.syntax.parse import TOKEN

WIDTH = 96
INDENT = "  "

# Binding strength (syntax.ast, shared with a reason's arithmetic): an operand binding more
# loosely than its place allows is parenthesized.
_IF, _OR, _AND, _NOT, _COMPARE, _ADD, _ATOM = (ast.Binds.IF, ast.Binds.OR, ast.Binds.AND,
                                               ast.Binds.NOT, ast.Binds.COMPARE,
                                               ast.Binds.ADD, ast.Binds.ATOM)
_COMPARISONS = ast.COMPARISONS
_prec = ast.binding

# A printed line, and the source offset where the last element it prints ends (None when it
# prints no element of its own, e.g. the first lines of a wrapped set).
Line = tuple[str, "int | None"]


def number(value: Decimal) -> str:
    return format(value, "f")


def text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------- expressions

def _operand_least(operand: ast.Expr, op: str, least: int) -> int:
    """The binding an operand of `and`/`or` needs: an operand that is itself an `and`/`or` of
    the other kind is always parenthesized, whatever binds tighter."""
    if isinstance(operand, ast.Logical) and operand.op != op:
        return _NOT
    return least


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
            return f"-{unparse(o, ast.arithmetic_least(node))}"
        case ast.Logical(op=op, left=left, right=right):
            p = _prec(node)
            return f"{unparse(left, _operand_least(left, op, p))} {op} " \
                   f"{unparse(right, _operand_least(right, op, p + 1))}"
        case ast.Binary(op=op, left=left, right=right) if op in _COMPARISONS:
            return f"{unparse(left, _ADD)} {op} {unparse(right, _ADD)}"
        case ast.Binary(op=op, left=left, right=right):
            return f"{unparse(left, ast.arithmetic_least(node))} {op} " \
                   f"{unparse(right, ast.arithmetic_least(node, right=True))}"
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


def _end(node: ast.Expr) -> int | None:
    return node.span.end if node.span is not None else None


def layout(node: ast.Expr, prefix: str, least: int = _IF) -> list[Line]:
    """The expression after `prefix` (which sets the column it starts at), on as many lines
    as it needs to stay within WIDTH, each line with the source end of what it prints."""
    single = prefix + unparse(node, least)
    if len(single) <= WIDTH:
        return [(single, _end(node))]
    if _prec(node) < least:  # parenthesized: the inside laid out after the `(`
        lines = layout(node, prefix + "(")
        return lines[:-1] + [(lines[-1][0] + ")", lines[-1][1])]
    match node:
        case ast.Logical(op=op):
            operands = _chain(node, op)
            p = _prec(node)
            lines = layout(operands[0], prefix, _operand_least(operands[0], op, p))
            # The operator ends where the keyword before the expression ends (`requires` /
            # `and`); after a keyword shorter than the operator it stands under the operand.
            keyword = prefix.split()[-1] if prefix.split() else ""
            pad = " " * (len(prefix) - len(op) - 1 if len(keyword) >= len(op)
                         else len(prefix))
            for operand in operands[1:]:
                lines += layout(operand, f"{pad}{op} ", _operand_least(operand, op, p + 1))
            return lines
        case ast.Binary(op=op, left=left, right=right) if op in _COMPARISONS:
            return layout(right, f"{prefix}{unparse(left, _ADD)} {op} ", _ADD)
        case ast.Binary(op=op, left=left, right=right):
            lines = layout(left, prefix, ast.arithmetic_least(node))
            return lines + layout(right, f"{' ' * len(prefix)}{op} ",
                                  ast.arithmetic_least(node, right=True))
        case ast.SetLit():
            # Wrapping inside a quoted text is safe: the language folds its white space.
            wrapped = textwrap.wrap(unparse(node), WIDTH, initial_indent=prefix,
                                    subsequent_indent=" " * (len(prefix) + 1),
                                    break_long_words=False, break_on_hyphens=False)
            return [(line, None) for line in wrapped[:-1]] + [(wrapped[-1], _end(node))]
        case ast.Quantifier(kind=k, var=v, collection=c, body=b):
            head = f"{prefix}{k}({v} in {unparse(c)}"
            inner = " " * (len(prefix) + len(k) + 1) + "satisfies "
            lines = [(head, _end(c))] + layout(b, inner)
            return lines[:-1] + [(lines[-1][0] + ")", lines[-1][1])]
        case ast.Aggregate(kind=k, var=v, collection=c, value=e, where=w) if w is not None:
            # Broken before `where`, its condition laid out under it, as after `satisfies`.
            each = f"{unparse(e)} for " if e is not None else ""
            head = f"{prefix}{k}({each}{v} in {unparse(c)}"
            inner = " " * (len(prefix) + len(k) + 1) + "where "
            lines = [(head, _end(c))] + layout(w, inner)
            return lines[:-1] + [(lines[-1][0] + ")", lines[-1][1])]
    return [(single, _end(node))]


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


# ---------------------------------------------------------------- where printed lines end

def _tokens(span: Span | None, skip: tuple[Span, ...] = ()) -> list[tuple[str, int]]:
    """The words, texts and signs within a span (comments and the `skip` spans left out), each
    with the offset where it ends."""
    if span is None or span.file is None:
        return []
    found = []
    for m in TOKEN.finditer(span.file.text, span.start, span.end):
        if m.group().startswith("#") or any(s.start <= m.start() < s.end for s in skip):
            continue
        found.append((m.group(), m.end()))
    return found


def _line_ends(span: Span | None, keywords: set[str],
               skip: tuple[Span, ...] = ()) -> dict[str, int]:
    """For a block whose lines each open with one of `keywords`: where the first line opened
    by each keyword ends in the source (its last token before the next keyword)."""
    ends: dict[str, int] = {}
    current = None
    for token, end in _tokens(span, skip):
        if token in keywords:
            current = token if token not in ends else None
        if current is not None:
            ends[current] = end
    return ends


# ---------------------------------------------------------------- blocks

class _Writer:
    def __init__(self, source: SourceFile, pending: list[Comment]):
        self.source = source
        self.pending = pending
        self.lines: list[str] = []
        self.ends: list[int | None] = []
        self.placed: dict[Comment, int] = {}  # the printed line of each comment on its own

    def comments_before(self, span: Span | None, indent: str, inside: bool = True) -> None:
        """Print the comments that come before the element at `span`, and those inside it
        unless it is a block (whose inner comments go before its own lines)."""
        if span is None or span.file is None:
            return
        last_line = span.file.line_col(max(span.start, span.end - 1))[0] if inside \
            else span.line_col[0]
        while self.pending and self.pending[0].line <= last_line:
            comment = self.pending.pop(0)
            self.placed[comment] = len(self.lines)
            self.emit([indent + comment.text])
            if comment.blank_after and comment.line < span.line_col[0]:
                self.emit([""])

    def emit(self, lines: list[str], end: int | None = None) -> None:
        """Lines of output; `end` is where, in the source, the last of them ends."""
        self.lines.extend(lines)
        self.ends.extend([None] * (len(lines) - 1) + [end] if lines else [])

    def emit_lines(self, lines: list[Line]) -> None:
        for line, end in lines:
            self.emit([line], end)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.emit([""])

    def home(self, comment: Comment) -> int | None:
        """The printed line an end-of-line comment belongs to: the last whose source ends on
        the comment's line, before it."""
        found = None
        for i, end in enumerate(self.ends):
            if end is not None and end <= comment.offset \
                    and self.source.line_col(max(0, end - 1))[0] == comment.line:
                found = i
        return found


def format_module(module: ast.Module, source: SourceFile) -> str:
    found = comments(source)
    standalone = {c for c in found if not c.trailing}
    while True:
        w = _Writer(source, [c for c in found if c in standalone])
        _module(w, module)
        homes = {c: w.home(c) for c in found if c not in standalone}
        homeless = {c for c, i in homes.items() if i is None} or _out_of_order(found, w, homes)
        if not homeless:
            break
        standalone |= homeless  # printed on a line of their own, before what follows them
    for comment, i in homes.items():
        w.lines[i] += "  " + comment.text
    return "\n".join(w.lines) + "\n"


def _out_of_order(found: list[Comment], w: _Writer, homes: dict[Comment, int]) -> set[Comment]:
    """An end-of-line comment that would print after a comment that follows it in the source
    (one that went above the expression it ends a line of): it goes on its own line too."""
    def where(c: Comment) -> int:
        return homes[c] if c in homes else w.placed[c]
    latest = None
    for comment in found:
        if latest is not None and where(comment) < where(latest):
            return {latest if latest in homes else comment}
        latest = comment
    return set()


def _module(w: _Writer, module: ast.Module) -> None:
    for i, decl in enumerate(module.decls):
        together = isinstance(decl, ast.Include) and isinstance(module.decls[i - 1], ast.Include)
        if i and not together:
            w.blank()
        w.comments_before(decl.span, "", inside=isinstance(decl, ast.Include))
        _decl(w, decl, "")
    if w.pending:
        w.blank()
        for comment in w.pending:
            w.placed[comment] = len(w.lines)
            w.emit([comment.text])
    while w.lines and w.lines[-1] == "":
        w.lines.pop()
        w.ends.pop()


def _citation(w: _Writer, citation: ast.Citation, indent: str) -> None:
    if citation.clause is not None:
        ends = _line_ends(citation.span, {"clause", "quote"})
        w.emit(wrap_text(f"{indent}clause ", citation.clause), ends.get("clause"))
    spans = citation.quote_spans or (None,) * len(citation.quotes)
    for quote, span in zip(citation.quotes, spans):
        w.emit(wrap_text(f"{indent}quote ", quote), span.end if span is not None else None)


def _expr_line(w: _Writer, keyword: str, expr: ast.Expr, indent: str) -> None:
    w.comments_before(expr.span, indent)
    w.emit_lines(layout(expr, f"{indent}{keyword} "))


def _end_of(span: Span | None) -> int | None:
    return span.end if span is not None and span.file is not None else None


def _decl(w: _Writer, decl: ast.Decl, indent: str, opener: str = "") -> None:
    match decl:
        case ast.Header():
            w.comments_before(decl.span, "")  # comments inside the header go above it
            ends = _line_ends(decl.span, {"policy", "adopted", "effective", "source", "end"})
            w.emit([f"policy {text(decl.name)}"], ends.get("policy"))
            if decl.adopted_by is not None or decl.adopted_on is not None:
                w.emit([f"{INDENT}adopted by {text(decl.adopted_by or '')} on "
                        f"{decl.adopted_on.isoformat()}"], ends.get("adopted"))
            if decl.effective is not None:
                w.emit([f"{INDENT}effective {decl.effective.isoformat()}"],
                       ends.get("effective"))
            if decl.source is not None:
                w.emit([f"{INDENT}source {text(decl.source)}"], ends.get("source"))
            w.emit(["end"], _end_of(decl.span))
        case ast.Include():
            w.emit([f"include {text(decl.path)}"], _end_of(decl.span))
        case ast.FactDecl():
            kind = decl.type if decl.type != "enum" else \
                "one of {" + ", ".join(decl.values) + "}"
            w.comments_before(decl.span, "")
            ends = _line_ends(decl.span, {"fact", "asks", "end"})
            per = f" per {decl.per}" if decl.per is not None else ""
            w.emit([f"fact {decl.name}: {kind}{per}"], ends.get("fact"))
            if decl.question is not None:
                w.emit(wrap_text(f"{INDENT}asks ", decl.question), ends.get("asks"))
            w.emit(["end"], _end_of(decl.span))
        case ast.Rule():
            _rule(w, decl, indent, opener)
        case ast.Revision():
            _revision(w, decl, indent)
        case _:
            raise AssertionError(f"no printing for {type(decl).__name__}")


def _last_text_end(rule: ast.Rule) -> int | None:
    """Where the text after `says`, `effect` or `because` ends: the block's last text."""
    texts = [end for token, end in _tokens(rule.span) if token[:1] in "\"'"]
    return texts[-1] if texts else None


def _rule(w: _Writer, rule: ast.Rule, indent: str, opener: str, head: str = "") -> None:
    inner = indent + INDENT
    w.emit([f"{indent}{opener}{'define' if rule.kind == 'definition' else rule.kind} "
            f"{head}{rule.name}"], _end_of(rule.name_span))
    w.comments_before(rule.citation.span, inner)
    _citation(w, rule.citation, inner)
    match rule.kind:
        case "definition":
            _expr_line(w, "as", rule.body, inner)
        case "scope" | "condition":
            _expr_line(w, "requires", rule.body, inner)
        case "recoverable":
            if rule.label is not None:
                w.emit(wrap_text(f"{inner}label ", rule.label))
            _expr_line(w, "is", rule.body, inner)
        case "remedy":
            _expr_line(w, f"{rule.modality} recover up to", rule.body, inner)
            if rule.unless is not None:
                _expr_line(w, "unless", rule.unless, inner)
            if rule.enforced_by is not None:
                w.emit(wrap_text(f"{inner}enforced only by ", rule.enforced_by))
        case "note":
            _expr_line(w, "when", rule.body, inner)
            w.emit(wrap_text(f"{inner}says ", rule.text), _last_text_end(rule))
        case "excuse":
            _expr_line(w, "when", rule.when, inner)
            _expr_line(w, "excuses", rule.body, inner)
        case "provision":
            w.emit(wrap_text(f"{inner}effect ", rule.text), _last_text_end(rule))
        case "recital":
            w.emit(wrap_text(f"{inner}because ", rule.text), _last_text_end(rule))
        case "other":
            each = rule.each
            if each.when is not None:
                _expr_line(w, "when", each.when, inner)
            _expr_line(w, f"for {each.var} in", each.collection, inner)
            if each.where is not None:
                _expr_line(w, "where", each.where, inner)
            _expr_line(w, "recover", rule.body, inner)
    w.comments_before(rule.span, inner)
    w.emit([f"{indent}end"], _end_of(rule.span))


_REVISION_LINES = {"effective", "applies", "reaches", "add", "replace", "remove", "make",
                   "combine", "end"}


def _revision(w: _Writer, revision: ast.Revision, indent: str) -> None:
    inner = indent + INDENT
    w.emit([f"{indent}revision {revision.name}"], _end_of(revision.name_span))
    w.comments_before(revision.citation.span, inner)
    _citation(w, revision.citation, inner)
    if revision.applies_to is not None:
        _expr_line(w, "applies to", revision.applies_to, inner)
    if revision.effective is not None:
        parts = tuple(c.span for c in revision.changes + revision.combines if c.span)
        w.emit([f"{inner}effective {revision.effective.isoformat()}"],
               _line_ends(revision.span, _REVISION_LINES, parts).get("effective"))
    if revision.reaches is not None:
        _expr_line(w, "reaches", revision.reaches, inner)
    for change in revision.changes:
        w.blank()
        w.comments_before(change.span, inner, inside=False)
        if change.action in ("add", "replace"):
            _rule(w, change.rule, inner, f"{change.action} ",
                  f"{change.target} as " if change.renamed else "")
            continue
        if change.action == "remove":
            w.emit([f"{inner}remove {change.kind} {change.target}"],
                   _end_of(change.target_span))
        else:
            w.emit([f"{inner}make remedy {change.target} {change.modality}"],
                   _line_ends(change.span, {"make", "clause", "quote", "end"}).get("make"))
        _citation(w, change.citation, inner + INDENT)
        w.comments_before(change.span, inner + INDENT)
        w.emit([f"{inner}end"], _end_of(change.span))
    for combine in revision.combines:
        w.blank()
        w.comments_before(combine.span, inner, inside=False)
        w.emit([f"{inner}combine with {combine.other} by {combine.how}"],
               _line_ends(combine.span, {"combine", "clause", "quote", "end"}).get("combine"))
        _citation(w, combine.citation, inner + INDENT)
        w.emit([f"{inner}end"], _end_of(combine.span))
    w.comments_before(revision.span, inner)
    w.emit([f"{indent}end"], _end_of(revision.span))
