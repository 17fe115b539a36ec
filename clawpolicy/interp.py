"""The evaluator: a checked policy and a case in, a Determination out. Pure: it reads no
files and keeps no state between calls.

Every expression is three-valued: a known value, or `Unknown` naming the case facts it is
missing (`false and unknown` is `false`). An award's outcome is found in one fixed order:
scope, then conditions, then the recoverable amount and the remedies that can reach it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from clawpolicy import types as t
from clawpolicy.case import Case
from clawpolicy.check import schema
from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.determination import (
    Amount, Answer, AwardResult, Condition, Determination, Note, OpenQuestion, PolicyRef, Remedy)
from clawpolicy.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.questions import question_for
from clawpolicy.syntax import ast
from clawpolicy.values import (
    Absent, Duration, Money, Unknown, add_duration, merge_facts, quantize, show, unknown_of)


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
    award: Rec | None = None
    locals: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    def bind(self, name: str, value: Any) -> "Env":
        return Env(self.award, {**self.locals, name: value}, self.cache)


def _join(base: str, name: str) -> str:
    return f"{base}.{name}" if base else name


class Evaluator:
    def __init__(self, policy: CheckedPolicy, case: Case, facts: dict[str, Any],
                 overrides: dict[str, Any] | None = None):
        self.policy = policy
        self.case = case
        self.overrides = overrides or {}
        self.root = Rec("", case, schema.case_record(policy.fact_decls))
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
                    env.cache[key] = self.eval(self.policy.rule(key).body, Env(env.award,
                                                                                cache=env.cache))
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
                return self.arith(op, left, right, node)
            case "*":
                if isinstance(left, Money):
                    return Money(left.amount * right, left.unit)
                if isinstance(right, Money):
                    return Money(left * right.amount, right.unit)
                return left * right
            case "/":
                if isinstance(left, Money) and isinstance(right, Money):
                    self.same_unit(left, right, node)
                    return left.amount / right.amount if right.amount else Decimal(0)
                if isinstance(left, Money):
                    return Money(left.amount / right if right else Decimal(0), left.unit)
                return left / right if right else Decimal(0)
            case "in":
                return left in right
            case "not in":
                return left not in right
            case "overlaps":
                return any(x in right for x in left)
        a, b = self.comparable(left, right, node)
        return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b,
                ">=": a >= b}[op]

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
        if isinstance(left, dt.date):
            return add_duration(left, right, sign)
        if isinstance(right, dt.date):
            return add_duration(right, left, sign)
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
                chosen = [p for p, v in ((node.left, left), (node.right, right))
                          if isinstance(v, Unknown)] or [node.left, node.right]
                return "; ".join(self.explain(p, env) for p in chosen)
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
                return f"{label} is known ({show(subject)})" \
                    if not isinstance(subject, Unknown) else f"{label} is not known"
            case ast.Quantifier():
                return self._explain_quantifier(node, env, value)
            case ast.If():
                c = self.eval(node.condition, env)
                if isinstance(c, Unknown):
                    return self._unknown_words(c)
                return self.explain(node.then if c else node.otherwise, env)
            case ast.Name() if self.policy.resolutions[id(node)].kind == "rule":
                rule = self.policy.rule(node.name)
                if isinstance(value, bool | Unknown):
                    return f"{node.name} ({self.explain(rule.body, Env(env.award, cache=env.cache))})"
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
        chosen = [i for i, v in results if isinstance(v, Unknown)] if isinstance(value, Unknown) \
            else [i for i, _ in results]
        return "; ".join(f"{i}: {self.explain(node.body, env.bind(node.var, i))}"
                         for i in chosen)

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
                if resolution.kind == "root" and node.name == "award":
                    return env.award.path
                return node.name
            case ast.Field():
                subject = self.eval(node.subject, env)
                if isinstance(subject, Rec):
                    if subject.type is schema.AWARD and node.name == schema.AWARD_STATEMENTS:
                        return f"{subject.path}.calculated_on"
                    return _join(subject.path, node.name)
        return " ".join(node.span.text.split()) if node.span is not None else "?"

    def describe(self, node: ast.Expr, env: Env) -> str:
        """An operand with its value: `awards[0].amount_paid (300,000.00 USD)`; a computed one
        shows its parts and what they come to."""
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


# ---------------------------------------------------------------- determinations

@dataclass
class AwardEvaluation:
    result: AwardResult
    unknowns: list[Unknown]         # what the outcome turns on, when pending
    recoverable: Money | None
    notes: list[Note] = field(default_factory=list)  # the policy's notes that apply


def status_of(value: Any) -> str:
    if isinstance(value, Unknown):
        return "unknown"
    return "met" if value else "not_met"


def _citation(rule: ast.Rule) -> tuple[str, str]:
    return rule.citation.clause or "", " … ".join(rule.citation.quotes)


class Determiner:
    """Runs the policy over every award of one case and assembles the determination."""

    def __init__(self, policy: CheckedPolicy, case: Case, facts: dict[str, Any]):
        self.policy = policy
        self.case = case
        self.facts = facts

    def awards(self, overrides: dict[str, Any] | None = None
               ) -> tuple[list[AwardEvaluation], Evaluator]:
        evaluator = Evaluator(self.policy, self.case, self.facts, overrides)
        records = evaluator.read(evaluator.root, "awards")
        return [self.award(evaluator, rec) for rec in records], evaluator

    def award(self, ev: Evaluator, rec: Rec) -> AwardEvaluation:
        env = Env(rec)
        conditions: list[Condition] = []
        notes: list[str] = []

        def run(rules: list[ast.Rule], kind: str) -> list[Any]:
            values = []
            for rule in rules:
                value = ev.eval(rule.body, env)
                clause, quote = _citation(rule)
                conditions.append(Condition(id=rule.name, kind=kind, status=status_of(value),
                                            clause=clause, quote=quote,
                                            because=ev.explain(rule.body, env)))
                values.append(value)
            return values

        scope = run(self.policy.of_kind("scope"), "scope")
        if any(v is False for v in scope):
            for rule in self.policy.of_kind("condition"):
                clause, quote = _citation(rule)
                conditions.append(Condition(
                    id=rule.name, kind="condition", status="not_applicable", clause=clause,
                    quote=quote, because="the award is outside the policy's scope"))
            return self._result(rec, "not_covered", conditions, [], notes, [], None, None)
        met = run(self.policy.of_kind("condition"), "condition")
        unknowns = [v for v in scope + met if isinstance(v, Unknown)]
        if any(v is False for v in met):
            outcome = "pending" if unknowns and any(isinstance(v, Unknown) for v in scope) \
                else "no_recovery"
            return self._result(rec, outcome, conditions, [], notes,
                                unknowns if outcome == "pending" else [], None, None)
        if unknowns:
            evaluation = self._result(rec, "pending", conditions, [], notes, unknowns, None, None)
        else:
            evaluation = self._amounts(ev, env, rec, conditions, notes)
        evaluation.notes.extend(self._notes(ev, env, rec))
        return evaluation

    def _amounts(self, ev: Evaluator, env: Env, rec: Rec, conditions: list[Condition],
                 notes: list[str]) -> AwardEvaluation:
        rc_rule = self.policy.recoverable
        rc = ev.eval(rc_rule.body, env)
        if isinstance(rc, Unknown):
            return self._result(rec, "pending", conditions, [], notes, [rc], None, None)
        rc = _money(rc, rec)
        remedies: list[tuple[ast.Rule, Money]] = []
        unknowns: list[Unknown] = []
        for rule in self.policy.of_kind("remedy"):
            barred = ev.eval(rule.unless, env) if rule.unless is not None else False
            if isinstance(barred, Unknown):
                unknowns.append(barred)
                continue
            if barred:
                notes.append(f"{rule.name} is not available: {ev.explain(rule.unless, env)}")
                continue
            cap = ev.eval(rule.body, env)
            if isinstance(cap, Unknown):
                unknowns.append(cap)
                continue
            cap = _money(cap, rec)
            if cap.amount <= 0:
                notes.append(f"{rule.name} reaches nothing in this award (up to {cap})")
                continue
            remedies.append((rule, cap))
        if unknowns:
            return self._result(rec, "pending", conditions, [], notes, unknowns, None, rc)
        reach = sum((m.amount for _, m in remedies), Decimal(0))
        recoverable = Money(max(Decimal(0), min(rc.amount, reach)), rc.unit)
        if rc.amount <= 0:
            notes.append(f"{rc_rule.name} is {rc}: nothing is recoverable")
        elif recoverable.amount < rc.amount:
            notes.append(f"{rc_rule.name} is {rc}, but the available remedies reach only "
                         f"{recoverable}")
        outcome = "recovery" if recoverable.amount > 0 else "no_recovery"
        shown = [Remedy(kind=rule.name, modality=rule.modality, up_to=_amount(cap),
                        clause=_citation(rule)[0], quote=_citation(rule)[1])
                 for rule, cap in remedies] if outcome == "recovery" else []
        return self._result(rec, outcome, conditions, shown, notes, [], recoverable, rc)

    def _notes(self, ev: Evaluator, env: Env, rec: Rec) -> list[Note]:
        """The policy's notes whose `when` holds for this covered award."""
        return [Note(award=rec.data.id, rule=rule.name, clause=rule.citation.clause or "",
                     text=rule.text or "")
                for rule in self.policy.of_kind("note") if ev.eval(rule.body, env) is True]

    def _result(self, rec: Rec, outcome: str, conditions, remedies, notes, unknowns,
                recoverable: Money | None, rc: Money | None) -> AwardEvaluation:
        if outcome in ("no_recovery", "not_covered"):
            recoverable = Money(Decimal(0), rec.data.unit)
        result = AwardResult(
            id=rec.data.id, outcome=outcome,
            recoverable=_amount(recoverable) if recoverable is not None else None,
            recoverable_compensation=_amount(rc) if rc is not None else None,
            remedies=remedies, conditions=conditions, notes=notes)
        return AwardEvaluation(result, unknowns, recoverable)


def _money(value: Any, rec: Rec) -> Money:
    return value if isinstance(value, Money) else Money(Decimal(value), rec.data.unit)


def _amount(money: Money) -> Amount:
    return Amount(amount=format(quantize(money.amount, money.unit), "f"), unit=money.unit)


def case_outcome(outcomes: list[str]) -> str:
    for candidate in ("recovery", "pending"):
        if candidate in outcomes:
            return candidate
    if any(o != "not_covered" for o in outcomes):
        return "no_recovery"
    return "not_covered"


def totals(evaluations: list[AwardEvaluation]) -> list[Money]:
    """What the awards whose outcome is recovery add up to, one entry per unit."""
    by_unit: dict[str, Decimal] = {}
    for e in evaluations:
        if e.result.outcome == "recovery" and e.recoverable is not None:
            by_unit[e.recoverable.unit] = by_unit.get(e.recoverable.unit, Decimal(0)) \
                + e.recoverable.amount
    return [Money(amount, unit) for unit, amount in by_unit.items()] or [Money(Decimal(0),
                                                                               "USD")]


def _total_field(moneys: list[Money]) -> Amount | list[Amount]:
    amounts = [_amount(m) for m in moneys]
    return amounts[0] if len(amounts) == 1 else amounts


def determine(policy: CheckedPolicy, case: Case, facts: dict[str, Any]) -> Determination:
    determiner = Determiner(policy, case, facts)
    evaluations, evaluator = determiner.awards()
    outcome = case_outcome([e.result.outcome for e in evaluations])
    # Any pending award has questions, even when another award already makes the case one of
    # recovery: the total turns on them.
    questions = _open_questions(determiner, evaluations, evaluator)
    return Determination(
        case_id=case.case_id, title=case.title, as_of=case.as_of.isoformat(),
        policy=PolicyRef(name=policy.header.name, sha256=policy.loaded.sha256),
        outcome=outcome, revisions_applied=[],
        total_recoverable=_total_field(totals(evaluations)),
        awards=[e.result for e in evaluations], other_recoverable=[],
        open_questions=questions, notes=[n for e in evaluations for n in e.notes])


# ---------------------------------------------------------------- open questions

def _open_questions(determiner: Determiner, evaluations: list[AwardEvaluation],
                    evaluator: Evaluator) -> list[OpenQuestion]:
    facts = merge_facts(*(u.facts for e in evaluations for u in e.unknowns))
    award_ids = [a.id for a in determiner.case.awards]
    statement_ids = [s.id for s in determiner.case.statements]
    declared = {d.name: d.question for d in determiner.policy.fact_decls}
    questions = []
    for fact in facts:
        answers = [Answer(**{"if": label}, outcome=outcome, recoverable=recoverable,
                          recoverable_depends_on_answer=varies or None)
                   for label, outcome, recoverable, varies
                   in _answers(determiner, evaluator, fact)]
        questions.append(OpenQuestion(
            fact=fact, question=question_for(fact, award_ids, statement_ids, declared),
            answers=answers))
    return questions


def _fact_type(determiner: Determiner, fact: str) -> tuple[t.Type, str | None]:
    """The static type of a fact path, and the unit of the record that holds it."""
    record = schema.case_record(determiner.policy.fact_decls)
    parts = fact.replace("]", "").replace("[", ".").split(".")
    current: Any = record
    data: Any = determiner.case
    unit = None
    for part in parts:
        if part.isdigit():
            current = current.element
            data = data[int(part)]
            continue
        if current is schema.AWARD or isinstance(current, t.Record) and current.name == "award":
            unit = data.unit
        field_type = current.fields[part]
        current = field_type.type
        data = getattr(data, part, None) if not isinstance(data, dict) else data.get(part)
    return current, unit


def _answers(determiner: Determiner, evaluator: Evaluator, fact: str):
    """Each answer the fact could have and where it leads: the case outcome and the total,
    found by evaluating the case again with the answer in place."""
    type_, unit = _fact_type(determiner, fact)

    def leads_to(value: Any) -> tuple[str, Any]:
        evaluations, _ = determiner.awards({fact: value})
        outcome = case_outcome([e.result.outcome for e in evaluations])
        amount = _total_field(totals(evaluations)) if outcome == "recovery" else None
        return outcome, amount

    if type_ == t.BOOLEAN:
        return [(v, *leads_to(v), False) for v in (True, False)]
    if isinstance(type_, t.Enum):
        return [(v, *leads_to(v), False) for v in type_.values]
    pivots = sorted(p for p in evaluator.pivots.get(fact, [])
                    if isinstance(p, dt.date | Decimal | Money))
    if not pivots or type_ not in (t.DATE, t.MONEY, t.NUMBER):
        return []
    step = dt.timedelta(days=1) if type_ == t.DATE else Decimal("0.01")

    def point(x: Any) -> Any:
        if type_ == t.MONEY and not isinstance(x, Money):
            return Money(x, unit or "USD")
        return x

    raw = [p.amount if isinstance(p, Money) else p for p in pivots]
    candidates = sorted({q for p in raw for q in (p - step, p, p + step)
                         if not (isinstance(q, Decimal) and q < 0)})
    results = [(q, leads_to(point(q))) for q in candidates]
    answers = []
    start = 0
    for i in range(1, len(results) + 1):
        if i < len(results) and _shape(results[i][1]) == _shape(results[start][1]):
            continue
        lower = results[start][0] if start > 0 else None
        upper = results[i][0] if i < len(results) else None
        outcome, amount = results[start][1]
        # The amount is stated only where it is the same across the whole range.
        far = _far_end(results[start][0], results[i - 1][0], lower, upper, step)
        if amount is not None and any(leads_to(point(x))[1] != amount for x in far):
            amount = None
            outcome_words = (outcome, True)
        else:
            outcome_words = (outcome, False)
        words = _range_words(lower, upper, raw, unit if type_ == t.MONEY else None)
        answers.append((words, outcome_words[0], amount, outcome_words[1]))
        start = i
    return answers


def _shape(result: tuple[str, Any]) -> tuple:
    """What makes two answers read alike: the outcome and the units recovered in."""
    outcome, amount = result
    amounts = amount if isinstance(amount, list) else [amount] if amount else []
    return outcome, tuple(a.unit for a in amounts if Decimal(a.amount) != 0)


def _far_end(first: Any, last: Any, lower: Any, upper: Any, step: Any) -> list[Any]:
    """Points to probe a range at: the test points that opened and closed it, and, for a
    range open below or above, a point well beyond the last pivot."""
    points = [first, last]
    if lower is None:
        points.append(dt.date(1970, 1, 1) if isinstance(first, dt.date) else Decimal(0))
    if upper is None:
        points.append(last + (dt.timedelta(days=3660) if isinstance(last, dt.date)
                              else max(last, Decimal(1)) * 10))
    return points


def _range_words(lower: Any, upper: Any, pivots: list[Any], unit: str | None) -> str:
    def fmt(x: Any) -> str:
        if isinstance(x, dt.date):
            return x.isoformat()
        return format(quantize(x, unit), "f") + f" {unit}" if unit else format(x, "f")
    parts = []
    if lower is not None:
        parts.append(f">= {fmt(lower)}" if lower in pivots else f"> {fmt(_prev(lower))}")
    if upper is not None:
        parts.append(f"< {fmt(upper)}" if upper in pivots else f"<= {fmt(_prev(upper))}")
    return " and ".join(parts) or "any value"


def _prev(x: Any) -> Any:
    return x - (dt.timedelta(days=1) if isinstance(x, dt.date) else Decimal("0.01"))
