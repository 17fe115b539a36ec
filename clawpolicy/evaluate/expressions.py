"""The expression evaluator and its explanations. Pure: it reads no files and keeps no state
between determinations.

Every expression is three-valued: a known value, or `Unknown` naming the case facts it is
missing (`false and unknown` is `false`). Rules are looked up in the RuleSet the evaluation
environment carries, so a revision reaches only the evaluations it was composed into."""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


from clawpolicy.core import types as t
from clawpolicy.case import Case
from clawpolicy.check import schema
from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.revise.rules import RuleSet
from clawpolicy.syntax import ast
from clawpolicy.core.values import (
    Absent, Duration, Money, Unknown, add_duration, fiscal_year_end_before, merge_facts, show,
    unknown_of)


class EvaluationError(DiagnosticError):
    """The policy asked something of this case that has no answer (a fact of a record the
    case says does not exist, or amounts in two units added together)."""


@dataclass(frozen=True)
class Rec:
    """A record of the case, with the path that names it in the case file."""

    path: str
    data: Any
    type: t.Record
    unit: str | None = None

    def __str__(self) -> str:
        ident = getattr(self.data, "id", None)
        return str(ident) if ident is not None else self.path


@dataclass
class Env:
    """Where an expression is evaluated: the rules in force, the award (None for rules of
    the whole case), the quantifiers' variables, and the values of named rules so far."""

    rules: RuleSet
    award: Rec | None = None
    locals: dict[str, Any] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)  # named rules' values, per award
    # Each node's value here: evaluation is pure within one environment, and an explanation
    # reads the values the evaluation already found rather than computing them again.
    memo: dict[int, Any] = field(default_factory=dict)
    children: dict[tuple, "Env"] = field(default_factory=dict)

    def bind(self, name: str, value: Any) -> "Env":
        key = (name, id(value))  # the child keeps `value` alive, so its id stays its own
        child = self.children.get(key)
        if child is None:
            child = self.children[key] = Env(self.rules, self.award,
                                             {**self.locals, name: value}, self.cache)
        return child

    def top(self) -> "Env":
        """The environment of this award's named rules (no quantifier variables)."""
        top = self.cache.get(("top",))
        if top is None:
            top = self.cache[("top",)] = Env(self.rules, self.award, cache=self.cache)
        return top

    def named(self, name: str, policy: CheckedPolicy) -> ast.Rule:
        return self.rules.named(name) or policy.rule(name)


def _join(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


class Evaluator:
    def __init__(self, policy: CheckedPolicy, case: Case, facts: dict[str, Any],
                 overrides: dict[str, Any] | None = None, reasons: bool = True):
        self.policy = policy
        # Without reasons, explain and describe say nothing: for the runs that only answer
        # "what if" (open questions), whose outcomes and amounts are all that is read.
        self.reasons = reasons
        self.case = case
        self.overrides = overrides or {}
        self.root = Rec("", case, policy.case_type)
        self.facts = facts
        # Values an unknown fact was compared with: where its answer would turn the result.
        self.pivots: dict[str, list[Any]] = {}

    # ------------------------------------------------------------ facts
    def read(self, rec: Rec, name: str) -> Any:
        field_type = rec.type.fields[name]
        path = _join(rec.path, name)
        if path in self.overrides:
            return self.overrides[path]
        if rec.type.name == "facts":
            raw = self.facts.get(name)
        elif rec.type is schema.AWARD and name == schema.AWARD_STATEMENTS:
            return self._award_statements(rec)
        else:
            raw = getattr(rec.data, name)
        if raw is None:
            if field_type.absent_means_none:
                return Absent(path)
            return Unknown((path,), pivot_of=path)
        return self._value(raw, field_type.type, path, rec)

    def _value(self, raw: Any, type_: t.Type, path: str, rec: Rec) -> Any:
        match type_:
            case t.Prim(name="money"):
                unit = getattr(rec.data, "unit", None) if rec.type.name != "facts" else None
                return Money(raw, unit or "USD")
            case t.SetOf():
                return tuple(raw)
            case t.ListOf():
                return tuple(Rec(f"{path}[{i}]", item, type_.element)
                             for i, item in enumerate(raw))
            case t.Record():
                return Rec(path, raw, type_)
        return raw

    def _award_statements(self, award: Rec) -> Any:
        refs = award.data.calculated_on
        path = f"{award.path}.calculated_on"
        if path in self.overrides:
            refs = self.overrides[path]
        if refs is None or isinstance(refs, Unknown):
            return Unknown((path,))
        element = self.root.type.fields["statements"].type.element
        index = {s.id: i for i, s in enumerate(self.case.statements)}
        return tuple(Rec(f"statements[{index[r]}]", self.case.statements[index[r]], element)
                     for r in refs)

    # ------------------------------------------------------------ expressions
    def eval(self, node: ast.Expr, env: Env) -> Any:
        memo = env.memo
        key = id(node)
        if key in memo:
            return memo[key]
        value = memo[key] = self._eval(node, env)
        return value

    def _eval(self, node: ast.Expr, env: Env) -> Any:
        match node:
            case ast.Number(value=v):
                return v
            case ast.MoneyLit(value=v, unit=unit):
                return Money(v, unit)
            case ast.DurationLit(amount=n, unit=unit):
                return Duration(n, unit)
            case ast.DateLit(value=v) | ast.Text(value=v) | ast.Bool(value=v):
                return v
            case ast.Name():
                return self.name(node, env)
            case ast.Field():
                subject = self.eval(node.subject, env)
                if isinstance(subject, Unknown):
                    return Unknown(subject.facts)
                if isinstance(subject, Absent):
                    raise EvaluationError([Diagnostic(
                        "CP0501", f"the policy reads `{subject.path}.{node.name}`, but this "
                        f"case has no {subject.path}",
                        f"guard the rule: `{subject.path} is present and ...`", node.span)])
                return self.read(subject, node.name)
            case ast.SetLit():
                items = tuple(self.eval(i, env) for i in node.items)
                return unknown_of(*items) or items
            case ast.Unary(op="not"):
                v = self.eval(node.operand, env)
                return v if isinstance(v, Unknown) else not v
            case ast.Unary(op="-"):
                v = self.eval(node.operand, env)
                if isinstance(v, Unknown):
                    return Unknown(v.facts)
                return Money(-v.amount, v.unit) if isinstance(v, Money) else -v
            case ast.Logical():
                return self.logical(node, env)
            case ast.Binary():
                return self.binary(node, env)
            case ast.Test():
                v = self.eval(node.subject, env)
                match node.test:
                    case "known":
                        return not isinstance(v, Unknown)
                    case "unknown":
                        return isinstance(v, Unknown)
                    case "present":
                        return not isinstance(v, Absent)
                return isinstance(v, Absent)
            case ast.If():
                c = self.eval(node.condition, env)
                if not isinstance(c, Unknown):
                    return self.eval(node.then if c else node.otherwise, env)
                a, b = self.eval(node.then, env), self.eval(node.otherwise, env)
                if a == b and not isinstance(a, Unknown):
                    return a
                return Unknown(merge_facts(c.facts, *(x.facts for x in (a, b)
                                                      if isinstance(x, Unknown))))
            case ast.Call():
                return self.call(node, env)
            case ast.Quantifier():
                return self.quantifier(node, env)
            case ast.Aggregate():
                return self.aggregate(node, env)
        raise AssertionError(f"no evaluation for {type(node).__name__}")

    def name(self, node: ast.Name, env: Env) -> Any:
        resolution = self.policy.resolutions[id(node)]
        match resolution.kind:
            case "local":
                return env.locals[resolution.target]
            case "enum":
                return resolution.target
            case "constant":
                return self.policy.constant(resolution.target)
            case "rule":
                key = resolution.target
                if key not in env.cache:
                    env.cache[key] = self.eval(env.named(key, self.policy).body, env.top())
                return env.cache[key]
        if resolution.target == "award":
            return env.award
        return self.read(self.root, resolution.target)

    def logical(self, node: ast.Logical, env: Env) -> Any:
        decisive = node.op == "or"  # the value that settles it alone
        left = self.eval(node.left, env)
        if left is decisive:
            return decisive
        right = self.eval(node.right, env)
        if right is decisive:
            return decisive
        return unknown_of(left, right) or (not decisive)

    def binary(self, node: ast.Binary, env: Env) -> Any:
        left, right = self.eval(node.left, env), self.eval(node.right, env)
        op = node.op
        missing = unknown_of(left, right)
        if missing is not None:
            if op in ("+", "-") and isinstance(left, Unknown) and left.pivot_of \
                    and left.offset is None and isinstance(right, Duration | Money | Decimal):
                return Unknown(left.facts, left.pivot_of, (op, right))
            if op in ("=", "!=", "<", "<=", ">", ">="):
                self._note_pivot(left, right)
                self._note_pivot(right, left)
            return missing
        match op:
            case "+" | "-":
                return self.exact(node, lambda: self.arith(op, left, right, node))
            case "*":
                if isinstance(left, Money):
                    return self.exact(node, lambda: Money(left.amount * right, left.unit))
                if isinstance(right, Money):
                    return self.exact(node, lambda: Money(left * right.amount, right.unit))
                return self.exact(node, lambda: left * right)
            case "/":
                divisor = right.amount if isinstance(right, Money) else right
                if divisor == 0:
                    raise EvaluationError([Diagnostic(
                        "CP0503", "this divides by zero for this case",
                        "guard the division, e.g. `if x > 0 then y / x else 0`", node.span)])
                if isinstance(left, Money) and isinstance(right, Money):
                    self.same_unit(left, right, node)
                    return left.amount / right.amount
                if isinstance(left, Money):
                    return Money(left.amount / right, left.unit)
                return left / right
            case "in" | "not in":
                found = self.contains(right, left, node)
                return found if op == "in" else not found
            case "overlaps":
                return any(self.contains(right, x, node) for x in left)
        a, b = self.comparable(left, right, node)
        return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b,
                ">=": a >= b}[op]

    def exact(self, node: ast.Expr, compute):
        """Sums, differences and products are exact or an error, never rounded in silence
        (only a division rounds, to the 80 significant digits of the context)."""
        with decimal.localcontext() as context:
            context.traps[decimal.Inexact] = True
            try:
                return compute()
            except decimal.Inexact:
                raise EvaluationError([Diagnostic(
                    "CP0504", "this amount needs more than 80 significant digits for this case",
                    "check the policy's arithmetic (repeated products of amounts)",
                    node.span)]) from None

    def contains(self, items: tuple, value: Any, node: ast.Expr) -> bool:
        """Membership with the same equality as `=`: a plain number stands for an amount."""
        if isinstance(value, Money) or any(isinstance(i, Money) for i in items):
            return any(a == b for a, b in (self.comparable(value, i, node) for i in items))
        return value in items

    def _note_pivot(self, value: Any, other: Any) -> None:
        if not isinstance(value, Unknown) or value.pivot_of is None or isinstance(other, Unknown):
            return
        if value.offset is not None:  # the fact was moved: move the known value back
            op, amount = value.offset
            inverse = "-" if op == "+" else "+"
            try:
                other = self.arith(inverse, other, amount, None)
            except (EvaluationError, TypeError, OverflowError, ValueError):
                return
        self.pivots.setdefault(value.pivot_of, [])
        if other not in self.pivots[value.pivot_of]:
            self.pivots[value.pivot_of].append(other)

    def arith(self, op: str, left: Any, right: Any, node: ast.Expr | None) -> Any:
        sign = 1 if op == "+" else -1
        if isinstance(left, dt.date) or isinstance(right, dt.date):
            day, duration = (left, right) if isinstance(left, dt.date) else (right, left)
            try:
                return add_duration(day, duration, sign)
            except (OverflowError, ValueError):
                raise EvaluationError([Diagnostic(
                    "CP0506", f"{day.isoformat()} {op} {duration} falls outside the calendar",
                    "dates run from year 1 to year 9999", node.span if node else None,
                    None if node else "policy")]) from None
        if isinstance(left, Money) or isinstance(right, Money):
            a, b = self.comparable(left, right, node)
            unit = left.unit if isinstance(left, Money) else right.unit
            return Money(a + sign * b, unit)
        return left + sign * right

    def comparable(self, left: Any, right: Any, node: ast.Expr | None) -> tuple[Any, Any]:
        """Two amounts in one unit (a plain number takes the amount's unit)."""
        if isinstance(left, Money) and isinstance(right, Money):
            self.same_unit(left, right, node)
            return left.amount, right.amount
        if isinstance(left, Money):
            return left.amount, right
        if isinstance(right, Money):
            return left, right.amount
        return left, right

    def same_unit(self, a: Money, b: Money, node: ast.Expr | None) -> None:
        if a.unit != b.unit:
            raise EvaluationError([Diagnostic(
                "CP0502", f"this combines amounts in {a.unit} and {b.unit}",
                "keep each computation to amounts of one unit (one award's amounts share one)",
                node.span if node is not None else None, "policy")])

    def call(self, node: ast.Call, env: Env) -> Any:
        args = [self.eval(a, env) for a in node.args]
        missing = unknown_of(*args)
        if missing is not None:
            return missing
        if node.function == "fiscal_year_end_before":
            try:
                return fiscal_year_end_before(*args)
            except ValueError:
                raise EvaluationError([Diagnostic(
                    "CP0505", f"`{args[1]}` is not a month and day of the year",
                    'expected a fiscal year end as "MM-DD", e.g. "12-31"', node.span)]) from None
        pick = min if node.function == "min" else max
        money = next((a for a in args if isinstance(a, Money)), None)
        if money is None:
            return pick(args)
        amounts = [self.comparable(a, money, node)[0] for a in args]
        return Money(pick(amounts), money.unit)

    def quantifier(self, node: ast.Quantifier, env: Env) -> Any:
        items = self.eval(node.collection, env)
        if isinstance(items, Unknown):
            return items
        decisive = node.kind == "any"
        pending = []
        for item in items:
            v = self.eval(node.body, env.bind(node.var, item))
            if v is decisive:
                return decisive
            if isinstance(v, Unknown):
                pending.append(v)
        return unknown_of(*pending) or (not decisive)

    def aggregate(self, node: ast.Aggregate, env: Env) -> Any:
        items = self.eval(node.collection, env)
        if isinstance(items, Unknown):
            return items
        total: Any = Decimal(0)
        pending = []
        for item in items:
            inner = env.bind(node.var, item)
            if node.where is not None:
                keep = self.eval(node.where, inner)
                if isinstance(keep, Unknown):
                    pending.append(keep)
                    continue
                if not keep:
                    continue
            value = Decimal(1) if node.kind == "count" else self.eval(node.value, inner)
            if isinstance(value, Unknown):
                pending.append(value)
                continue
            total = self.arith("+", total, value, node)
        return unknown_of(*pending) or total

    # ------------------------------------------------------------ explanations
    def explain(self, node: ast.Expr, env: Env) -> str:
        """Why a condition came out as it did, in terms a lawyer can check against the facts."""
        if not self.reasons:
            return ""
        value = self.eval(node, env)
        match node:
            case ast.Logical():
                # The operand that settled it; or, when none did alone, every one that counts.
                decisive = node.op == "or"
                left = self.eval(node.left, env)
                if left is decisive:
                    return self.explain(node.left, env)
                right = self.eval(node.right, env)
                if right is decisive:
                    return self.explain(node.right, env)
                # Neither settled it alone: each operand counts (an unknown one, and a known
                # one that would settle it if it changed).
                parts = [self.explain(p, env) for p in (node.left, node.right)]
                return "; ".join(dict.fromkeys(parts))
            case ast.Unary(op="not"):
                return self.explain(node.operand, env)
            case ast.Binary(op="in" | "not in"):
                holds = value if node.op == "in" else (not value if value in (True, False)
                                                        else value)
                if isinstance(value, Unknown):
                    return self._unknown_words(value)
                if isinstance(node.right, ast.SetLit):
                    verb = "is one of" if holds else "is not one of"
                    return f"{self.describe(node.left, env)} {verb} " \
                           f"{show(self.eval(node.right, env))}"
                verb = "includes" if holds else "does not include"
                return f"{self.describe(node.right, env)} {verb} {self.describe(node.left, env)}"
            case ast.Binary(op="overlaps"):
                if isinstance(value, Unknown):
                    return self._unknown_words(value)
                verb = "includes one of" if value else "includes none of"
                return f"{self.describe(node.left, env)} {verb} " \
                       f"{show(self.eval(node.right, env))}"
            case ast.Binary(op="=" | "!=" | "<" | "<=" | ">" | ">="):
                if isinstance(value, Unknown):
                    return self._unknown_words(value)
                is_date = isinstance(self.eval(node.left, env), dt.date)
                return f"{self.describe(node.left, env)} " \
                       f"{_comparison_words(node.op, value, is_date)} " \
                       f"{self.describe(node.right, env)}"
            case ast.Test():
                label = self.label(node.subject, env)
                subject = self.eval(node.subject, env)
                if node.test in ("present", "absent"):
                    return f"{label} is present" if not isinstance(subject, Absent) \
                        else f"there is no {label} (the case records none)"
                # `is known` asks whether the case records a value at all.
                return f"{label} is recorded in the case ({show(subject)})" \
                    if not isinstance(subject, Unknown) else \
                    f"{label} is not recorded in the case (null)"
            case ast.Quantifier():
                return self._explain_quantifier(node, env, value)
            case ast.If():
                c = self.eval(node.condition, env)
                if isinstance(c, Unknown):
                    return f"{self._unknown_words(c)}; if so, {self.explain(node.then, env)}; " \
                           f"if not, {self.explain(node.otherwise, env)}"
                return self.explain(node.then if c else node.otherwise, env)
            case ast.Name() if self.policy.resolutions[id(node)].kind == "rule":
                rule = env.named(node.name, self.policy)
                if isinstance(value, bool | Unknown):
                    return f"{node.name} ({self.explain(rule.body, env.top())})"
        if isinstance(value, Unknown):
            return self._unknown_words(value)
        if isinstance(value, bool):
            return f"{self.label(node, env)} is {show(value)}"
        return self.describe(node, env)

    def _explain_quantifier(self, node: ast.Quantifier, env: Env, value: Any) -> str:
        items = self.eval(node.collection, env)
        label = self.label(node.collection, env)
        if isinstance(items, Unknown):
            return self._unknown_words(items)
        if not items:
            return f"{label} lists nothing"
        results = [(item, self.eval(node.body, env.bind(node.var, item))) for item in items]
        decisive = node.kind == "any"
        if value is decisive:
            item = next(i for i, v in results if v is decisive)
            return f"{item}: {self.explain(node.body, env.bind(node.var, item))}"
        # No item settled it: each counts, the unknown ones and those that would settle it.
        return "; ".join(f"{i}: {self.explain(node.body, env.bind(node.var, i))}"
                         for i, _ in results)

    def _unknown_words(self, value: Unknown) -> str:
        facts = ", ".join(value.facts)
        return f"{facts} {'is' if len(value.facts) == 1 else 'are'} not known"

    def label(self, node: ast.Expr, env: Env) -> str:
        """The name of what a node reads: a case path, a rule's id, or the drafter's words."""
        match node:
            case ast.Name():
                resolution = self.policy.resolutions[id(node)]
                if resolution.kind == "local":
                    return str(env.locals[node.name].path) \
                        if isinstance(env.locals[node.name], Rec) else node.name
                if resolution.kind == "root" and node.name == "award" and env.award:
                    return env.award.path
                return node.name
            case ast.Field():
                subject = self.eval(node.subject, env)
                if isinstance(subject, Rec):
                    if subject.type is schema.AWARD and node.name == schema.AWARD_STATEMENTS:
                        return f"{subject.path}.calculated_on"
                    return _join(subject.path, node.name)
                # An unknown record (an award's performance_period, say): name it by its path.
                return f"{self.label(node.subject, env)}.{node.name}"
        return " ".join(node.span.text.split()) if node.span is not None else "?"

    def describe(self, node: ast.Expr, env: Env) -> str:
        """An operand with its value: `awards[0].amount_paid (300,000.00 USD)`; a computed one
        shows its parts and what they come to."""
        if not self.reasons:
            return ""
        value = self.eval(node, env)
        match node:
            case ast.Number() | ast.MoneyLit() | ast.DateLit() | ast.Text() | ast.Bool() \
                    | ast.DurationLit() | ast.SetLit():
                return show(value)
            case ast.Name() if self.policy.resolutions[id(node)].kind == "enum":
                return node.name
            case ast.Binary(op="+" | "-" | "*" | "/"):
                return f"{self.describe(node.left, env)} {node.op} " \
                       f"{self.describe(node.right, env)} = {show(value)}"
            case ast.Call():
                args = ", ".join(self.describe(a, env) for a in node.args)
                return f"{node.function}({args}) = {show(value)}"
            case ast.Name() if self.policy.resolutions[id(node)].kind == "rule" \
                    and not isinstance(value, bool):
                # A named amount or date, with the facts it comes from.
                body = env.named(node.name, self.policy).body
                return f"{node.name} (= {self.describe(body, env.top())})"
        return f"{self.label(node, env)} ({show(value)})"


def _comparison_words(op: str, holds: bool, is_date: bool) -> str:
    words = ({"<": "is before", "<=": "is on or before", ">": "is after",
              ">=": "is on or after", "=": "is", "!=": "is not"} if is_date else
             {"<": "is less than", "<=": "is at most", ">": "is more than",
              ">=": "is at least", "=": "is", "!=": "is not"})[op]
    if holds:
        return words
    if op == "!=":
        return "is"
    return words.replace("is ", "is not ", 1)
