"""What the checker proves and hands on: a `CheckedPolicy`, with the resolution of every name
and the type of every expression kept in side tables keyed by node identity (the AST stays the
drafter's words), and the few names the language itself gives a meaning."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass, field, fields, is_dataclass

from clawpolicy.core import types as t
from clawpolicy.core.deferred import deferred
from clawpolicy.syntax.load import LoadedPolicy
from clawpolicy.syntax import ast
from clawpolicy.vocabulary import Vocabulary

# Kinds of rule that encode policy text and so must cite it.
CITED_KINDS = ("scope", "condition", "recoverable", "remedy", "note", "excuse", "provision", "recital",
               "other")
# Header dates a policy may name.
CONSTANTS = {"effective_date": "effective", "adoption_date": "adopted_on"}
# Words that open an expression (`any(x in xs satisfies ...)`, `sum(...)`): a rule named by
# one could be declared but never read, since an expression reads the word as the language's.
OPENING_WORDS = ("any", "every", "sum", "count")
# min and max take any number of values of one kind; the others have a fixed signature.
FUNCTIONS = ("min", "max", "fiscal_year_end_before", "at_the_time_of", "at_any_time_during",
             "fiscal_period_end_before", "fiscal_years_start_before", "at_price")
DATES = t.SetOf(t.DATE)
SIGNATURES = {"fiscal_year_end_before": ((t.DATE, t.TEXT), t.DATE),
              # over a fiscal calendar with its changes (core/fiscal.py): the periods' ends
              # and the month and day of a year end where none are listed
              "fiscal_period_end_before": ((t.DATE, DATES, t.TEXT), t.DATE),
              "fiscal_years_start_before": ((t.DATE, t.NUMBER, t.DURATION, DATES, t.TEXT),
                                            t.DATE),
              # so many units (shares) at a price each: an amount in the price's unit
              "at_price": ((t.MONEY, t.MONEY), t.MONEY),
              # whether a span held (FROM, TO; TO not recorded: open) meets a date or a range
              "at_the_time_of": ((t.DATE, t.DATE, t.DATE), t.BOOLEAN),
              "at_any_time_during": ((t.DATE, t.DATE, t.DATE, t.DATE), t.BOOLEAN)}
# What each function of SIGNATURES is written with, for the help of a wrong call.
USAGE = {"fiscal_year_end_before": 'a date, a month and day such as "12-31"',
         "at_the_time_of": "a date, the date a span began, the date it ended",
         "at_any_time_during": "the first and last dates of a range, the date a span began, "
                               "the date it ended",
         "fiscal_period_end_before": 'a date, the fiscal periods\' ends, a month and day such '
                                     'as "12-31"',
         "fiscal_years_start_before": 'a date, how many years, the least a period lasts to '
                                      'count as a year, the fiscal periods\' ends, a month and '
                                      'day such as "12-31"'}
USAGE["at_price"] = "an amount (of shares, say), the price of one unit of it"
# The functions whose argument at this index is a count of years, written as a whole number.
COUNTS = {"fiscal_years_start_before": 1}
MAX_NESTING = 64


@deferred(frozen=True)
class Resolution:
    """What a bare name means: a case fact root, an enumeration value, a quantifier's
    variable, a definition (or the recoverable amount), or a header date."""

    kind: str  # "root" | "enum" | "local" | "rule" | "constant"
    target: str


@dataclass(eq=False)  # one policy is one object: identity, so stages may key caches on it
class CheckedPolicy:
    loaded: LoadedPolicy
    header: ast.Header
    fact_decls: tuple[ast.FactDecl, ...]
    rules: tuple[ast.Rule, ...]          # in source order, every kind
    revisions: tuple[ast.Revision, ...]
    resolutions: dict[int, Resolution] = field(repr=False)
    types: dict[int, t.Type] = field(repr=False)
    case_type: t.Record = field(repr=False)  # the case's facts, with the policy's own `facts`
    vocabulary: Vocabulary = field(repr=False)  # the case vocabulary it was checked against

    # The side tables keyed by the identity of a syntax node: pickled as (node, value) pairs.
    BY_NODE = ("resolutions", "types")

    def __reduce__(self):
        # A pickle keeps which objects are one, not their identities: each table keyed by
        # a node's id is sent as (node, value) pairs and keyed again by the new nodes. What
        # is sent is the checked policy alone (AST, tables, vocabulary): the compiled forms
        # and caches every stage keeps beside it are built again where it is unpickled.
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        nodes = _nodes([v for name, v in state.items() if name not in self.BY_NODE])
        for name in self.BY_NODE:
            table = state[name]
            missing = [key for key in table if key not in nodes]
            if missing:
                raise pickle.PicklingError(f"the checked policy's `{name}` has {len(missing)} "
                                           "entries for nodes that are not in the policy")
            state[name] = tuple((nodes[key], value) for key, value in table.items())
        return _restore, (state,)

    def of_kind(self, kind: str) -> list[ast.Rule]:
        return [r for r in self.rules if r.kind == kind]

    def rule(self, name: str) -> ast.Rule:
        return self._by_name[name]

    def __post_init__(self) -> None:
        self._by_name = {r.name: r for r in self.rules}

    def __repr__(self) -> str:
        return f"CheckedPolicy({self.header.name!r}, sha256={self.loaded.sha256[:12]})"

    def _repr_pretty_(self, printer, cycle) -> None:  # how pretty-printers show it
        printer.text(repr(self))

    @property
    def recoverable(self) -> ast.Rule:
        return self.of_kind("recoverable")[0]

    def constant(self, name: str) -> dt.date:
        return getattr(self.header, CONSTANTS[name])


def _restore(state: dict) -> CheckedPolicy:
    for name in CheckedPolicy.BY_NODE:
        state[name] = {id(node): value for node, value in state[name]}
    return CheckedPolicy(**state)


def _nodes(roots: list) -> dict[int, object]:
    """Every dataclass instance reachable from `roots` (through dataclass fields, tuples,
    lists and the values of dicts), by identity."""
    found: dict[int, object] = {}
    stack = list(roots)
    while stack:
        value = stack.pop()
        if isinstance(value, (str, int, type(None))) or id(value) in found:
            continue
        if is_dataclass(value) and not isinstance(value, type):
            found[id(value)] = value
            stack.extend(getattr(value, f.name) for f in fields(value))
        elif isinstance(value, (tuple, list)):
            found[id(value)] = value
            stack.extend(value)
        elif isinstance(value, dict):
            found[id(value)] = value
            stack.extend(value.values())
    return found
