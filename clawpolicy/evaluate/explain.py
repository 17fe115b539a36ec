"""Reasons in words: why an expression came out as it did, in terms a lawyer can check
against the facts, each operand named with its value and each computed amount with its
derivation. Part of the evaluator (`expressions.Evaluator`), which calls these on the values
it has just computed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from clawpolicy.core import types as t
from clawpolicy.core.values import Absent, Duration, Unknown, show
from clawpolicy.evaluate.determination import Window
from clawpolicy.evaluate.env import Env, Rec
from clawpolicy.evaluate.wording import COMPARISONS, comparison_words, of, wording
from clawpolicy.syntax import ast


# False: every reason written by the methods below, the reference that the words compiled
# once per policy (wording.py, the path every run with the compiled evaluator that tracks
# no answer takes) are held to, word for word, by tests/test_wording.py.
COMPILED = True


class Explainer:
    """The explanations of `expressions.Evaluator`: read the values it computed (its `eval`)
    and the checker's resolutions, write English."""

    # While `explained` writes a reason: the date comparisons it states (None otherwise), and
    # whether they are read under a `not`.
    _dated: list | None = None
    _negated: bool = False

    def explained(self, node: ast.Expr, env: Env) -> dict[str, Any]:
        """A condition's reason (`because`), and the windows of dates it states (`windows`):
        each date the reason compares with bounds, as the bounds the comparisons computed."""
        self._dated, self._negated = [], False
        try:
            because = self.explain(node, env)
            dated = self._dated
            return {"because": because, "windows": (_windows(dated) or None) if dated else None}
        finally:
            self._dated = None

    def explain(self, node: ast.Expr, env: Env) -> str:
        """Why a condition came out as it did, in terms a lawyer can check against the facts.
        The words for each kind of node are its method in `_EXPLAIN`, found by the node's
        class (no class of the syntax tree is a subclass of another); one that says nothing of
        its own (None), and every other node, gives the value in words (`_stated`)."""
        if not self.reasons:
            return ""
        compiled = self.compiled
        if compiled is not None and COMPILED and self.tracker is None:
            return wording(compiled).explain(node)(self, env)
        value = self.eval(node, env)
        words = _EXPLAIN.get(type(node))  # a fact (the most frequent) has none
        if words is not None:
            said = words(self, node, env, value)
            if said is not None:
                return said
        return self._stated(node, env, value)

    def _explain_call(self, node: ast.Call, env: Env, value: Any) -> str | None:
        if node.function in ("at_the_time_of", "at_any_time_during"):
            return self._explain_span(node, env, value)
        return None

    def _explain_logical(self, node: ast.Logical, env: Env, value: Any) -> str:
        # The operand that settled it; or, when none did alone, every one that counts.
        decisive = node.op == "or"
        left = self.eval(node.left, env)
        if left is decisive:
            return self.explain(node.left, env)
        right = self.eval(node.right, env)
        if right is decisive:
            return self.explain(node.right, env)
        # Neither settled it alone: each operand counts (an unknown one, and a known one
        # that would settle it if it changed).
        parts = [self.explain(p, env) for p in (node.left, node.right)]
        return "; ".join(dict.fromkeys(parts))

    def _explain_unary(self, node: ast.Unary, env: Env, value: Any) -> str | None:
        if node.op != "not":
            return None
        self._negated = not self._negated
        try:
            return self.explain(node.operand, env)
        finally:
            self._negated = not self._negated

    def _explain_binary(self, node: ast.Binary, env: Env, value: Any) -> str | None:
        op = node.op
        if op in ("in", "not in"):
            holds = value if op == "in" else (not value if value in (True, False) else value)
            if isinstance(value, Unknown):
                return self._unknown_words(value, env)
            if isinstance(node.right, ast.SetLit) or self._named_set(node.right):
                verb = "is one of" if holds else "is not one of"
                right = show(self.eval(node.right, env)) \
                    if isinstance(node.right, ast.SetLit) else self.describe(node.right, env)
                return f"{self.describe(node.left, env)} {verb} {right}"
            verb = "includes" if holds else "does not include"
            return f"{self.describe(node.right, env)} {verb} {self.describe(node.left, env)}"
        if op == "overlaps":
            if isinstance(value, Unknown):
                return self._unknown_words(value, env)
            verb = "includes one of" if value else "includes none of"
            return f"{self.describe(node.left, env)} {verb} " \
                   f"{show(self.eval(node.right, env))}"
        if op in COMPARISONS:
            if isinstance(value, Unknown):
                return self._unknown_words(value, env)
            is_date = isinstance(self.eval(node.left, env), dt.date)
            if is_date and self._dated is not None and op not in ("=", "!="):
                self._bound(node, env, value)
            return f"{self.describe(node.left, env)} " \
                   f"{comparison_words(op, value, is_date)} " \
                   f"{self.describe(node.right, env)}"
        return None

    def _explain_test(self, node: ast.Test, env: Env, value: Any) -> str:
        label = self.label(node.subject, env)
        subject = self.eval(node.subject, env)
        if node.test in ("present", "absent"):
            return f"{label} is present" if not isinstance(subject, Absent) \
                else f"there is no {label} (the case records none)"
        # `is known` asks whether the case records a value at all.
        return f"{label} is recorded in the case ({show(subject)})" \
            if not isinstance(subject, Unknown) else \
            f"{label} is not recorded in the case (null)"

    def _explain_if(self, node: ast.If, env: Env, value: Any) -> str:
        c = self.eval(node.condition, env)
        if isinstance(c, Unknown):
            # Neither branch is taken yet: the dates they compare bound nothing.
            dated, self._dated = self._dated, None
            try:
                return f"{self._unknown_words(c, env)}; if so, " \
                       f"{self.explain(node.then, env)}; if not, " \
                       f"{self.explain(node.otherwise, env)}"
            finally:
                self._dated = dated
        return self.explain(node.then if c else node.otherwise, env)

    def _explain_name(self, node: ast.Name, env: Env, value: Any) -> str | None:
        if self.policy.resolutions[id(node)].kind == "rule":
            rule = env.named(node.name, self.policy)
            if isinstance(value, (bool, Unknown)):
                return f"{node.name} ({self.explain(rule.body, env.top())})"
        return None

    def _stated(self, node: ast.Expr, env: Env, value: Any) -> str:
        """A value that needs no other words: unknown, a truth value, or described."""
        if isinstance(value, Unknown):
            return self._unknown_words(value, env)
        if isinstance(value, bool):
            return f"{self.label(node, env)} is {show(value)}"
        return self.describe(node, env)

    def _explain_quantifier(self, node: ast.Quantifier, env: Env, value: Any) -> str:
        items = self.eval(node.collection, env)
        label = self.label(node.collection, env)
        if isinstance(items, Unknown):
            return self._unknown_words(items, env)
        if not items:
            return f"{label} lists nothing"
        results = [(item, self.eval(node.body, env.bind(node.var, item))) for item in items]
        decisive = node.kind == "any"
        if value is decisive:
            item = next(i for i, v in results if v is decisive)
            return of(self._item(item), self.explain(node.body, env.bind(node.var, item)))
        # No item settled it: each counts, the unknown ones and those that would settle it.
        return "; ".join(of(self._item(i), self.explain(node.body, env.bind(node.var, i)))
                         for i, _ in results)

    def _named_set(self, node: ast.Expr) -> bool:
        """A definition whose body is a set written out (`define fault as {fraud, ...}`)."""
        if not isinstance(node, ast.Name):
            return False
        resolution = self.policy.resolutions.get(id(node))
        return resolution is not None and resolution.kind == "rule" \
            and isinstance(self.policy.rule(node.name).body, ast.SetLit)

    def _unknown_words(self, value: Unknown, env: Env) -> str:
        facts = ", ".join(self._fact_path(f, env) for f in value.facts)
        return f"{facts} {'is' if len(value.facts) == 1 else 'are'} not known"

    def label(self, node: ast.Expr, env: Env) -> str:
        """The name of what a node reads: a case path, a rule's id, or the drafter's words."""
        compiled = self.compiled
        if compiled is not None and COMPILED and self.tracker is None:
            return wording(compiled).label(node)(self, env)
        match node:
            case ast.Name():
                resolution = self.policy.resolutions[id(node)]
                if resolution.kind == "local":
                    return str(env.locals[node.name].path) \
                        if isinstance(env.locals[node.name], Rec) else node.name
                if resolution.kind == "root" and node.name == self.vocabulary.roles.each \
                        and env.award:
                    return env.award.path
                return node.name
            case ast.Field():
                subject = self.eval(node.subject, env)
                if isinstance(subject, Rec):
                    field_type = subject.type.fields.get(node.name)
                    name = field_type.link.via if field_type is not None \
                        and field_type.link is not None else node.name  # what names them
                    return self._fact(subject, name)
                # An unknown record (an award's performance_period, say): name it by its path.
                return f"{self.label(node.subject, env)}.{node.name}"
        return " ".join(node.span.text.split()) if node.span is not None else "?"

    def _fact_path(self, path: str, env: Env) -> str:
        """An unknown fact's path in the words of `_fact`, where it is a field of the award
        being decided or of a record of the case; any other path as it is."""
        owner, _, name = path.rpartition(".")
        if env.award is not None and owner == env.award.path:
            return self._fact(env.award, name)
        field = self.root.type.fields.get(owner)
        if field is not None and isinstance(field.type, t.Record) and name.isidentifier():
            return self._fact(Rec(owner, None, field.type), name)
        named, record = self._named(owner) if "[" in owner else (None, None)
        if named is not None and name in record.fields:
            return f"{named}: {self.vocabulary.words_of(record, name)}"
        return path

    def _named(self, path: str) -> tuple[str | None, t.Record | None]:
        """A record of the case by its meaning, not its place in a list: an item with a key
        by its key (`statements[0]` → `FY2023`), a record inside it by the item and the
        record's words (`bonus-fy2023: performance period`), an item without a key by its
        list's words and its number (`participant: roles, item 1`); and its type. None where
        the path does not name a record of the case."""
        name, record, data = "", self.root.type, self.case
        for part in path.split("."):
            found = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", part)
            field = record.fields.get(found[1]) if found else None
            if field is None:
                return None, None
            words = self.vocabulary.words_of(record, found[1])
            data = getattr(data, found[1], None) if data is not None else None
            if found[2] is None:
                if not isinstance(field.type, t.Record):
                    return None, None
                name, record = f"{name}: {words}" if name else words, field.type
                continue
            if not isinstance(field.type, t.ListOf):
                return None, None
            index, record = int(found[2]), field.type.element
            data = data[index] if isinstance(data, list | tuple) and index < len(data) \
                else None
            key = self.vocabulary.key_of(record)
            ident = getattr(data, key, None) if key and data is not None else None
            name = str(ident) if ident is not None else \
                f"{name + ': ' if name else ''}{words}, item {index + 1}"
        return name, record

    def _item(self, item: Any) -> Any:
        """An item of a list, as a reason names it: by its key, or by its meaning."""
        if isinstance(item, Rec) and item.ident is None and "[" in item.path:
            return self._named(item.path)[0] or item
        return item

    def _fact(self, subject: Rec, name: str) -> str:
        """A fact by its meaning and whose it is: `bonus-2021: amount as restated`; a record
        without a key is named by its path (`restatement: material`), or by its meaning where
        the path runs through a list (`_item`)."""
        words = self.vocabulary.words_of(subject.type, name)
        owner = subject.ident
        if owner is None:
            owner = str(self._item(subject))
        return f"{owner}: {words}" if owner else words

    def describe(self, node: ast.Expr, env: Env) -> str:
        """An operand with its value: `awards[0].amount_paid (300,000.00 USD)`; a computed one
        shows its parts and what they come to. The words for each kind of node are its method
        in `_DESCRIBE`, found by the node's class; one that says nothing of its own (None),
        and every other node, is named with its value."""
        if not self.reasons:
            return ""
        compiled = self.compiled
        if compiled is not None and COMPILED and self.tracker is None:
            return wording(compiled).describe(node)(self, env)
        value = self.eval(node, env)
        if type(node) is ast.Field:  # a fact (the most frequent)
            return f"{self.label(node, env)} ({show(value)})"
        words = _DESCRIBE.get(type(node))
        if words is not None:
            said = words(self, node, env, value)
            if said is not None:
                return said
        return f"{self.label(node, env)} ({show(value)})"

    def _describe_literal(self, node: ast.Expr, env: Env, value: Any) -> str:
        return show(value)

    def _describe_name(self, node: ast.Name, env: Env, value: Any) -> str | None:
        kind = self.policy.resolutions[id(node)].kind
        if kind == "enum":
            return node.name
        if kind == "rule" and not isinstance(value, bool):
            # A named amount or date, with the facts it comes from.
            body = env.named(node.name, self.policy).body
            return f"{node.name} (= {self.describe(body, env.top())})"
        return None

    def _describe_binary(self, node: ast.Binary, env: Env, value: Any) -> str | None:
        if node.op in ("+", "-", "*", "/"):
            return f"{self._operand(node.left, node, env)} {node.op} " \
                   f"{self._operand(node.right, node, env, right=True)} = {show(value)}"
        return None

    def _describe_unary(self, node: ast.Unary, env: Env, value: Any) -> str | None:
        if node.op == "-":
            return f"-{self._operand(node.operand, node, env)} = {show(value)}"
        return None

    def _describe_call(self, node: ast.Call, env: Env, value: Any) -> str:
        args = ", ".join(self.describe(a, env) for a in node.args)
        return f"{node.function}({args}) = {show(value)}"

    def _describe_if(self, node: ast.If, env: Env, value: Any) -> str | None:
        condition = self.eval(node.condition, env)
        if isinstance(condition, bool):
            # The branch taken, as though the other were not written.
            return self.describe(node.then if condition else node.otherwise, env)
        return None

    def _operand(self, node: ast.Expr, parent: ast.Expr, env: Env, right: bool = False) -> str:
        """An operand of arithmetic described, in parentheses where the policy's grouping
        needs them (as `clawpolicy fmt` writes it, syntax.ast `binding`): `a - (b - c = 60) =
        340`, never a chain that reads as `a - b - c`. A computed right operand (a function's
        call too) ends with its own `= value`, which binds looser than any operator, so it is
        always grouped (`a + (b * c = 6) = 7`); a left one reads as a running total (`a - b =
        240 - c = 140`). An `if` is grouped as the branch it describes."""
        shown = node
        while isinstance(shown, ast.If) and isinstance(self.eval(shown.condition, env), bool):
            shown = shown.then if self.eval(shown.condition, env) else shown.otherwise
        text = self.describe(node, env)
        grouped = ast.binding(shown) < ast.arithmetic_least(parent, right) or (
            right and (ast.binding(shown) in (ast.Binds.ADD, ast.Binds.MUL, ast.Binds.NEG)
                       or isinstance(shown, ast.Call)))
        return f"({text})" if grouped else text

    def _explain_span(self, node: ast.Call, env: Env, value) -> str:
        """`executive_officer_since (2019-01-07) to executive_officer_until (not recorded:
        still so) overlaps 2023-01-01 to 2023-12-31`."""
        if isinstance(value, Unknown):
            return self._unknown_words(value, env)
        *when, start, end = node.args
        to = self.describe(end, env) if not isinstance(self.eval(end, env), Unknown) \
            else f"{self.label(end, env)} (not recorded: still so)"
        dates = " to ".join(self.describe(d, env) for d in when)
        verb = ("includes" if value else "does not include") if len(when) == 1 else \
            ("overlaps" if value else "does not overlap")
        return f"{self.describe(start, env)} to {to} {verb} {dates}"

    def _bound(self, node: ast.Binary, env: Env, holds: bool) -> None:
        """A date compared with a bound: noted, the date on the left (the side that reads the
        decided item, where only one does), the bound as the rule requires it (under a `not`,
        the comparison reversed)."""
        date, bound, op = node.left, node.right, node.op
        if self._reads_item(bound, env) and not self._reads_item(date, env):
            date, bound, op = bound, date, _MIRROR[op]
        if self._negated:
            op, holds = _OPPOSITE[op], not holds
        self._dated.append((self.label(date, env), self.eval(date, env), op,
                            self.eval(bound, env), self._counted_from(bound, env), holds,
                            id(env)))

    def _reads_item(self, node: ast.Expr, env: Env) -> bool:
        """Whether `node` is a fact of the item being decided (`award.received`)."""
        if not isinstance(node, ast.Field) or env.award is None:
            return False
        subject = self.eval(node.subject, env)
        return isinstance(subject, Rec) and subject.path == env.award.path

    def _counted_from(self, node: ast.Expr, env: Env) -> dt.date | None:
        """Where a bound is a period counted from a date (`filed + 3 years`), that date."""
        while isinstance(node, ast.Name) and self.policy.resolutions[id(node)].kind == "rule":
            node, env = env.named(node.name, self.policy).body, env.top()
        if isinstance(node, ast.Binary) and node.op in ("+", "-"):
            base, period = self.eval(node.left, env), self.eval(node.right, env)
            if isinstance(base, dt.date) and isinstance(period, Duration):
                return base
        return None


# Each kind of node's words, by its class (`explain`, `describe`).
_EXPLAIN = {ast.Call: Explainer._explain_call, ast.Logical: Explainer._explain_logical,
            ast.Unary: Explainer._explain_unary, ast.Binary: Explainer._explain_binary,
            ast.Test: Explainer._explain_test, ast.Quantifier: Explainer._explain_quantifier,
            ast.If: Explainer._explain_if, ast.Name: Explainer._explain_name}
_DESCRIBE = {**dict.fromkeys((ast.Number, ast.MoneyLit, ast.DateLit, ast.Text, ast.Bool,
                              ast.DurationLit, ast.SetLit), Explainer._describe_literal),
             ast.Name: Explainer._describe_name, ast.Binary: Explainer._describe_binary,
             ast.Unary: Explainer._describe_unary, ast.Call: Explainer._describe_call,
             ast.If: Explainer._describe_if}
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_OPPOSITE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _windows(dated: list) -> list[Window]:
    """The comparisons of one date (in one place of the reason: the same item of a list) as
    one window, its tightest bounds; in the order the reason states them."""
    found: dict[tuple, dict[str, Any]] = {}
    for label, day, op, bound, counted, holds, place in dated:
        w = found.setdefault((label, place), {"fact": label, "date": day.isoformat(),
                                              "inside": True})
        w["inside"] = w["inside"] and holds
        side, included = ("start", op == ">=") if op in (">", ">=") else ("end", op == "<=")
        tighter = side not in w or (bound < w[side] if side == "end" else bound > w[side]) \
            or (bound == w[side] and not included)
        if tighter:
            w[side], w[f"{side}_included"] = bound, included
        if counted is not None and "counted_from" not in w:
            w["counted_from"] = counted
    return [Window._make(**{k: v.isoformat() if isinstance(v, dt.date) else v
                            for k, v in w.items()}) for w in found.values()]
