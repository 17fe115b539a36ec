"""Case files as pydantic models: exactly the fields of the contract, unknown keys rejected,
dates and decimals parsed, `None` meaning "not known yet".

The static checker reads these models to learn which facts a policy may name and their types
(`check/schema.py`), so a field added here is at once a fact the language knows."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel, BeforeValidator, ConfigDict, WithJsonSchema, field_validator, model_validator)

# Bounds on what a case may hold; past them the case is refused with a clear message.
MAX_DIGITS = 30          # significant digits of any amount
MAX_AWARDS = 10_000
MAX_STATEMENTS = 1_000


class MoneyMarker:
    """Marks a Decimal field as an amount in the unit of the record that holds it."""


MONEY = MoneyMarker()
_DECIMAL = re.compile(r"^[+-]?(\d[\d_]*)(\.\d+)?$")
_AMOUNT = "expected an amount as a decimal number or string, e.g. 150000.00"


def parse_number(value: Any) -> Decimal:
    """A decimal written exactly: a number or a string, never a binary float."""
    # bool is an int in Python; a float has already lost the exact amount.
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(_AMOUNT)
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        value = format(value, "f") if value.is_finite() else "nan"
    if not isinstance(value, str) or not _DECIMAL.match(value.strip()):
        raise ValueError(_AMOUNT)
    try:
        result = Decimal(value.strip().replace("_", ""))
    except InvalidOperation:
        raise ValueError(_AMOUNT) from None
    if len(result.as_tuple().digits) > MAX_DIGITS:
        raise ValueError(f"expected an amount of at most {MAX_DIGITS} significant digits")
    return result


def parse_amount(value: Any) -> Decimal:
    """An amount of money or shares: a number that is never negative."""
    result = parse_number(value)
    if result < 0:
        raise ValueError("expected an amount of zero or more")
    return result


def parse_date(value: Any) -> dt.date:
    # A datetime is a date in Python; a timestamp is not a date in a case file.
    if type(value) is dt.date:
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("expected a date as YYYY-MM-DD, e.g. 2024-06-30")


def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


def parse_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("expected a text")


_DECIMAL_SCHEMA = {
    "anyOf": [{"type": "integer", "minimum": 0},
              {"type": "string", "pattern": r"^\+?\d[\d_]*(\.\d+)?$"}],
    "description": "an exact decimal amount (a decimal string keeps cents exact); never a "
                   "binary float or exponent notation"}
Money = Annotated[Decimal, BeforeValidator(parse_amount), MONEY, WithJsonSchema(_DECIMAL_SCHEMA)]
Date = Annotated[dt.date, BeforeValidator(parse_date)]
Boolean = Annotated[bool, BeforeValidator(parse_boolean)]
Text = Annotated[str, BeforeValidator(parse_text)]

AwardKind = Literal["cash_incentive", "performance_equity", "time_based_equity",
                    "discretionary_bonus", "other"]
Basis = Literal["financial_results", "operating_results", "stock_price", "tsr", "service",
                "discretionary"]
Unit = Literal["USD", "shares"]
Misconduct = Literal["fraud", "intentional_misconduct", "gross_negligence", "none"]
Causation = Literal["caused", "partially", "not_caused"]
Impracticable = Literal["cost_exceeds_recovery", "home_country_law", "tax_qualified_plan"]
RemedyName = Literal["repayment", "cancellation"]
RestatementKind = Literal["big_r", "little_r"]


class CaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _AllUnknownWhenNull(CaseModel):
    """A record whose absence means every one of its facts is unknown."""

    @model_validator(mode="before")
    @classmethod
    def _null_is_unknown(cls, data: Any) -> Any:
        return {} if data is None else data


class Company(_AllUnknownWhenNull):
    name: Text | None = None
    fiscal_year_end: Text | None = None

    @field_validator("fiscal_year_end")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            dt.date.fromisoformat(f"2000-{value}")  # a leap year admits 02-29
        except ValueError:
            raise ValueError('expected a month and day as "MM-DD", e.g. "12-31"') from None
        if not re.fullmatch(r"\d\d-\d\d", value):
            raise ValueError('expected a month and day as "MM-DD", e.g. "12-31"')
        return value


class Participant(_AllUnknownWhenNull):
    id: Text | None = None
    name: Text | None = None
    section16_officer: Boolean | None = None
    executive_officer: Boolean | None = None
    executive_officer_since: Date | None = None
    positions: list[Text] | None = None
    work_location: Text | None = None


class Statement(CaseModel):
    id: Text
    period_end: Date | None = None
    original_filing_date: Date | None = None
    first_public_issuance: Date | None = None
    restated: Boolean | None = None


class Restatement(CaseModel):
    material: Boolean | None = None
    kind: RestatementKind | None = None
    required_date: Date | None = None
    due_to_misconduct: Boolean | None = None


class Period(CaseModel):
    start: Date | None = None
    end: Date | None = None


class Award(CaseModel):
    id: Text
    kind: AwardKind | None = None
    basis: list[Basis] | None = None
    granted: Date | None = None
    received: Date | None = None
    performance_period: Period | None = None
    calculated_on: list[Text] | None = None
    unit: Unit = "USD"
    amount_awarded: Money | None = None
    amount_paid: Money | None = None
    amount_as_restated: Money | None = None
    as_restated_is_estimate: Boolean | None = None

    @model_validator(mode="after")
    def _paid_within_awarded(self) -> "Award":
        if (self.amount_paid is not None and self.amount_awarded is not None
                and self.amount_paid > self.amount_awarded):
            raise ValueError("expected amount_paid to be at most amount_awarded, which counts "
                             "paid and unpaid together")
        return self


class Findings(_AllUnknownWhenNull):
    misconduct: Misconduct | None = None
    caused_restatement: Causation | None = None
    should_repay: Boolean | None = None
    impracticable: Impracticable | None = None
    recovery_cost: Money | None = None


class Law(_AllUnknownWhenNull):
    recovery_prohibited: Boolean | None = None
    prohibited_remedies: list[RemedyName] | None = None


class StockSale(CaseModel):
    date: Date | None = None
    proceeds: Money | None = None
    profit: Money | None = None


Outcome = Literal["recovery", "no_recovery", "pending", "not_covered"]


class AwardExpectation(CaseModel):
    outcome: Outcome | None = None
    recoverable: Annotated[Decimal, BeforeValidator(parse_amount),
                           WithJsonSchema(_DECIMAL_SCHEMA)] | None = None


class AmountExpectation(CaseModel):
    amount: Annotated[Decimal, BeforeValidator(parse_amount), WithJsonSchema(_DECIMAL_SCHEMA)]
    unit: Unit = "USD"


class Expectation(CaseModel):
    """What `clawpolicy test` checks a case's determination against. Each part is optional;
    what is given must match exactly."""

    policy: Text | None = None  # the policy file, relative to the case file
    outcome: Outcome | None = None
    total_recoverable: AmountExpectation | list[AmountExpectation] | None = None
    awards: dict[str, AwardExpectation] | None = None
    open_questions: list[Text] | None = None  # the facts asked, in order
    revisions_applied: list[Text] | None = None


class Case(CaseModel):
    case_id: Text
    title: Text | None = None
    as_of: Date
    company: Company = Company()
    participant: Participant = Participant()
    statements: list[Statement] = []
    restatement: Restatement | None = None
    awards: list[Award] = []
    findings: Findings = Findings()
    law: Law = Law()
    stock_sales: list[StockSale] | None = None
    facts: dict[str, Any] = {}
    # Not a fact: what `clawpolicy test` expects of the determination (docs/cases.md).
    expect: Expectation | None = None

    @field_validator("statements", "awards", mode="before")
    @classmethod
    def _listed_is_all(cls, value: Any) -> Any:
        # What is listed is what there is: an absent list is an empty one.
        return [] if value is None else value

    @field_validator("company", "participant", "findings", "law", mode="before")
    @classmethod
    def _record_null_is_unknown(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("awards")
    @classmethod
    def _few_enough_awards(cls, value: list[Award]) -> list[Award]:
        if len(value) > MAX_AWARDS:
            raise ValueError(f"a case holds at most {MAX_AWARDS} awards")
        return value

    @field_validator("statements")
    @classmethod
    def _few_enough_statements(cls, value: list[Statement]) -> list[Statement]:
        if len(value) > MAX_STATEMENTS:
            raise ValueError(f"a case holds at most {MAX_STATEMENTS} statements")
        return value


def cross_reference_errors(case: Case) -> list[tuple[str, str, str]]:
    """Errors no single field shows: (field path, message, help)."""
    errors = []
    for kind, items in (("statement", case.statements), ("award", case.awards)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                errors.append((f"{kind}s[{i}].id", f"the {kind} id `{item.id}` is used twice",
                               f"give each {kind} its own id"))
            seen.add(item.id)
    statement_ids = [s.id for s in case.statements]
    for i, award in enumerate(case.awards):
        for j, ref in enumerate(award.calculated_on or ()):
            if ref not in statement_ids:
                listed = ", ".join(statement_ids) or "none are listed"
                errors.append((f"awards[{i}].calculated_on[{j}]",
                               f"no statement has the id `{ref}`",
                               f"expected the id of a statement under `statements:` ({listed})"))
    return errors
