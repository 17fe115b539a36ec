"""The policy's expressions compiled, once per checked policy, into Python closures: the fast
path beside the tree walk of expressions.py, which stays the executable reference.

Each node becomes one closure `f(evaluator, env)` that calls its children's closures
directly: no dispatch on the node's kind, no lookup of the checker's resolutions, no
memoising of each node's value. The meaning of each kind, once its operands are evaluated,
is the reference's own (`Evaluator.binary_of`, `call_of`, `field_of`, `quantifier_of`, ...,
and the functions at the end of expressions.py), so the two cannot drift apart; the
differential tests (tests/test_compiled.py) hold every determination to be byte-identical.

A node kind the compiler does not know compiles to a closure that hands the node to the
reference (`Evaluator._eval`), whose children come back here: a construct added to the
language keeps working, only slower, until it is compiled too.

Two tables are kept: one whose closures also record each node's value in `env.memo` (for
a determination with reasons: `explain.py` reads the values from there), and one without
(for the runs that answer an open question, which write no reasons). A leaf is never
memoised, in either: a constant (folded at compile time, a set of constants too), a name (a
local, a fact read once per evaluator, a named rule with its own cache per award) and a
field of a record (read once per evaluator) cost less to evaluate again than to look up.

The common cases are specialised where the closure is made, each falling back to the
reference's meaning for anything else: a field of a record reads it without the checks for
an unknown or absent record; a comparison of two known values of one type (amounts of one
unit) compares them; `and`/`or` of two known truth values needs no merge of unknowns. Where
an operand is tracked (the exactness search), a comparison, a date moved and `min`/`max` of
dates hand the tracker these cases too: its bisection asks them at each answer it tries."""

from __future__ import annotations

import os
import weakref
from typing import Any, Callable

import datetime as dt
from decimal import Decimal

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core.values import Duration, Money, OutsideCalendar, Unknown, add_duration, \
    unknown_of
from clawpolicy.evaluate import operands as x
from clawpolicy.evaluate import spans
from clawpolicy.evaluate.env import Rec
from clawpolicy.evaluate.tracking import Tracked, lift, observe, plain
from clawpolicy.syntax import ast

Closure = Callable[[Any, Any], Any]

# CLAWPOLICY_EVALUATOR=reference turns the compiled path off (the tree walk alone): for the
# differential tests and for a suspected defect.
ENABLED = os.environ.get("CLAWPOLICY_EVALUATOR", "compiled") != "reference"


class Compiled:
    """The closures of one checked policy's expressions, made on first use."""

    def __init__(self, policy: CheckedPolicy, memo: bool):
        self._policy, self.memo = weakref.ref(policy), memo  # the table lives as long as it
        # id(node) -> its closure, looked up by Evaluator.eval_t as well; `_nodes` keeps
        # each node alive, so that its id stays its own.
        self.closures: dict[int, Closure] = {}
        self._nodes: list[ast.Expr] = []
        # The reasons' words of these nodes (wording.py), made on the first reason written.
        self.words: Any = None

    @property
    def policy(self) -> CheckedPolicy:
        policy = self._policy()
        assert policy is not None, "the compiled table outlived its policy"
        return policy

    def of(self, node: ast.Expr) -> Closure:
        found = self.closures.get(id(node))
        if found is None:
            self._nodes.append(node)
            found = self.closures[id(node)] = self._compile(node)
        return found

    # ------------------------------------------------------------ compiling
    def _compile(self, node: ast.Expr) -> Closure:
        make = _MAKERS.get(type(node))
        fn = make(self, node) if make is not None else _reference(node)
        if not self.memo or isinstance(node, _LEAVES) or hasattr(fn, "constant"):
            return fn
        key = id(node)

        def memoised(ev: Any, env: Any) -> Any:
            memo = env.memo
            if key in memo:
                return memo[key]
            value = memo[key] = fn(ev, env)
            return value
        return memoised

    def is_each(self, node: ast.Expr) -> bool:
        """Whether the node names the item decided (the award), as `_name` reads it."""
        if type(node) is not ast.Name:
            return False
        resolution = self.policy.resolutions[id(node)]
        return resolution.kind not in ("local", "enum", "constant", "rule") and \
            resolution.target == self.policy.vocabulary.roles.each

    def _name(self, node: ast.Name) -> Closure:
        resolution = self.policy.resolutions[id(node)]
        kind, target = resolution.kind, resolution.target
        if kind == "local":
            return lambda ev, env: env.locals[target]
        if kind == "enum":
            return _constant(target)
        if kind == "constant":
            return _constant(self.policy.constant(target))
        if kind == "rule":
            # The rule's closure under each rule set (a revision may replace it), the rule
            # set kept alive beside it so that its id stays its own.
            bodies: dict[int, tuple[Any, Closure]] = {}

            def rule(ev: Any, env: Any) -> Any:
                cache = env.cache
                if target in cache:
                    return cache[target]
                found = bodies.get(id(env.rules))
                if found is None:
                    found = bodies[id(env.rules)] = \
                        (env.rules, self.of(env.named(target, ev.policy).body))
                value = cache[target] = found[1](ev, env.top())
                return value
            return rule
        if target == self.policy.vocabulary.roles.each:
            return lambda ev, env: env.award
        return lambda ev, env: ev.read(ev.root, target)


def _reference(node: ast.Expr) -> Closure:
    """A kind the compiler does not know: the tree walk evaluates it (its children compiled)."""
    return lambda ev, env: ev._eval(node, env)


def _constant(value: Any) -> Closure:
    def constant(ev: Any, env: Any) -> Any:
        return value
    constant.constant = value  # type: ignore[attr-defined]  # for folding (_set)
    return constant


def _field(c: Compiled, node: ast.Field) -> Closure:
    subject, name = c.of(node.subject), node.name
    if c.is_each(node.subject):  # `award.x`: the award's record, without its closure's call
        def field_of_each(ev: Any, env: Any) -> Any:
            record = env.award
            if type(record) is Rec:
                return ev.read(record, name)
            return ev.field_of(node, plain(record))
        return field_of_each
    if type(node.subject) is ast.Name and \
            c.policy.resolutions[id(node.subject)].kind == "local":
        var = c.policy.resolutions[id(node.subject)].target

        def field_of_local(ev: Any, env: Any) -> Any:  # `g.x`: the item, as `_name` finds it
            record = env.locals[var]
            if type(record) is Rec:
                return ev.read(record, name)
            return ev.field_of(node, plain(record))
        return field_of_local

    def field(ev: Any, env: Any) -> Any:
        record = subject(ev, env)
        if type(record) is Rec:  # neither unknown nor absent: the checks are for those
            return ev.read(record, name)
        return ev.field_of(node, plain(record))
    return field


def _set(c: Compiled, node: ast.SetLit) -> Closure:
    items = [c.of(i) for i in node.items]
    if all(hasattr(i, "constant") for i in items):  # folded: the same value every time
        return _constant(x.set_of(tuple(plain(i.constant) for i in items)))  # type: ignore
    return lambda ev, env: x.set_of(tuple(plain(i(ev, env)) for i in items))


def _unary(c: Compiled, node: ast.Unary) -> Closure:
    operand = c.of(node.operand)
    if node.op == "not":
        return lambda ev, env: x.not_of(plain(operand(ev, env)))
    if node.op == "-":
        return lambda ev, env: x.negative_of(operand(ev, env))
    return _reference(node)


def _logical(c: Compiled, node: ast.Logical) -> Closure:
    left, right = c.of(node.left), c.of(node.right)
    decisive = node.op == "or"  # the value that settles it alone

    def logical(ev: Any, env: Any) -> Any:
        a = left(ev, env)
        if type(a) is Tracked:
            a = a.value
        if a is decisive:
            return decisive
        b = right(ev, env)
        if type(b) is Tracked:
            b = b.value
        if b is decisive:
            return decisive
        if type(a) is bool and type(b) is bool:  # both the other truth value
            return a
        return unknown_of(a, b) or (not decisive)
    return logical


# The types whose two known values of one type a comparison compares as they are (the
# reference's `known` with `comparable`: amounts compare in one unit).
_AS_THEY_ARE = frozenset({Decimal, dt.date, str, bool, int})


def _binary(c: Compiled, node: ast.Binary) -> Closure:
    left, right = c.of(node.left), c.of(node.right)
    compare = x.COMPARISONS.get(node.op)
    if node.op in ("in", "not in"):
        return _membership(node, left, right)
    if node.op in ("+", "-"):
        return _sum(node, left, right)
    if node.op == "overlaps":
        return _overlaps(node, left, right)
    if compare is None:
        return lambda ev, env: ev.binary_of(node, left(ev, env), right(ev, env), env)

    def compared(ev: Any, env: Any, a: Any, b: Any) -> Any:
        """The reference's `known` of this comparison, its common cases first."""
        kind = type(a)
        if kind is type(b):
            if kind is Money:
                if a.unit == b.unit:
                    return compare(a.amount, b.amount)
            elif kind in _AS_THEY_ARE:
                return compare(a, b)
        return ev.known(node.op, a, b, node, env)

    def comparison(ev: Any, env: Any) -> Any:
        a, b = left(ev, env), right(ev, env)
        kind, other = type(a), type(b)
        if kind is other:
            if kind is Money:
                if a.unit == b.unit:
                    return compare(a.amount, b.amount)
            elif kind in _AS_THEY_ARE:
                return compare(a, b)
        if (kind is Tracked or other is Tracked) and kind is not Unknown and \
                other is not Unknown:
            # The reference's `binary_of` of tracked values, none unknown: the tracker's
            # bisection asks the comparison at each answer it tries.
            return observe(ev.tracker, lambda p, q: compared(ev, env, p, q), a, b)
        return ev.binary_of(node, a, b, env)  # unknown, mixed or in two units
    return comparison


def _membership(node: ast.Binary, left: Closure, right: Closure) -> Closure:
    """A text in a set (or not): a text equals no amount, so no item needs its unit."""
    inside = node.op == "in"

    def membership(ev: Any, env: Any) -> Any:
        a, b = left(ev, env), right(ev, env)
        if type(a) is str and type(b) is tuple:
            return (a in b) is inside
        return ev.binary_of(node, a, b, env)
    return membership


def _sum(node: ast.Binary, left: Closure, right: Closure) -> Closure:
    """Amounts of one unit added or taken away, exactly, and a date moved by a duration
    within the calendar (the reference's `arith`)."""
    sign = 1 if node.op == "+" else -1

    def summed(ev: Any, env: Any, a: Any, b: Any) -> Any:
        """The reference's `known` of this sum, a date moved within the calendar first."""
        if type(a) is dt.date and type(b) is Duration:
            try:
                return add_duration(a, b, sign)
            except OutsideCalendar:
                pass  # the reference's error, which names the case facts to blame
        return ev.known(node.op, a, b, node, env)

    def sum_(ev: Any, env: Any) -> Any:
        a, b = left(ev, env), right(ev, env)
        kind, other = type(a), type(b)
        if kind is Money and other is Money and a.unit == b.unit:
            return ev.exact(node, lambda: Money(a.amount + sign * b.amount, a.unit), env, (a, b))
        if kind is dt.date and other is Duration:
            return summed(ev, env, a, b)  # (none unknown: the reference's `known`)
        if kind is Tracked and other is not Unknown:  # a tracked date moved, mostly
            # The reference's `binary_of` of a tracked value, none unknown: the sum at each
            # answer the tracker tries.
            return lift(lambda p, q: summed(ev, env, p, q), a, b)
        return ev.binary_of(node, a, b, env)
    return sum_


def _overlaps(node: ast.Binary, left: Closure, right: Closure) -> Closure:
    """Two sets with an item in common (or not), neither holding an amount: their items
    compare as they are (the reference's `contains`)."""

    def overlaps(ev: Any, env: Any) -> Any:
        a, b = left(ev, env), right(ev, env)
        if type(a) is tuple and type(b) is tuple and \
                not any(type(i) is Money for i in a) and not any(type(i) is Money for i in b):
            return any(i in b for i in a)
        return ev.binary_of(node, a, b, env)
    return overlaps


def _test(c: Compiled, node: ast.Test) -> Closure:
    subject, test = c.of(node.subject), node.test
    return lambda ev, env: x.test_of(test, plain(subject(ev, env)))


def _if(c: Compiled, node: ast.If) -> Closure:
    condition, then, otherwise = c.of(node.condition), c.of(node.then), c.of(node.otherwise)

    def if_(ev: Any, env: Any) -> Any:
        v = condition(ev, env)
        if type(v) is Tracked:  # plain(), inlined
            v = v.value
        if not isinstance(v, Unknown):
            return (then if v else otherwise)(ev, env)
        return x.if_unknown(v, plain(then(ev, env)), plain(otherwise(ev, env)))
    return if_


def _call(c: Compiled, node: ast.Call) -> Closure:
    if node.function in spans.SPANS:  # the comparisons it stands for, expanded once
        return c.of(spans.expansion(node))
    args = [c.of(a) for a in node.args]
    if node.function in ("min", "max"):
        return _extreme(node, args)
    return lambda ev, env: ev.call_of(node, [a(ev, env) for a in args], env)


def _extreme(node: ast.Call, args: list[Closure]) -> Closure:
    """`min` or `max` of amounts of one unit, plain numbers among them standing for amounts
    in it (`max(excess, 0)`): the amount picked, in that unit; of dates, the date picked
    (the reference's `call_known`)."""
    pick = min if node.function == "min" else max

    def extreme(ev: Any, env: Any) -> Any:
        values = [a(ev, env) for a in args]
        if type(values[0]) is dt.date and _dates(values):
            return pick(values)
        found = x.one_unit(values)  # else unknown, tracked, rounded, a date ...
        if found is not None:
            return Money(pick(found[0]), found[1])
        if any(type(v) is Tracked for v in values) and unknown_of(*values) is None:
            return _tracked_extreme(ev, env, node, pick, values)
        return ev.call_of(node, values, env)
    return extreme


def _tracked_extreme(ev: Any, env: Any, node: ast.Call, pick: Any, values: list[Any]) -> Any:
    """The reference's `call_of` of `min` or `max` on tracked amounts (where the pick changes
    hands noted, the value still tracked), its two functions of the answers taking amounts
    of one unit as `_extreme` does: the tracker's bisection asks them at each answer it
    tries. Anything else goes to the reference's `_picked` and `call_known`."""
    def picked(*xs: Any) -> int:  # which argument is picked (the first of equal ones)
        if _dates(xs):  # as `_picked` finds it: the first equal to the date picked
            return xs.index(pick(xs))
        found = x.one_unit(xs)
        if found is None:
            return ev._picked(node, list(xs), env)
        return found[0].index(pick(found[0]))

    def known(*xs: Any) -> Any:
        if _dates(xs):  # as `call_known` picks them
            return pick(xs)
        found = x.one_unit(xs)
        if found is None:
            return ev.call_known(node, list(xs), env)
        return Money(pick(found[0]), found[1])
    observe(ev.tracker, picked, *values)
    return lift(known, *values)


def _dates(values: tuple) -> bool:
    """Whether every value is a date (`min` or `max` of tracked dates, the most frequent)."""
    for v in values:
        if type(v) is not dt.date:
            return False
    return True


def _quantifier(c: Compiled, node: ast.Quantifier) -> Closure:
    collection, body = c.of(node.collection), c.of(node.body)

    def quantifier(ev: Any, env: Any) -> Any:
        def each(inner: Any) -> Any:  # the body for one item; plain(), inlined
            value = body(ev, inner)
            return value.value if type(value) is Tracked else value
        return ev.quantifier_of(node, plain(collection(ev, env)), env, each)
    return quantifier


def _aggregate(c: Compiled, node: ast.Aggregate) -> Closure:
    collection = c.of(node.collection)
    where = c.of(node.where) if node.where is not None else None
    value = c.of(node.value) if node.kind != "count" else None

    def aggregate(ev: Any, env: Any) -> Any:  # the values still tracked, as the reference's
        return ev.aggregate_of(
            node, plain(collection(ev, env)), env,
            (lambda inner: plain(where(ev, inner))) if where is not None else None,
            (lambda inner: value(ev, inner)) if value is not None else None)
    return aggregate


# Never memoised (see the module's docstring); nor is a constant.
_LEAVES = (ast.Name, ast.Field)

_MAKERS: dict[type, Callable[[Compiled, Any], Closure]] = {
    ast.Number: lambda c, n: _constant(n.value),
    ast.MoneyLit: lambda c, n: _constant(Money(n.value, n.unit)),
    ast.DurationLit: lambda c, n: _constant(Duration(n.amount, n.unit)),
    ast.DateLit: lambda c, n: _constant(n.value),
    ast.Text: lambda c, n: _constant(n.value),
    ast.Bool: lambda c, n: _constant(n.value),
    ast.Name: lambda c, n: c._name(n),
    ast.Field: _field,
    ast.SetLit: _set,
    ast.Unary: _unary,
    ast.Logical: _logical,
    ast.Binary: _binary,
    ast.Test: _test,
    ast.If: _if,
    ast.Call: _call,
    ast.Quantifier: _quantifier,
    ast.Aggregate: _aggregate,
}

# The compiled tables of each checked policy, with and without the memo (a policy is
# compiled once, in each process that evaluates it).
_TABLES: "weakref.WeakKeyDictionary[CheckedPolicy, dict[bool, Compiled]]" = \
    weakref.WeakKeyDictionary()


def compiled(policy: CheckedPolicy, memo: bool) -> Compiled | None:
    """The policy's compiled expressions, or None where the compiled path is off."""
    if not ENABLED:
        return None
    tables = _TABLES.setdefault(policy, {})
    table = tables.get(memo)
    if table is None:
        table = tables[memo] = Compiled(policy, memo)
    return table
