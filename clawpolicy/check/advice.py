"""Help lines that teach: the idiom to write instead of what the checker refused."""

from __future__ import annotations

from clawpolicy.check.policy import OPENING_WORDS
from clawpolicy.syntax import ast


def date_minus_date(node: ast.Binary) -> str:
    """`a - b` of two dates: the language has no length of time between two dates; a period
    is tested by moving one date by a duration and comparing (docs/language.md, section 12)."""
    later, earlier = (" ".join(n.span.text.split()) if n.span is not None else "x"
                      for n in (node.left, node.right))
    return "dates cannot be subtracted; to test a period, move one date by a duration and " \
           f"compare, e.g. `{earlier} >= {later} - 12 months` (within the 12 months before " \
           f"{later})"


def rename(decl: ast.Rule | ast.Revision, constants, functions, each: str, named) -> str:
    """What a reserved name already means, and a free name to use instead (`each` is the
    policy's name for the item being decided, `award`)."""
    name = decl.name
    if name in constants:
        meaning = f"`{name}` is the header's {name.replace('_', ' ')}"
    elif name in functions:
        meaning = f"`{name}` is a function"
    elif name in OPENING_WORDS:
        meaning = f"`{name}` opens an expression of the language (`{name}(...)`), so no " \
                  "expression could read a rule of that name"
    elif name == each:
        meaning = f"`{each}` is the {each} being decided"
    else:
        meaning = f"`{name}` is a field of the case (`{name}:` in a case file)"
    kind = "revision" if isinstance(decl, ast.Revision) else decl.kind
    taken = {d.name for d in named}
    alternative, n = f"{name}_{kind}", 2
    while alternative in taken:
        alternative, n = f"{name}_{kind}_{n}", n + 1
    return f"{meaning}; choose another name for this {kind}, such as `{alternative}`"
