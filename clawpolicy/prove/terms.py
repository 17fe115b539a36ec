"""Expressions of the language as SMT terms, three-valued as evaluate/expressions.py
evaluates them: each term carries whether it is known, and whether the engine would stop
with an error reaching it, with the same short cuts (`false and x` never reads x)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import z3

from clawpolicy.check.checker import CheckedPolicy
from clawpolicy.prove.calendar import day_number
from clawpolicy.prove.shape import FALSE, TRUE, Shape, SymRecord, Unsupported, V
from clawpolicy.revise.rules import RuleSet
from clawpolicy.evaluate import spans
from clawpolicy.syntax import ast


# The calendar functions over a company's fiscal periods (check/policy.py).
CALENDARS = ("fiscal_period_end_before", "fiscal_years_start_before")

COMPARE = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
           "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def hundredths(value: Decimal) -> int:
    """Numbers and amounts are whole hundredths (cents): exact, in integer arithmetic."""
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise Unsupported(f"the number {value}, finer than a hundredth")
    return int(scaled)


def written(node: ast.Expr, v: V) -> int | None:
    """The value, in the shape's units, of a number the same for every case: one the policy
    writes (`0.5`, `-2`, `0.25 * 2`), or a term that is a numeral already (a total over a
    list the bounded shape holds empty is 0)."""
    value = z3.simplify(v.val) if _is_literal(node) else v.val
    return value.as_long() if z3.is_int_value(value) else None


def _is_literal(node: ast.Expr) -> bool:
    if isinstance(node, ast.Number | ast.MoneyLit):
        return True
    if isinstance(node, ast.Unary):
        return node.op == "-" and _is_literal(node.operand)
    return isinstance(node, ast.Binary) and node.op in ("+", "-", "*") and \
        _is_literal(node.left) and _is_literal(node.right)


def product(shape: Shape, a: Any, b: Any, a_written: int | None,
            b_written: int | None) -> Any:
    """The product of two numbers in the shape's units (one is 100 * shape.scale), exact as
    the evaluator keeps it: the shape's units are fine enough for every product the policies
    compute (claims.extra_places), so the division by one is exact; the amounts are rounded
    only where the output shows them (to the cent: claims.shown)."""
    one = 100 * shape.scale
    if a_written is not None and b_written is None:
        a, b, a_written, b_written = b, a, b_written, a_written
    if b_written is None:
        return a * b / one
    factor = Fraction(b_written, one)
    if a_written is not None:
        value = a_written * factor
        if value.denominator != 1:
            raise Unsupported("a product finer than the proof's unit")  # never: extra_places
        return z3.IntVal(int(value))
    if factor.denominator == 1:
        return a * factor.numerator
    return a * factor.numerator / factor.denominator


class Terms:
    """Translates the expressions of one policy under one RuleSet, for one award."""

    def __init__(self, policy: CheckedPolicy, shape: Shape, rules: RuleSet,
                 award: SymRecord | None):
        self.policy = policy
        self.shape = shape
        self.rules = rules
        self.award = award
        self._named: dict[str, V] = {}

    def term(self, node: ast.Expr, local: dict[str, V] | None = None) -> V:
        try:
            return self._term(node, local or {})
        except Unsupported as outside:
            if outside.args and isinstance(outside.args[0], tuple):
                raise
            raise Unsupported((str(outside.args[0]) if outside.args else "", node.span)) \
                from None

    def _term(self, node: ast.Expr, local: dict[str, V]) -> V:
        match node:
            case ast.Number(value=v) | ast.MoneyLit(value=v):
                return V("num", TRUE, z3.IntVal(hundredths(v) * self.shape.scale))
            case ast.DurationLit(amount=n, unit=unit):
                return V("dur", TRUE, (n, unit))
            case ast.DateLit(value=v):
                return V("date", TRUE, z3.IntVal(day_number(v)))
            case ast.Bool(value=v):
                return V("bool", TRUE, z3.BoolVal(v))
            case ast.Text(value=v):
                return V("text", TRUE, z3.IntVal(self.shape.text(v)))
            case ast.Name():
                return self.name(node, local)
            case ast.Field():
                subject = self.term(node.subject, local)
                if subject.kind != "record":
                    raise Unsupported(f"a field of a {subject.kind}")
                value = subject.val.read(node.name)
                err = z3.Or(subject.err, z3.And(subject.known, subject.absent))
                return V(value.kind, z3.And(subject.known, value.known), value.val, err,
                         value.absent)
            case ast.SetLit():
                items = [self.term(i, local) for i in node.items]
                return V("items", z3.And(*[i.known for i in items]) if items else TRUE, items,
                         z3.Or(*[i.err for i in items]) if items else FALSE)
            case ast.Unary(op="not"):
                v = self.term(node.operand, local)
                return V("bool", v.known, z3.Not(v.val), v.err)
            case ast.Unary(op="-"):
                v = self.term(node.operand, local)
                return V(v.kind, v.known, -v.val, v.err)
            case ast.Logical():
                return self.logical(node, local)
            case ast.Binary():
                return self.binary(node, local)
            case ast.Test():
                v = self.term(node.subject, local)
                present = z3.Or(z3.Not(v.known), z3.Not(v.absent))
                value = {"known": v.known, "unknown": z3.Not(v.known), "present": present,
                         "absent": z3.Not(present)}[node.test]
                return V("bool", TRUE, value, v.err)
            case ast.If():
                c = self.term(node.condition, local)
                a, b = self.term(node.then, local), self.term(node.otherwise, local)
                if a.kind not in ("bool", "num", "date", "enum", "text"):
                    raise Unsupported("`if` whose branches are not single values")
                both = z3.And(a.known, b.known, a.val == b.val)
                known = z3.If(c.known, z3.If(c.val, a.known, b.known), both)
                err = z3.Or(c.err, z3.If(c.known, z3.If(c.val, a.err, b.err),
                                         z3.Or(a.err, b.err)))
                return V(a.kind, known, z3.If(z3.And(c.known, z3.Not(c.val)), b.val, a.val),
                         err)
            case ast.Call():
                return self.call(node, local)
            case ast.Quantifier():
                return self.quantifier(node, local)
            case ast.Aggregate():
                return self.aggregate(node, local)
        raise Unsupported(f"the expression {type(node).__name__}")

    # ------------------------------------------------------------ names
    def name(self, node: ast.Name, local: dict[str, V]) -> V:
        resolution = self.policy.resolutions[id(node)]
        match resolution.kind:
            case "local":
                return local[resolution.target]
            case "enum":
                return V("enum", TRUE, z3.IntVal(self.shape.symbol(resolution.target)))
            case "constant":
                return V("date", TRUE, z3.IntVal(day_number(
                    self.policy.constant(resolution.target))))
            case "rule":
                key = resolution.target
                if key not in self._named:
                    rule = self.rules.named(key) or self.policy.rule(key)
                    self._named[key] = self.term(getattr(rule, rule.body_field))
                return self._named[key]
        if resolution.target == self.policy.vocabulary.roles.each:
            if self.award is None:
                raise Unsupported("the award, read outside an award")
            return V("record", TRUE, self.award)
        return self.shape.root.read(resolution.target)

    # ------------------------------------------------------------ operators
    def logical(self, node: ast.Logical, local: dict[str, V]) -> V:
        decisive = node.op == "or"
        left, right = self.term(node.left, local), self.term(node.right, local)

        def settles(v: V) -> Any:
            return z3.And(v.known, v.val if decisive else z3.Not(v.val))

        settled = z3.Or(settles(left), settles(right))
        known = z3.Or(settled, z3.And(left.known, right.known))
        value = settled if decisive else z3.Not(settled)
        err = z3.Or(left.err, z3.And(z3.Not(settles(left)), right.err))
        return V("bool", known, value, err)

    def binary(self, node: ast.Binary, local: dict[str, V]) -> V:
        left, right = self.term(node.left, local), self.term(node.right, local)
        known = z3.And(left.known, right.known)
        err = z3.Or(left.err, right.err)
        op = node.op
        if op in ("+", "-"):
            return self._arith(op, left, right, known, err)
        if op == "*":
            if left.kind != "num" or right.kind != "num":
                raise Unsupported(f"`*` of a {left.kind} and a {right.kind}")
            return V("num", known, product(self.shape, left.val, right.val,
                                           written(node.left, left),
                                           written(node.right, right)), err)
        if op == "/":
            raise Unsupported("`/` (a division is not exact in hundredths)")
        if op in ("in", "not in"):
            found = self.contains(right, left)
            return V("bool", known, found if op == "in" else z3.Not(found), err)
        if op == "overlaps":
            if left.kind != "set":
                raise Unsupported("`overlaps` of other than a set of the case")
            found = z3.Or(*[self.contains(left, i) for i in self._items(right)])
            return V("bool", known, found, err)
        if left.kind not in ("num", "date", "enum", "text", "bool") or \
                right.kind not in ("num", "date", "enum", "text", "bool"):
            raise Unsupported(f"`{op}` of a {left.kind} and a {right.kind}")
        return V("bool", known, COMPARE[op](left.val, right.val), err)

    def _arith(self, op: str, left: V, right: V, known: Any, err: Any) -> V:
        sign = 1 if op == "+" else -1
        if "date" in (left.kind, right.kind):
            day, duration = (left, right) if left.kind == "date" else (right, left)
            if duration.kind != "dur":
                raise Unsupported("a date and other than a duration written in the policy")
            n, unit = duration.val
            if unit == "days":
                return V("date", known, day.val + sign * n, err)
            months = n * sign * (12 if unit == "years" else 1)
            return V("date", known, self.shape.calendar.add_months(day.val, months), err)
        if left.kind != "num" or right.kind != "num":
            raise Unsupported(f"`{op}` of a {left.kind} and a {right.kind}")
        return V("num", known, left.val + sign * right.val, err)

    def _items(self, v: V) -> list[V]:
        if v.kind != "items":
            raise Unsupported("a set other than one written in the policy")
        return v.val

    def contains(self, collection: V, item: V) -> Any:
        if collection.kind == "set":
            if z3.is_int_value(item.val):
                word = self._word(item)
                found = collection.val.members.get(word)
                return found if found is not None else FALSE
            return z3.Or(*[z3.And(b, self._code(item, w) == item.val)
                           for w, b in collection.val.members.items()])
        return z3.Or(*[i.val == item.val for i in self._items(collection)]) \
            if collection.val else FALSE

    def _word(self, item: V) -> str:
        code = item.val.as_long()
        if item.kind == "text":
            return self.shape.texts[code]
        return next(w for w, c in self.shape.symbols.items() if c == code)

    def _code(self, item: V, word: str) -> Any:
        return z3.IntVal(self.shape.text(word) if item.kind == "text" else
                         self.shape.symbol(word))

    def call(self, node: ast.Call, local: dict[str, V]) -> V:
        if node.function in spans.SPANS:  # the comparisons it stands for, as evaluated
            return self.term(spans.expansion(node), local)
        args = [self.term(a, local) for a in node.args]
        known = z3.And(*[a.known for a in args])
        err = z3.Or(*[a.err for a in args])
        if node.function == "fiscal_year_end_before":
            day, md = args
            if md.kind != "md":
                raise Unsupported("a fiscal year end other than a fact of the case")
            month, dom = md.val
            return V("date", known,
                     self.shape.calendar.fiscal_year_end_before(day.val, month, dom), err)
        if node.function in CALENDARS:
            return self.fiscal_calendar(node, args, known, err)
        if node.function == "at_price":  # a product of two numbers, as `*` takes it
            return V("num", known, product(self.shape, args[0].val, args[1].val, None, None),
                     err)
        if node.function not in ("min", "max"):
            raise Unsupported(f"the function {node.function}")
        value = args[0].val
        for a in args[1:]:
            value = z3.If(a.val < value if node.function == "min" else a.val > value,
                          a.val, value)
        return V(args[0].kind, known, value, err)

    def fiscal_calendar(self, node: ast.Call, args: list[V], known: Any, err: Any) -> V:
        """A calendar function over the bounded shape's fiscal calendar: one year end each
        year (no period ends listed), so every period is a year and counts as one."""
        *_, ends, md = args
        if ends.kind != "dates" or md.kind != "md":
            raise Unsupported("a fiscal calendar other than the facts of the case")
        month, dom = md.val
        calendar = self.shape.calendar
        if node.function == "fiscal_period_end_before":
            return V("date", known, calendar.fiscal_year_end_before(args[0].val, month, dom),
                     err)
        least = args[2].val
        if least[1] == "days" and least[0] > 365 or least[1] != "days" and \
                least[0] * (12 if least[1] == "years" else 1) > 12:
            raise Unsupported("a fiscal year counted only when longer than a year")
        count = int(node.args[1].value)  # a whole number written in the policy (CP0240)
        return V("date", known,
                 calendar.fiscal_years_start_before(args[0].val, count, month, dom), err)

    # ------------------------------------------------------------ collections
    def _collection(self, node: ast.Expr, local: dict[str, V]) -> tuple[V, list]:
        items = self.term(node, local)
        if items.kind != "list":
            raise Unsupported("a quantifier over other than a list of records")
        return items, items.val.items

    def quantifier(self, node: ast.Quantifier, local: dict[str, V]) -> V:
        coll, items = self._collection(node.collection, local)
        decisive = node.kind == "any"
        settled, all_known, err, before = FALSE, TRUE, FALSE, FALSE
        for present, item in items:
            body = self.term(node.body, {**local, node.var: V("record", TRUE, item)})
            settles = z3.And(present, body.known, body.val if decisive else z3.Not(body.val))
            err = z3.Or(err, z3.And(present, z3.Not(before), body.err))
            before = z3.Or(before, settles)
            settled = z3.Or(settled, settles)
            all_known = z3.And(all_known, z3.Implies(present, body.known))
        known = z3.And(coll.known, z3.Or(settled, all_known))
        value = settled if decisive else z3.Not(settled)
        return V("bool", known, value, z3.Or(coll.err, z3.And(coll.known, err)))

    def aggregate(self, node: ast.Aggregate, local: dict[str, V]) -> V:
        coll, items = self._collection(node.collection, local)
        total, all_known, err = z3.IntVal(0), TRUE, FALSE
        for present, item in items:
            inner = {**local, node.var: V("record", TRUE, item)}
            keep = self.term(node.where, inner) if node.where is not None else \
                V("bool", TRUE, TRUE)
            value = V("num", TRUE, z3.IntVal(100 * self.shape.scale)) \
                if node.kind == "count" else self.term(node.value, inner)
            counted = z3.And(present, keep.known, keep.val)
            total = total + z3.If(z3.And(counted, value.known), value.val, 0)
            all_known = z3.And(all_known, z3.Implies(present, z3.And(
                keep.known, z3.Implies(keep.val, value.known))))
            err = z3.Or(err, z3.And(present, z3.Or(keep.err, z3.And(counted, value.err))))
        return V("num", z3.And(coll.known, all_known), total,
                 z3.Or(coll.err, z3.And(coll.known, err)))
