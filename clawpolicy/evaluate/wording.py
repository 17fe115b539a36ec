"""The reasons' words compiled, once per compiled policy (compiled.py), into closures: the
fast path beside explain.py's `Explainer`, which stays the reference (`explain.COMPILED =
False` writes every reason by it; tests/test_wording.py holds the two word for word).

For each node a reason reaches, three closures `f(evaluator, env) -> str`, made on first use
and kept on the policy's compiled table: its explanation (why it came out as it did), its
description (the operand with its value, a computed one with its parts) and its label (what
it reads). What `Explainer` decides again for every reason is decided here once per node:
its kind's words (no dispatch on its class), the checker's resolution of a name, whether a
set is written out, the comparison's verbs, whether an operand of arithmetic is grouped, a
node's text, and the closures of its operands and of its value (the compiled table's, so
that the values read are the ones the run computed, from its memo). A fact's label is
decided once for each record type it is read from. What is left for a reason is to read
the values and put them in.

The words themselves, and whatever is rare (a date's window, an item's name, an unknown's
facts, a span, a branch chosen at run time inside arithmetic), are the reference's own
methods, called on the evaluator, so that the two cannot drift apart. A run that tracks its
answers (`tracking.Tracked` values: the exactness search's, which write no reasons) is
written by the reference."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from clawpolicy.core.values import Absent, Unknown, show
from clawpolicy.evaluate.env import Rec
from clawpolicy.syntax import ast

Words = Callable[[Any, Any], str]

COMPARISONS = frozenset(("=", "!=", "<", "<=", ">", ">="))


def of(item: Any, reason: str) -> str:
    """A reason about one item of a list, prefixed by the item unless it already names it."""
    return reason if reason.startswith(f"{item}: ") else f"{item}: {reason}"


def comparison_words(op: str, holds: bool, is_date: bool) -> str:
    words = ({"<": "is before", "<=": "is on or before", ">": "is after",
              ">=": "is on or after", "=": "is", "!=": "is not"} if is_date else
             {"<": "is less than", "<=": "is at most", ">": "is more than",
              ">=": "is at least", "=": "is", "!=": "is not"})[op]
    if holds:
        return words
    if op == "!=":
        return "is"
    if op == "=":
        return "is not"
    return words.replace("is ", "is not ", 1)


class Wording:
    """The words of one compiled table's nodes (`Compiled.words`)."""

    def __init__(self, table: Any):
        self.table = table  # compiled.Compiled: the closures of the nodes' values
        self.explains: dict[int, Words] = {}
        self.describes: dict[int, Words] = {}
        self.labels: dict[int, Words] = {}
        self._nodes: list[ast.Expr] = []  # each node kept alive, so that its id stays its own

    def explain(self, node: ast.Expr) -> Words:
        return self.explains.get(id(node)) or self._made(self.explains, _EXPLAIN, _stated, node)

    def describe(self, node: ast.Expr) -> Words:
        return self.describes.get(id(node)) or self._made(self.describes, _DESCRIBE, _named,
                                                           node)

    def label(self, node: ast.Expr) -> Words:
        return self.labels.get(id(node)) or self._made(self.labels, _LABEL, _text, node)

    def _made(self, table: dict, makers: dict, default: Callable, node: ast.Expr) -> Words:
        """A node's words made on first use by its kind's maker, and kept."""
        self._nodes.append(node)
        found = table[id(node)] = makers.get(type(node), default)(self, node)
        return found

    def value(self, node: ast.Expr) -> Callable[[Any, Any], Any]:
        """The node's value as `Evaluator.eval` gives it: the compiled closure's (plain in a
        run that tracks no answer, the only one these words are written for)."""
        return self.table.of(node)

    def kind(self, node: ast.Name) -> str:
        return self.table.policy.resolutions[id(node)].kind

    def ruled(self, node: ast.Name, make: Callable[[ast.Expr], Words]) -> Callable:
        """The words `make` gives a named rule's body, under the rule set of the environment
        (a revision may replace the rule), found once for each rule set."""
        bodies: dict[int, tuple[Any, Words]] = {}
        name = node.name

        def body(ev: Any, env: Any) -> Words:
            found = bodies.get(id(env.rules))
            if found is None:  # the rule set kept beside its words, so its id stays its own
                found = bodies[id(env.rules)] = (env.rules,
                                                 make(env.named(name, ev.policy).body))
            return found[1]
        return body


# ---------------------------------------------------------------- explanations
def _stated(w: Wording, node: ast.Expr) -> Words:
    """A value that needs no other words: unknown, a truth value, or described (the
    reference's `_stated`)."""
    value, said = w.value(node), _said(w, node)

    def stated(ev: Any, env: Any) -> str:
        return said(ev, env, value(ev, env))
    return stated


def _said(w: Wording, node: ast.Expr) -> Callable[[Any, Any, Any], str]:
    label, describe = w.label(node), w.describe(node)

    def said(ev: Any, env: Any, value: Any) -> str:
        if isinstance(value, Unknown):
            return ev._unknown_words(value, env)
        if type(value) is bool:
            return f"{label(ev, env)} is {'true' if value else 'false'}"
        return describe(ev, env)
    return said


def _logical(w: Wording, node: ast.Logical) -> Words:
    # The operand that settled it; or, when none did alone, every one that counts.
    decisive = node.op == "or"
    left, right = w.value(node.left), w.value(node.right)
    explain_left, explain_right = w.explain(node.left), w.explain(node.right)

    def logical(ev: Any, env: Any) -> str:
        if left(ev, env) is decisive:
            return explain_left(ev, env)
        if right(ev, env) is decisive:
            return explain_right(ev, env)
        first, second = explain_left(ev, env), explain_right(ev, env)
        return first if first == second else f"{first}; {second}"
    return logical


def _unary(w: Wording, node: ast.Unary) -> Words:
    if node.op != "not":
        return _stated(w, node)
    operand = w.explain(node.operand)

    def negated(ev: Any, env: Any) -> str:
        ev._negated = not ev._negated
        try:
            return operand(ev, env)
        finally:
            ev._negated = not ev._negated
    return negated


def _binary(w: Wording, node: ast.Binary) -> Words:
    op = node.op
    if op in ("in", "not in"):
        return _membership(w, node)
    if op == "overlaps":
        return _overlaps(w, node)
    if op not in COMPARISONS:
        return _stated(w, node)
    value, left = w.value(node), w.value(node.left)
    describe_left, describe_right = w.describe(node.left), w.describe(node.right)
    verbs = {(holds, is_date): comparison_words(op, holds, is_date)
             for holds in (True, False) for is_date in (True, False)}
    bounded = op not in ("=", "!=")

    def comparison(ev: Any, env: Any) -> str:
        holds = value(ev, env)
        if isinstance(holds, Unknown):
            return ev._unknown_words(holds, env)
        is_date = isinstance(left(ev, env), dt.date)
        if is_date and bounded and ev._dated is not None:
            ev._bound(node, env, holds)
        verb = verbs.get((holds, is_date)) if type(holds) is bool else None
        return f"{describe_left(ev, env)} " \
               f"{verb or comparison_words(op, holds, is_date)} {describe_right(ev, env)}"
    return comparison


def _membership(w: Wording, node: ast.Binary) -> Words:
    value = w.value(node)
    written = isinstance(node.right, ast.SetLit)
    listed = written or _named_set(w, node.right)
    inside = node.op == "in"
    right = w.value(node.right) if written else w.describe(node.right)
    describe_left, describe_right = w.describe(node.left), w.describe(node.right)

    def membership(ev: Any, env: Any) -> str:
        found = value(ev, env)
        holds = found if inside else (not found if found in (True, False) else found)
        if isinstance(found, Unknown):
            return ev._unknown_words(found, env)
        if listed:
            verb = "is one of" if holds else "is not one of"
            shown = show(right(ev, env)) if written else right(ev, env)
            return f"{describe_left(ev, env)} {verb} {shown}"
        verb = "includes" if holds else "does not include"
        return f"{describe_right(ev, env)} {verb} {describe_left(ev, env)}"
    return membership


def _named_set(w: Wording, node: ast.Expr) -> bool:
    """A definition whose body is a set written out (the reference's `_named_set`)."""
    if not isinstance(node, ast.Name):
        return False
    policy = w.table.policy
    resolution = policy.resolutions.get(id(node))
    return resolution is not None and resolution.kind == "rule" \
        and isinstance(policy.rule(node.name).body, ast.SetLit)


def _overlaps(w: Wording, node: ast.Binary) -> Words:
    value, right = w.value(node), w.value(node.right)
    describe_left = w.describe(node.left)

    def overlaps(ev: Any, env: Any) -> str:
        found = value(ev, env)
        if isinstance(found, Unknown):
            return ev._unknown_words(found, env)
        verb = "includes one of" if found else "includes none of"
        return f"{describe_left(ev, env)} {verb} {show(right(ev, env))}"
    return overlaps


def _test(w: Wording, node: ast.Test) -> Words:
    label, subject = w.label(node.subject), w.value(node.subject)
    present = node.test in ("present", "absent")

    def test(ev: Any, env: Any) -> str:
        said, found = label(ev, env), subject(ev, env)
        if present:
            return f"{said} is present" if not isinstance(found, Absent) \
                else f"there is no {said} (the case records none)"
        # `is known` asks whether the case records a value at all.
        return f"{said} is recorded in the case ({show(found)})" \
            if not isinstance(found, Unknown) else \
            f"{said} is not recorded in the case (null)"
    return test


def _if(w: Wording, node: ast.If) -> Words:
    condition = w.value(node.condition)
    then, otherwise = w.explain(node.then), w.explain(node.otherwise)

    def if_(ev: Any, env: Any) -> str:
        c = condition(ev, env)
        if isinstance(c, Unknown):
            # Neither branch is taken yet: the dates they compare bound nothing.
            dated, ev._dated = ev._dated, None
            try:
                return f"{ev._unknown_words(c, env)}; if so, {then(ev, env)}; " \
                       f"if not, {otherwise(ev, env)}"
            finally:
                ev._dated = dated
        return (then if c else otherwise)(ev, env)
    return if_


def _name(w: Wording, node: ast.Name) -> Words:
    if w.kind(node) != "rule":
        return _stated(w, node)
    value, said = w.value(node), _said(w, node)
    name = node.name
    body = _once(("explain", name), w.ruled(node, w.explain))

    def rule(ev: Any, env: Any) -> str:
        found = value(ev, env)
        if type(found) is bool or isinstance(found, Unknown):
            return f"{name} ({body(ev, env)})"
        return said(ev, env, found)
    return rule


def _once(key: tuple, body: Callable) -> Words:
    """A named rule's body in words (`ruled`), in the environment of the award's named rules
    (`Env.top`), written once for that environment: a rule named in two places says the same
    there (a revision's reach and the condition that requires it, Section 304's window),
    read from the same values (the environment's memo). The words are kept with the rule's
    values (`Env.cache`); they are taken again only where no date comparison is being
    recorded for a condition's windows (`_dated`, explain.py), which writing them records."""
    def once(ev: Any, env: Any) -> str:
        top = env.top()
        cache = top.cache
        if ev._dated is None:
            found = cache.get(key)
            if found is not None:
                return found
        found = cache[key] = body(ev, env)(ev, top)
        return found
    return once


def _quantifier(w: Wording, node: ast.Quantifier) -> Words:
    value, collection, body = w.value(node), w.value(node.collection), w.value(node.body)
    label, explain_body = w.label(node.collection), w.explain(node.body)
    decisive, var = node.kind == "any", node.var

    def quantifier(ev: Any, env: Any) -> str:
        holds, items, said = value(ev, env), collection(ev, env), label(ev, env)
        if isinstance(items, Unknown):
            return ev._unknown_words(items, env)
        if not items:
            return f"{said} lists nothing"
        results = [(item, body(ev, env.bind(var, item))) for item in items]
        if holds is decisive:
            item = next(i for i, v in results if v is decisive)
            return of(ev._item(item), explain_body(ev, env.bind(var, item)))
        # No item settled it: each counts, the unknown ones and those that would settle it.
        return "; ".join(of(ev._item(i), explain_body(ev, env.bind(var, i)))
                         for i, _ in results)
    return quantifier


def _call(w: Wording, node: ast.Call) -> Words:
    if node.function not in ("at_the_time_of", "at_any_time_during"):
        return _stated(w, node)
    value = w.value(node)
    return lambda ev, env: ev._explain_span(node, env, value(ev, env))


# ---------------------------------------------------------------- descriptions
def _named(w: Wording, node: ast.Expr) -> Words:
    """Named with its value (a fact, and every node with no words of its own)."""
    label, value = w.label(node), w.value(node)

    def named(ev: Any, env: Any) -> str:
        found = value(ev, env)
        return f"{label(ev, env)} ({show(found)})"
    return named


def _literal(w: Wording, node: ast.Expr) -> Words:
    value = w.value(node)
    return lambda ev, env: show(value(ev, env))


def _described_name(w: Wording, node: ast.Name) -> Words:
    kind, name = w.kind(node), node.name
    if kind == "enum":
        return lambda ev, env: name
    named = _named(w, node)
    if kind != "rule":
        return named
    value, body = w.value(node), _once(("describe", name), w.ruled(node, w.describe))

    def rule(ev: Any, env: Any) -> str:
        if type(value(ev, env)) is bool:
            return named(ev, env)
        # A named amount or date, with the facts it comes from.
        return f"{name} (= {body(ev, env)})"
    return rule


def _arithmetic(w: Wording, node: ast.Binary) -> Words:
    if node.op not in ("+", "-", "*", "/"):
        return _named(w, node)
    value, op = w.value(node), node.op
    left, right = _operand(w, node.left, node), _operand(w, node.right, node, right=True)

    def arithmetic(ev: Any, env: Any) -> str:
        found = value(ev, env)
        return f"{left(ev, env)} {op} {right(ev, env)} = {show(found)}"
    return arithmetic


def _negative(w: Wording, node: ast.Unary) -> Words:
    if node.op != "-":
        return _named(w, node)
    value, operand = w.value(node), _operand(w, node.operand, node)

    def negative(ev: Any, env: Any) -> str:
        found = value(ev, env)
        return f"-{operand(ev, env)} = {show(found)}"
    return negative


def _operand(w: Wording, node: ast.Expr, parent: ast.Expr, right: bool = False) -> Words:
    """An operand of arithmetic, grouped as the reference's `_operand` groups it: decided
    here, where no branch of an `if` decides it at run time."""
    if isinstance(node, ast.If):
        return lambda ev, env: ev._operand(node, parent, env, right)
    describe = w.describe(node)
    bound = ast.binding(node)
    if bound < ast.arithmetic_least(parent, right) or (
            right and (bound in (ast.Binds.ADD, ast.Binds.MUL, ast.Binds.NEG)
                       or isinstance(node, ast.Call))):
        return lambda ev, env: f"({describe(ev, env)})"
    return describe


def _described_call(w: Wording, node: ast.Call) -> Words:
    value, function = w.value(node), node.function
    args = [w.describe(a) for a in node.args]

    def call(ev: Any, env: Any) -> str:
        found = value(ev, env)
        return f"{function}({', '.join([a(ev, env) for a in args])}) = {show(found)}"
    return call


def _described_if(w: Wording, node: ast.If) -> Words:
    condition, named = w.value(node.condition), _named(w, node)
    then, otherwise = w.describe(node.then), w.describe(node.otherwise)

    def if_(ev: Any, env: Any) -> str:
        c = condition(ev, env)
        if type(c) is bool:  # the branch taken, as though the other were not written
            return (then if c else otherwise)(ev, env)
        return named(ev, env)
    return if_


# ---------------------------------------------------------------- labels
def _text(w: Wording, node: ast.Expr) -> Words:
    text = " ".join(node.span.text.split()) if node.span is not None else "?"
    return lambda ev, env: text


def _label_name(w: Wording, node: ast.Name) -> Words:
    kind, name = w.kind(node), node.name
    if kind == "local":
        def local(ev: Any, env: Any) -> str:
            found = env.locals[name]
            return str(found.path) if isinstance(found, Rec) else name
        return local
    if kind == "root" and name == w.table.policy.vocabulary.roles.each:
        return lambda ev, env: env.award.path if env.award else name
    return lambda ev, env: name


def _label_field(w: Wording, node: ast.Field) -> Words:
    subject, fact = w.value(node.subject), _fact(w, node)
    return lambda ev, env: fact(ev, env, subject(ev, env))


def _described_field(w: Wording, node: ast.Field) -> Words:
    """A fact with its value (the most frequent description): its record evaluated once,
    for both; the fact read from it as the compiled field reads it (`compiled._field`),
    anything but a record handed to the compiled closure."""
    subject, value, fact, name = w.value(node.subject), w.value(node), _fact(w, node), node.name

    def field(ev: Any, env: Any) -> str:
        record = subject(ev, env)
        found = ev.read(record, name) if type(record) is Rec else value(ev, env)
        return f"{fact(ev, env, record)} ({show(found)})"
    return field


def _fact(w: Wording, node: ast.Field) -> Callable[[Any, Any, Any], str]:
    """A fact's label, given the record it is read from (the reference's `label` of a field,
    with `_fact`): by its meaning and whose it is."""
    label, name = w.label(node.subject), node.name
    # For each record type the field is read from: the words of the fact (a link is named
    # by the field that names its items), the type kept beside them so its id stays its own.
    words: dict[int, tuple[Any, str]] = {}

    def fact(ev: Any, env: Any, record: Any) -> str:
        if not isinstance(record, Rec):
            # An unknown record (an award's performance_period, say): named by its path.
            return f"{label(ev, env)}.{name}"
        kind = record.type
        found = words.get(id(kind))
        if found is None:
            field_type = kind.fields.get(name)
            via = field_type.link.via if field_type is not None \
                and field_type.link is not None else name
            found = words[id(kind)] = (kind, ev.vocabulary.words_of(kind, via))
        key = record.key
        owner = getattr(record.data, key) if key is not None else None  # its `ident`
        if owner is None:
            path = record.path
            owner = path if "[" not in path else str(ev._item(record))  # (`_item`, `str`)
        return f"{owner}: {found[1]}" if owner else found[1]
    return fact


_EXPLAIN: dict[type, Callable[[Wording, Any], Words]] = {
    ast.Logical: _logical, ast.Unary: _unary, ast.Binary: _binary, ast.Test: _test,
    ast.If: _if, ast.Name: _name, ast.Quantifier: _quantifier, ast.Call: _call}
_DESCRIBE: dict[type, Callable[[Wording, Any], Words]] = {
    **dict.fromkeys((ast.Number, ast.MoneyLit, ast.DateLit, ast.Text, ast.Bool,
                     ast.DurationLit, ast.SetLit), _literal),
    ast.Field: _described_field, ast.Name: _described_name, ast.Binary: _arithmetic, ast.Unary: _negative,
    ast.Call: _described_call, ast.If: _described_if}
_LABEL: dict[type, Callable[[Wording, Any], Words]] = {
    ast.Name: _label_name, ast.Field: _label_field}


def wording(table: Any) -> Wording:
    """The words of a compiled table's nodes, made on the first reason written from it."""
    found = table.words
    if found is None:
        found = table.words = Wording(table)
    return found
