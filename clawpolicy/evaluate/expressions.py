"""The expression evaluator (its explanations in explain.py, its reading of the case's facts
in reading.py). Pure: it reads no files and keeps no state between determinations.

Every expression is three-valued: a known value, or `Unknown` naming the case facts it is
missing (`false and unknown` is `false`). Rules are looked up in the RuleSet the evaluation
environment carries, so a revision reaches only the evaluations it was composed into."""

from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from typing import Any

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.evaluate import functions, spans
from clawpolicy.evaluate.env import Env, Rec, join_path
from clawpolicy.evaluate.explain import Explainer
from clawpolicy.evaluate.reading import Reader, readers
from clawpolicy.evaluate.operands import (
    COMPARISONS, if_unknown, negative_of, not_of, quotient, set_of, test_of)
from clawpolicy.evaluate.tracking import Tracked, Tracker, lift, observe, plain
from clawpolicy.syntax import ast
from clawpolicy.core.values import (
    Absent, Duration, Money, OutsideCalendar, Unknown, add_duration, is_rounded, rounded,
    unknown_of)


class EvaluationError(DiagnosticError):
    """The policy asked something of this case that has no answer (a fact of a record the
    case says does not exist, or amounts in two units added together)."""

    # For a date that left the calendar, or an amount that outgrew the precision: the case
    # facts it was computed from, if the case's values are to blame, not the policy
    # (api.evaluate).
    case_facts: tuple[str, ...] = ()


class Evaluator(Explainer, Reader):
    def __init__(self, policy: CheckedPolicy, case: Any, facts: dict[str, Any],
                 overrides: dict[str, Any] | None = None, reasons: bool = True,
                 tracker: Tracker | None = None):
        self.policy = policy
        # Where answers to ordered facts are tracked (`tracking.Tracked` overrides): notes
        # the answers at which comparisons turn.
        self.tracker = tracker
        # Without reasons, explain and describe say nothing: for the runs that only answer
        # "what if" (open questions), whose outcomes and amounts are all that is read.
        self.reasons = reasons
        self.case = case
        self.vocabulary = policy.vocabulary
        self.overrides = overrides or {}
        self.root = Rec("", case, policy.case_type)
        self.facts = facts
        # Values an unknown fact was compared with: where its answer would turn the result.
        self.pivots: dict[str, list[Any]] = {}
        # The reasons of this run written that read no award, shared by its awards (set by
        # reasons.py on the first reason written).
        self.written: dict | None = None
        # When a set: every case fact read is added, so that a run answering a question
        # knows which awards its answer can move (evaluate/caserun.py).
        self.reads: set[str] | None = None
        # When a set (awardmemo.py): the field names of the rules whose values were taken from
        # the run of the case as it stands instead of being evaluated (decide.Determiner._rule).
        self.names: set[str] | None = None
        # Whether the awards' conditions are recorded only as the combination reads them
        # (decide.Determiner.run: a run read for its outcomes and amounts alone).
        self.bare = False
        # Whether the run is read for its outcomes and amounts alone (decide.Determiner.run:
        # it answers a question, without reasons), the compiled path and the reference alike.
        self.answering = False
        # The comparisons each span function stands for (spans.py), built once per call.
        self.expanded: dict[int, ast.Expr] = {}
        # The policy's expressions compiled into closures (compiled.py), or None: the tree
        # walk below, the executable reference, evaluates every node.
        self.compiled: Any = None
        self._fields: dict[tuple[str, str], tuple[Any, tuple[str, ...]]] = {}
        self._readers = readers(policy)
        # When a dict (the compiled path: decide.Determiner gives each of its evaluators the
        # same): the facts read by the evaluators of the case before, as their `_fields`,
        # each kept where it reads no answered fact, and taken from there where this
        # evaluator answers none of the paths it read.
        self.shared: dict[tuple[str, str], tuple[Any, tuple[str, ...]]] | None = None

    # ------------------------------------------------------------ expressions
    def eval(self, node: ast.Expr, env: Env) -> Any:
        compiled = self.compiled  # eval_t's lookup, inlined: the explanations' every read
        if compiled is not None:
            found = compiled.closures.get(id(node))
            value = (found or compiled.of(node))(self, env)
        else:
            value = self.eval_t(node, env)
        return value.value if type(value) is Tracked else value  # plain(), inlined

    def eval_t(self, node: ast.Expr, env: Env) -> Any:
        """The value, still `Tracked` where it is computed from a tracked answer."""
        compiled = self.compiled
        if compiled is not None:
            found = compiled.closures.get(id(node))
            return (found or compiled.of(node))(self, env)
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
                return self.field_of(node, self.eval(node.subject, env))
            case ast.SetLit():
                return set_of(tuple(self.eval(i, env) for i in node.items))
            case ast.Unary(op="not"):
                return not_of(self.eval(node.operand, env))
            case ast.Unary(op="-"):
                return negative_of(self.eval_t(node.operand, env))
            case ast.Logical():
                return self.logical(node, env)
            case ast.Binary():
                return self.binary(node, env)
            case ast.Test():
                return test_of(node.test, self.eval(node.subject, env))
            case ast.If():
                c = self.eval(node.condition, env)
                if not isinstance(c, Unknown):
                    return self.eval_t(node.then if c else node.otherwise, env)
                return if_unknown(c, self.eval(node.then, env), self.eval(node.otherwise, env))
            case ast.Call():
                return self.call(node, env)
            case ast.Quantifier():
                return self.quantifier(node, env)
            case ast.Aggregate():
                return self.aggregate(node, env)
        raise AssertionError(f"no evaluation for {type(node).__name__}")

    def field_of(self, node: ast.Field, subject: Any) -> Any:
        """A field of a record already evaluated."""
        if isinstance(subject, Unknown):
            return Unknown(subject.facts)
        if isinstance(subject, Absent):
            raise EvaluationError([Diagnostic(
                "CP0501", f"the policy reads `{subject.path}.{node.name}`, but this "
                f"case has no {subject.path}",
                f"guard the rule: `{subject.path} is present and ...`", node.span)])
        return self.read(subject, node.name)

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
                    env.cache[key] = self.eval_t(env.named(key, self.policy).body, env.top())
                return env.cache[key]
        if resolution.target == self.vocabulary.roles.each:
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
        return self.binary_of(node, self.eval_t(node.left, env), self.eval_t(node.right, env),
                              env)

    def binary_of(self, node: ast.Binary, left: Any, right: Any, env: Env) -> Any:
        """A binary operation on its operands' values (still tracked where they are)."""
        op = node.op
        missing = unknown_of(left, right)
        if missing is not None:
            left, right = plain(left), plain(right)
            if op in ("+", "-") and isinstance(left, Unknown) and left.pivot_of \
                    and left.offset is None and isinstance(right, Duration | Money | Decimal):
                return Unknown(left.facts, left.pivot_of, (op, right))
            if op in ("=", "!=", "<", "<=", ">", ">="):
                self._note_pivot(left, right)
                self._note_pivot(right, left)
            elif op in ("in", "not in") and isinstance(right, tuple):
                for item in right:  # the values a text is compared against
                    self._note_pivot(left, item)
            elif op in ("in", "not in"):
                # A value looked for in a list not known yet (`repayment in
                # law.prohibited_remedies`): the list's answers must hold it, and not.
                self._note_pivot(right, left)
            elif op == "overlaps":
                for one, other in ((left, right), (right, left)):
                    for item in other if isinstance(other, tuple) else ():
                        self._note_pivot(one, item)
            return missing
        if isinstance(left, Tracked) or isinstance(right, Tracked):
            compute = lambda a, b: self.known(op, a, b, node, env)  # noqa: E731
            if op in ("+", "-", "*", "/"):
                return lift(compute, left, right)
            return observe(self.tracker, compute, left, right)
        return self.known(op, left, right, node, env)

    def known(self, op: str, left: Any, right: Any, node: ast.Binary, env: Env) -> Any:
        """A binary operation on known values."""
        compare = COMPARISONS.get(op)  # the most frequent, first
        if compare is not None:
            a, b = self.comparable(left, right, node)
            return compare(a, b)
        match op:
            case "+" | "-":
                try:
                    return self.exact(node, lambda: self.arith(op, left, right, node), env,
                                      (left, right))
                except EvaluationError as error:
                    if error.diagnostics[0].code == "CP0506":
                        day = node.left if isinstance(left, dt.date) else node.right
                        error.case_facts = self.case_facts(day, env)
                    raise
            case "*":
                operands = (left, right)
                if isinstance(left, Money):
                    return self.exact(node, lambda: Money(left.amount * right, left.unit), env,
                                      operands)
                if isinstance(right, Money):
                    return self.exact(node, lambda: Money(left * right.amount, right.unit), env,
                                      operands)
                return self.exact(node, lambda: left * right, env, operands)
            case "/":
                divisor = right.amount if isinstance(right, Money) else right
                if divisor == 0:
                    raise EvaluationError([Diagnostic(
                        "CP0503", "this divides by zero for this case",
                        "guard the division, e.g. `if x > 0 then y / x else 0`", node.span)])
                if isinstance(left, Money) and isinstance(right, Money):
                    self.same_unit(left, right, node)
                    return quotient(left.amount, right.amount, left, right)
                if isinstance(left, Money):
                    return Money(quotient(left.amount, right, left, right), left.unit)
                return quotient(left, right, left, right)
            case "in" | "not in":
                found = self.contains(right, left, node)
                return found if op == "in" else not found
            case "overlaps":
                return any(self.contains(right, x, node) for x in left)
        raise AssertionError(f"no operation {op}")

    def exact(self, node: ast.Expr, compute, env: Env | None = None, operands: tuple = ()):
        """Sums, differences and products are exact or an error, never rounded in silence
        (only a division rounds, to the 80 significant digits of the context), except where
        an operand was computed from such a quotient (`Rounded`): then the result is rounded
        to the same digits, half to even, and is `Rounded` too. The error names the case
        facts to blame, where they are (`outgrown_by`)."""
        # The trap set on the context in force and put back (a local context is a copy of
        # it: four times the cost, for every sum the policy computes).
        traps = decimal.getcontext().traps
        held = traps[decimal.Inexact]
        traps[decimal.Inexact] = True
        try:
            value = compute()
            if operands and (is_rounded(operands[0]) or is_rounded(operands[-1])):
                return rounded(value)
            return value
        except decimal.Inexact:
            if operands and (is_rounded(operands[0]) or is_rounded(operands[-1])):
                traps[decimal.Inexact] = held
                return rounded(compute())
            error = EvaluationError([Diagnostic(
                "CP0504", "this amount needs more than 80 significant digits for this case",
                "check the policy's arithmetic (repeated products of amounts)",
                node.span)])
        finally:
            traps[decimal.Inexact] = held
        if env is not None:
            error.case_facts = self.outgrown_by(node, env, operands)
        raise error

    def outgrown_by(self, node: ast.Expr, env: Env, operands: tuple) -> tuple[str, ...]:
        """The case facts to blame for the amount at `node` outgrowing the precision: those
        it was computed from, unless the policy is to blame (none): an operand holds every
        digit of the precision (a quotient rounded to them, which no sum or product keeps
        exact, whatever the case), or the policy's own numbers in it have more significant
        digits together than the precision holds (no case's amounts could make it fit)."""
        prec = decimal.getcontext().prec
        for value in operands:
            amount = value.amount if isinstance(value, Money) else value
            if isinstance(amount, Decimal) and len(amount.as_tuple().digits) >= prec:
                return ()
        facts, numbers = self.sources(node, env)
        digits = sum(len(n.normalize().as_tuple().digits) for n in numbers)
        return facts if digits <= prec else ()

    def case_facts(self, node: ast.Expr, env: Env) -> tuple[str, ...]:
        """The case facts the value of `node` was computed from (`sources`)."""
        return self.sources(node, env)[0]

    def sources(self, node: ast.Expr, env: Env) -> tuple[tuple[str, ...], list[Decimal]]:
        """The case facts the value of `node` was computed from, in the order written, and
        the policy's own numbers in it, through the definitions it names (not into a
        quantifier's body, where its variable takes each item in turn)."""
        found: list[str] = []
        numbers: list[Decimal] = []
        stack = [(node, env)]
        while stack:
            expr, where = stack.pop()
            subject = where.memo.get(id(expr.subject)) if isinstance(expr, ast.Field) else None
            if isinstance(expr, ast.Number | ast.MoneyLit):
                numbers.append(expr.value)
            elif isinstance(subject, Rec):
                found.append(join_path(subject.path, expr.name))
            elif isinstance(expr, ast.Name):
                resolution = self.policy.resolutions[id(expr)]
                if resolution.kind == "rule":
                    stack.append((where.named(resolution.target, self.policy).body,
                                  where.top()))
                elif resolution.kind == "root" and \
                        resolution.target != self.vocabulary.roles.each:
                    found.append(resolution.target)
            elif not isinstance(expr, ast.Quantifier | ast.Aggregate):
                stack.extend((child, where) for child in reversed(list(ast.children(expr))))
        return tuple(dict.fromkeys(found)), numbers

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
            except OutsideCalendar:
                raise EvaluationError([Diagnostic(
                    "CP0506", f"{day.isoformat()} {op} {duration} falls outside the calendar",
                    "dates run from year 1 to year 9999", node.span if node else None,
                    None if node else "policy")]) from None
        if isinstance(left, Money) or isinstance(right, Money):
            a, b = self.comparable(left, right, node)
            unit = left.unit if isinstance(left, Money) else right.unit
            value = Money(a + sign * b, unit)
        else:
            value = left + sign * right
        # A sum of `sum(...)` keeps the mark of a rounded quotient it adds.
        return rounded(value) if is_rounded(left) or is_rounded(right) else value

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
        if node.function in spans.SPANS:
            return self.eval_t(self.expand(node), env)
        return self.call_of(node, [self.eval_t(a, env) for a in node.args], env)

    def call_of(self, node: ast.Call, args: list[Any], env: Env) -> Any:
        """A function (not a span function: those read as their expansion) on its
        arguments' values, still tracked where they are."""
        args = functions.needed(node.function, args)
        missing = unknown_of(*args)
        if missing is not None:
            return missing
        if any(isinstance(a, Tracked) for a in args):
            if node.function in ("min", "max"):  # where the pick changes hands
                observe(self.tracker, lambda *xs: self._picked(node, list(xs), env), *args)
            return lift(lambda *xs: self.call_known(node, list(xs), env), *args)
        return self.call_known(node, args, env)

    def expand(self, node: ast.Call) -> ast.Expr:
        found = self.expanded.get(id(node))
        if found is None:
            found = self.expanded[id(node)] = spans.expansion(node)
        return found

    def _picked(self, node: ast.Call, args: list[Any], env: Env) -> int:
        """Which argument `min` or `max` picks (the first of equal ones)."""
        chosen = self.call_known(node, args, env)
        value = chosen.amount if isinstance(chosen, Money) else chosen
        return next(i for i, a in enumerate(args)
                    if (a.amount if isinstance(a, Money) else a) == value)

    def call_known(self, node: ast.Call, args: list[Any], env: Env) -> Any:
        if node.function in functions.FUNCTIONS:
            try:
                return functions.call(node.function, args)
            except OutsideCalendar as outside:
                error = EvaluationError([Diagnostic(
                    "CP0506", f"{outside} falls outside the calendar",
                    "dates run from year 1 to year 9999", node.span)])
                error.case_facts = self.case_facts(node.args[0], env)
                raise error from None
            except ValueError:
                raise EvaluationError([Diagnostic(
                    "CP0505", f"`{args[-1]}` is not a month and day of the year",
                    'expected a fiscal year end as "MM-DD", e.g. "12-31"', node.span)]) from None
        pick = min if node.function == "min" else max
        money = next((a for a in args if isinstance(a, Money)), None)
        if money is None:
            return pick(args)
        amounts = [self.comparable(a, money, node)[0] for a in args]
        return Money(pick(amounts), money.unit)

    def quantifier(self, node: ast.Quantifier, env: Env) -> Any:
        return self.quantifier_of(node, self.eval(node.collection, env), env,
                                  lambda inner: self.eval(node.body, inner))

    def quantifier_of(self, node: ast.Quantifier, items: Any, env: Env, body) -> Any:
        """`any` or `all` over the items, `body` evaluating the body where the variable is
        bound to one of them."""
        if isinstance(items, Unknown):
            return items
        decisive = node.kind == "any"
        pending = []
        for item in items:
            v = body(env.bind(node.var, item))
            if v is decisive:
                return decisive
            if isinstance(v, Unknown):
                pending.append(v)
        return unknown_of(*pending) or (not decisive)

    def aggregate(self, node: ast.Aggregate, env: Env) -> Any:
        return self.aggregate_of(node, self.eval(node.collection, env), env,
                                 lambda inner: self.eval(node.where, inner),
                                 lambda inner: self.eval_t(node.value, inner))

    def aggregate_of(self, node: ast.Aggregate, items: Any, env: Env, where, value_of) -> Any:
        """`sum` or `count` over the items, kept by `where` (if the node has one); `value_of`
        gives an item's value still tracked where it is."""
        if isinstance(items, Unknown):
            return items
        total: Any = Decimal(0)
        pending = []
        for item in items:
            inner = env.bind(node.var, item)
            if node.where is not None:
                keep = where(inner)
                if isinstance(keep, Unknown):
                    pending.append(keep)
                    continue
                if not keep:
                    continue
            # The values stay tracked (tracking.py), so that a threshold an answer reaches
            # through a sum is found as one through `min` or `max` is.
            value = Decimal(1) if node.kind == "count" else value_of(inner)
            if isinstance(value, Unknown):
                pending.append(value)
                continue
            total = lift(lambda a, b: self.arith("+", a, b, node), total, value)
        return unknown_of(*pending) or total

