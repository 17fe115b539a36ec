"""Typing expressions: every name resolved (a case fact, a definition, an enumeration value,
a quantifier's variable, a header date), every operator given values it can combine, every
function its signature. The types and their algebra are `clawpolicy.core.types`."""

from __future__ import annotations

import difflib

from clawpolicy.check import advice
from clawpolicy.core import types as t
from clawpolicy.check.policy import (
    COUNTS, CONSTANTS, FUNCTIONS, MAX_NESTING, SIGNATURES, USAGE, Resolution)
from clawpolicy.syntax import ast

_ARITH = {"+", "-", "*", "/"}
_ORDER = {"<", "<=", ">", ">="}
_EQUALITY = {"=", "!="}


class ExpressionTypes:
    """Part of the checker (`checker._Checker`): typing expressions, over its tables."""

    def expr(self, node: ast.Expr, scope: dict[str, t.Type], depth: int,
             expected: t.Type | None = None) -> t.Type | None:
        if depth > MAX_NESTING:
            where = self.in_progress[-1] if self.in_progress else None
            if where not in self.deep_reported:  # once for each rule, however it branches
                self.deep_reported.add(where)
                self.error("CP0305", f"the expression nests deeper than {MAX_NESTING} levels",
                           "split it into named definitions", node.span)
            return None
        found = self._expr(node, scope, depth + 1, expected)
        if found is not None:
            self.types[id(node)] = found
        return found

    def _expr(self, node: ast.Expr, scope: dict[str, t.Type], depth: int,
              expected: t.Type | None) -> t.Type | None:
        match node:
            case ast.Number():
                return t.NUMBER
            case ast.MoneyLit(unit=unit):
                units = self.vocabulary.declarations.units
                if unit not in units:
                    self.error("CP0214", f"`{unit}` is not a unit of the case vocabulary",
                               f"write an amount in one of: {', '.join(units)} (or a duration "
                               "in years, months or days)", node.span)
                    return None
                return t.MONEY
            case ast.DurationLit():
                return t.DURATION
            case ast.DateLit():
                return t.DATE
            case ast.Text():
                return t.TEXT
            case ast.Bool():
                return t.BOOLEAN
            case ast.Name():
                return self.name(node, scope, expected)
            case ast.Field():
                return self.field(node, scope, depth)
            case ast.SetLit():
                element = expected.element if isinstance(expected, t.SetOf) else None
                types = [self.expr(item, scope, depth, element) for item in node.items]
                known = [x for x in types if x is not None]
                if any(x != known[0] for x in known[1:]):
                    self.error("CP0301", "a set mixes values of different types",
                               "list values of one type between { and }", node.span)
                    return None
                return t.SetOf(known[0] if known else element or t.TEXT) \
                    if len(known) == len(types) else None
            case ast.Unary(op="not"):
                self.boolean(node.operand, scope, depth, "`not`")
                return t.BOOLEAN
            case ast.Unary(op="-"):
                inner = self.expr(node.operand, scope, depth)
                if inner is not None and not t.is_numeric(inner):
                    self.error("CP0301", f"cannot negate {inner}",
                               "`-` applies to a number or an amount", node.span)
                    return None
                return inner
            case ast.Logical():
                self.boolean(node.left, scope, depth, f"`{node.op}`")
                self.boolean(node.right, scope, depth, f"`{node.op}`")
                return t.BOOLEAN
            case ast.Binary():
                return self.binary(node, scope, depth)
            case ast.Test():
                inner = self.expr(node.subject, scope, depth)
                if node.test in ("present", "absent") and inner is not None \
                        and not self._absent_able(node.subject):
                    self.error("CP0304", f"only a record that may be absent can be tested "
                               f"with `is {node.test}`",
                               "use `is known` / `is unknown` for a fact that may be unknown; "
                               f"`is present` is for {self._absent_records()}", node.span)
                return t.BOOLEAN
            case ast.If():
                self.boolean(node.condition, scope, depth, "`if`")
                if self._is_word(node.then, scope) and not self._is_word(node.otherwise, scope):
                    b = self.expr(node.otherwise, scope, depth, expected)
                    a = self.expr(node.then, scope, depth, expected or b)
                else:
                    a = self.expr(node.then, scope, depth, expected)
                    b = self.expr(node.otherwise, scope, depth, expected or a)
                if a is not None and b is not None:
                    joined = t.join(a, b)
                    if joined is None:
                        self.error("CP0301", f"the two branches differ: {a} and {b}",
                                   "make `then` and `else` give the same type", node.span)
                    return joined
                return None
            case ast.Call():
                return self.call(node, scope, depth)
            case ast.Quantifier():
                element = self.collection(node.collection, scope, depth)
                inner = {**scope, node.var: element} if element is not None else scope
                if element is not None:
                    self.boolean(node.body, inner, depth, f"`{node.kind}`")
                return t.BOOLEAN
            case ast.Aggregate():
                element = self.collection(node.collection, scope, depth)
                if element is None:
                    return None
                inner = {**scope, node.var: element}
                if node.where is not None:
                    self.boolean(node.where, inner, depth, "`where`")
                if node.kind == "count":
                    return t.NUMBER
                value = self.expr(node.value, inner, depth)
                if value is not None and not t.is_numeric(value):
                    self.error("CP0301", f"cannot sum {value}",
                               "`sum` adds numbers or amounts", node.value.span)
                    return None
                return value
        raise AssertionError(f"no check for {type(node).__name__}")

    def boolean(self, node: ast.Expr, scope, depth: int, what: str) -> None:
        found = self.expr(node, scope, depth, t.BOOLEAN)
        if found is not None and found != t.BOOLEAN:
            self.error("CP0302", f"{what} needs a condition (boolean), but this is {found}",
                       "write a comparison or a true/false fact here", node.span)

    def _is_word(self, node: ast.Expr, scope) -> bool:
        """A bare word that names nothing by itself: an enumeration value (or a set of them),
        whose meaning comes from what it is compared with."""
        if isinstance(node, ast.SetLit):
            return all(self._is_word(item, scope) for item in node.items) and bool(node.items)
        return isinstance(node, ast.Name) and node.name not in scope \
            and node.name not in self.case.fields and node.name not in CONSTANTS \
            and node.name != self.each and node.name not in self.by_name

    def _absent_records(self) -> str:
        """The records of the case whose absence means there is none (`restatement`)."""
        return ", ".join(f"`{n}`" for n, f in self.case.fields.items() if f.absent_means_none)

    def _absent_able(self, node: ast.Expr) -> bool:
        if isinstance(node, ast.Name):
            field_type = self.case.fields.get(node.name)
            return bool(field_type and field_type.absent_means_none)
        return False

    def name(self, node: ast.Name, scope, expected: t.Type | None) -> t.Type | None:
        n = node.name
        if n in scope:
            self.resolutions[id(node)] = Resolution("local", n)
            return scope[n]
        if isinstance(expected, t.Enum) and n in expected.values:
            self.resolutions[id(node)] = Resolution("enum", n)
            return expected
        if n == self.each:
            self.resolutions[id(node)] = Resolution("root", n)
            return self.vocabulary.item_type(self.case)
        if n in self.case.fields:
            self.resolutions[id(node)] = Resolution("root", n)
            return self.case.fields[n].type
        if n in CONSTANTS:
            if getattr(self.header, CONSTANTS[n]) is None:
                line = "effective YYYY-MM-DD" if n == "effective_date" else \
                    'adopted by "..." on YYYY-MM-DD'
                self.error("CP0213", f"`{n}` is used but the policy header gives no date "
                           "for it", f"add `{line}` to the `policy` header", node.span)
                return None
            self.resolutions[id(node)] = Resolution("constant", n)
            return t.DATE
        rule = self.by_name.get(n)
        if rule is not None and rule.kind in ("definition", "recoverable"):
            self.resolutions[id(node)] = Resolution("rule", n)
            return self.rule_type(rule)
        if isinstance(expected, t.Enum):
            self.error("CP0207", f"`{n}` is not a value of {expected.name}",
                       f"expected one of: {', '.join(expected.values)}", node.span)
            return None
        if rule is not None:
            self.error("CP0201", f"`{n}` is a {rule.kind}, which cannot be used as a value",
                       "name a definition (`define`) or the recoverable amount", node.span)
            return None
        self.error("CP0201", f"unknown name `{n}`", _name_help(n, self), node.span)
        return None

    def field(self, node: ast.Field, scope, depth: int) -> t.Type | None:
        subject = self.expr(node.subject, scope, depth)
        if subject is None:
            return None
        if not isinstance(subject, t.Record):
            self.error("CP0202", f"{subject} has no field `{node.name}`",
                       f"only records ({self.examples['records']}) have fields",
                       node.name_span)
            return None
        field_type = subject.fields.get(node.name)
        if field_type is None:
            fields = ", ".join(subject.fields) or "none are declared (declare them with `fact`)"
            close = difflib.get_close_matches(node.name, list(subject.fields), n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            self.error("CP0202", f"the {subject.name} has no fact `{node.name}`",
                       f"{hint}expected one of: {fields}", node.name_span)
            return None
        return field_type.type

    def collection(self, node: ast.Expr, scope, depth: int) -> t.Type | None:
        found = self.expr(node, scope, depth)
        if isinstance(found, t.ListOf | t.SetOf):
            return found.element
        if found is not None:
            self.error("CP0301", f"cannot go through {found}",
                       f"expected a list, such as {self.examples['lists']}",
                       node.span)
        return None

    def binary(self, node: ast.Binary, scope, depth: int) -> t.Type | None:
        op = node.op
        if op in ("in", "not in"):
            if isinstance(node.right, ast.SetLit):  # `x in {a, b}`: the words take x's type
                elem = self.expr(node.left, scope, depth)
                coll = self.expr(node.right, scope, depth, t.SetOf(elem) if elem else None)
            else:
                coll = self.expr(node.right, scope, depth)
                elem = None
            element = coll.element if isinstance(coll, t.SetOf | t.ListOf) else None
            if elem is None:
                elem = self.expr(node.left, scope, depth, element)
            if coll is not None and element is None:
                self.error("CP0301", f"`{op}` needs a set on its right, but this is {coll}",
                           "write a set such as {a, b} or a fact that lists values",
                           node.right.span)
            elif elem is not None and element is not None and t.join(elem, element) is None:
                self.error("CP0301", f"cannot look for {elem} in {coll}",
                           f"expected {element} on the left of `{op}`", node.left.span)
            return t.BOOLEAN
        if op == "overlaps":
            left = self.expr(node.left, scope, depth)
            right = self.expr(node.right, scope, depth, left)
            if left is not None and right is not None and (
                    not isinstance(left, t.SetOf) or t.join(left, right) is None):
                self.error("CP0301", f"`overlaps` compares two sets, not {left} and {right}",
                           "write two sets of the same kind of value", node.span)
            return t.BOOLEAN
        # An enumeration word on either side takes its meaning from the other side.
        if self._is_word(node.left, scope) and not self._is_word(node.right, scope):
            right = self.expr(node.right, scope, depth)
            left = self.expr(node.left, scope, depth, right)
        else:
            left = self.expr(node.left, scope, depth)
            right = self.expr(node.right, scope, depth, left)
        if left is None or right is None:
            return None
        if op in _ARITH:
            result = t.arith(op, left, right)
            if result is None:
                self.error("CP0301", f"cannot compute {left} {op} {right}",
                           _arith_help(op, node, left, right), node.span)
            return result
        if op in _ORDER:
            if t.join(left, right) is None or left not in (t.NUMBER, t.MONEY, t.DATE) \
                    or right not in (t.NUMBER, t.MONEY, t.DATE):
                self.error("CP0301", f"cannot compare {left} with {right} using `{op}`",
                           "`<`, `<=`, `>`, `>=` compare two dates, or two numbers or amounts",
                           node.span)
                return None
            return t.BOOLEAN
        if t.join(left, right) is None:
            self.error("CP0301", f"cannot compare {left} with {right}",
                       "`=` and `!=` compare two values of the same type", node.span)
            return None
        return t.BOOLEAN

    def count_written(self, arg: ast.Expr, function: str) -> None:
        """A count of fiscal years is a whole number of at least one, written in the policy: the
        policy's own reading, never a fact of the case."""
        if not (isinstance(arg, ast.Number) and arg.value == arg.value.to_integral_value()
                and arg.value >= 1):
            self.error("CP0240", f"`{function}` counts a whole number of years, at least 1, "
                       "written in the policy",
                       f"write the count in the call, e.g. `{function}(…, 3, 9 months, …)`",
                       arg.span)

    def call(self, node: ast.Call, scope, depth: int) -> t.Type | None:
        if node.function not in FUNCTIONS:
            self.error("CP0208", f"unknown function `{node.function}`",
                       f"expected one of: {', '.join(FUNCTIONS)}", node.name_span)
            return None
        if node.function in SIGNATURES:
            params, result = SIGNATURES[node.function]
            types = [self.expr(a, scope, depth) for a in node.args]
            if len(types) != len(params) or any(
                    found is not None and found != want for found, want in zip(types, params)):
                wanted = ", ".join(str(p) for p in params)
                self.error("CP0303", f"`{node.function}` takes ({wanted})",
                           f"write `{node.function}({USAGE[node.function]})`",
                           node.span)
                return None
            if node.function in COUNTS:
                self.count_written(node.args[COUNTS[node.function]], node.function)
            return result
        if not node.args:
            self.error("CP0303", f"`{node.function}` needs at least one value",
                       f"write `{node.function}(a, b)`", node.span)
            return None
        types = [self.expr(a, scope, depth) for a in node.args]
        if any(x is None for x in types):
            return None
        result = types[0]
        for x in types[1:]:
            result = t.join(result, x)
        if result not in (t.NUMBER, t.MONEY, t.DATE):
            self.error("CP0303", f"`{node.function}` takes numbers, amounts or dates of one "
                       "kind", "pass values of one kind", node.span)
            return None
        return result


def _arith_help(op: str, node: ast.Binary, left: t.Type, right: t.Type) -> str:
    if op == "-" and left == right == t.DATE:
        return advice.date_minus_date(node)
    if op in "+-":
        return "add or subtract two amounts or numbers, or a duration to or from a date"
    if op == "*":
        return "multiply an amount or number by a number"
    return "divide an amount or number by a number, or an amount by an amount"


def _name_help(name: str, checker: ExpressionTypes) -> str:
    candidates = (list(checker.case.fields) + [checker.each] + list(CONSTANTS)
                  + [r.name for r in checker.rules if r.kind in ("definition", "recoverable")])
    close = difflib.get_close_matches(name, candidates, n=1)
    if close:
        return f"did you mean `{close[0]}`? (expected a definition, a case fact or a date " \
               "of the header)"
    return f"expected a definition, a case fact ({checker.examples['facts']}) or a date of the " \
           "header (effective_date, adoption_date)"
