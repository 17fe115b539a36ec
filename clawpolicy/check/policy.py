"""What the checker proves and hands on: a `CheckedPolicy`, with the resolution of every name
and the type of every expression kept in side tables keyed by node identity (the AST stays the
drafter's words), and the few names the language itself gives a meaning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from clawpolicy.core import types as t
from clawpolicy.syntax.load import LoadedPolicy
from clawpolicy.syntax import ast
from clawpolicy.vocabulary import Vocabulary

# Kinds of rule that encode policy text and so must cite it.
CITED_KINDS = ("scope", "condition", "recoverable", "remedy", "note", "excuse", "provision", "recital",
               "other")
# Header dates a policy may name.
CONSTANTS = {"effective_date": "effective", "adoption_date": "adopted_on"}
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


@dataclass(frozen=True)
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

