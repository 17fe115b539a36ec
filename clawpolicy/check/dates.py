"""Date arithmetic that can leave the calendar (years 1 to 9999), found without a case.

A date the policy fixes (a date literal, `effective_date`, `adoption_date`) moved out of the
calendar is known to fail; a date of the case moved by more than MAX_YEARS years in all can,
and no policy counts a period that long. `lint` warns (CP1009) where a chain of moves first
goes too far."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from clawpolicy.core import types as t
from clawpolicy.core.diagnostics import Diagnostic
from clawpolicy.core.values import Duration, add_duration
from clawpolicy.syntax import ast

if TYPE_CHECKING:
    from clawpolicy.check.policy import CheckedPolicy

# A duration longer than this is taken for a mistake: it can carry a date of the case out of
# the calendar, and no policy counts a period that long.
MAX_YEARS = 100


def calendar_hazards(policy: CheckedPolicy) -> list[Diagnostic]:
    """Dates moved by so long a duration that the result can leave the calendar: reported
    where a chain of moves first goes too far."""
    found = []
    for expr in _expressions(policy):
        stack = [expr]
        while stack:
            node = stack.pop()
            stack.extend(ast.children(node))
            moved = _moved(policy, node)
            if moved is None or _too_far(moved) is None:
                continue
            inner = _moved(policy, node.left) or _moved(policy, node.right)
            if inner is not None and _too_far(inner) is not None:
                continue
            text = " ".join(node.span.text.split())
            if _too_far(moved) == "outside":
                found.append(Diagnostic(
                    "CP1009", f"`{text}` falls outside the calendar",
                    "dates run from year 1 to year 9999: check the duration",
                    node.span, severity="warning"))
            else:
                found.append(Diagnostic(
                    "CP1009", f"`{text}` can leave the calendar: it moves a date by more than "
                    f"{MAX_YEARS} years", "dates run from year 1 to year 9999, and no policy "
                    "counts a period that long: check the duration (months or days, perhaps)",
                    node.span, severity="warning"))
    return found


def _too_far(moved: tuple) -> str | None:
    """"outside" when a date the policy fixes is moved out of the calendar, "far" when a
    date of the case is moved by more than MAX_YEARS years, else None."""
    day, durations = moved
    if day is not None:
        try:
            for op, duration in durations:
                day = add_duration(day, duration, 1 if op == "+" else -1)
        except (OverflowError, ValueError):
            return "outside"
        return None
    return "far" if sum(_years(d) for _, d in durations) > MAX_YEARS else None


def _excuse_test(rule: ast.Rule) -> ast.Expr | None:
    return rule.when if isinstance(rule, ast.Excuse) else None


def _expressions(policy: CheckedPolicy):
    rules = list(policy.rules) + [c.rule for r in policy.revisions for c in r.changes
                                  if c.rule is not None]
    for rule in rules:
        yield from (e for e in (rule.body, getattr(rule, "unless", None),
                                      _excuse_test(rule)) if e is not None)
        each = getattr(rule, "each", None)  # an `other` rule's list and tests
        if each is not None:
            yield from (e for e in (each.when, each.collection, each.where) if e is not None)
    for revision in policy.revisions:
        yield from (e for e in (revision.applies_to, revision.reaches) if e is not None)


def _moved(policy: CheckedPolicy, node: ast.Expr) -> tuple | None:
    """For `date ± duration ± ...`: (the date, if the policy fixes it, else None; the
    durations with their signs). None for any other expression."""
    if not (isinstance(node, ast.Binary) and node.op in ("+", "-")
            and policy.types.get(id(node)) == t.DATE):
        return None
    left_is_date = policy.types.get(id(node.left)) == t.DATE
    day_side, other = (node.left, node.right) if left_is_date else (node.right, node.left)
    duration = _duration(policy, other)
    if duration is None:
        return None
    inner = _moved(policy, day_side)
    if inner is not None:
        return inner[0], inner[1] + [(node.op, duration)]
    return _fixed_date(policy, day_side), [(node.op, duration)]


def _duration(policy: CheckedPolicy, node: ast.Expr, seen: frozenset = frozenset()):
    """The longest duration an expression can stand for, if the policy fixes it."""
    match node:
        case ast.DurationLit(amount=n, unit=unit):
            return Duration(n, unit)
        case ast.If(then=a, otherwise=b):
            found = [d for d in (_duration(policy, a, seen), _duration(policy, b, seen)) if d]
            return max(found, key=_years, default=None)
        case ast.Name():
            resolution = policy.resolutions.get(id(node))
            if resolution is not None and resolution.kind == "rule" \
                    and resolution.target not in seen:
                return _duration(policy, policy.rule(resolution.target).body,
                                 seen | {resolution.target})
    return None


def _fixed_date(policy: CheckedPolicy, node: ast.Expr) -> dt.date | None:
    if isinstance(node, ast.DateLit):
        return node.value
    resolution = policy.resolutions.get(id(node)) if isinstance(node, ast.Name) else None
    if resolution is not None and resolution.kind == "constant":
        return policy.constant(resolution.target)
    return None


def _years(duration: Duration) -> Fraction:
    per_year = {"years": 1, "months": 12, "days": Fraction(1461, 4)}[duration.unit]
    return Fraction(duration.amount) / per_year
