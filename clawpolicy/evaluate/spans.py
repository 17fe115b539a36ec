"""`at_the_time_of` and `at_any_time_during`: whether a span of time someone held a role (or
served) meets a date or a date range. Each reads as the comparisons it stands for, so that
three-valued logic, open questions and the answers tried for them work as for any comparison:

    at_the_time_of(D, FROM, TO)           FROM <= D and (TO is unknown or D <= TO)
    at_any_time_during(S, E, FROM, TO)    FROM <= E and (TO is unknown or S <= TO)

An end not recorded (`TO` unknown) is open: the span runs on to this day."""

from __future__ import annotations

from clawpolicy.syntax import ast

SPANS = ("at_the_time_of", "at_any_time_during")


def expansion(node: ast.Call) -> ast.Expr:
    """The comparisons a span function stands for, built from its own argument nodes."""
    *when, start, end = node.args
    first, last = when[0], when[-1]
    span = node.span
    return ast.Logical("and", ast.Binary("<=", start, last, span),
                       ast.Logical("or", ast.Test(end, "unknown", span),
                                   ast.Binary("<=", first, end, span), span), span)
