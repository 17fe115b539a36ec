"""The core of every case file, whatever its vocabulary: the value parsers (dates and
decimals parsed exactly, never a binary float), the value types the case models are built
from, the base of every case model (unknown keys rejected, frozen), and the `expect:` block.

The records and fields of a case are not here: they are declared in the vocabulary
(`clawpolicy/vocabulary/case.toml`), and `clawpolicy.vocabulary` builds the models from them."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema, create_model

# Past this bound an amount is refused with a clear message.
MAX_DIGITS = 30          # digits of any amount, before and after the point together
# ASCII digits only: Python's Decimal would also read Arabic-Indic or full-width ones.
_DECIMAL = re.compile(r"[+-]?([0-9][0-9_]*)(\.[0-9]+)?", re.ASCII)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = "expected an amount as a decimal number or string, e.g. 150000.00"


def validator(function):
    """`function`, its signature kept on it (`__signature__`, which `inspect.signature`
    returns as it is). pydantic reads a validator's signature (whether it takes `info`) each
    time a field uses it, 15-20 us: the case models' 100-odd fields read these validators'
    89 times of 115 as they are built (1.1-1.5 ms of a cold `check`)."""
    function.__signature__ = inspect.signature(function)
    return function


def _refuse_float(value: Any) -> None:
    """A binary float (a pandas column of amounts, say) has already lost the exact amount:
    refused in words that say so, and how to pass the amount instead."""
    if isinstance(value, float) and value != value:
        raise ValueError("NaN (a missing value, as pandas and NumPy write it) is not an "
                         "amount; pass None where the amount is not known")
    if isinstance(value, float):
        raise ValueError(f"{value!r} is a binary float, which cannot hold an amount "
                         f"exactly; pass the amount as a Decimal or a string instead, e.g. "
                         f"Decimal(\"{value!r}\")")


@validator
def parse_number(value: Any) -> Decimal:
    """A decimal written exactly: a number or a string, never a binary float."""
    if type(value) is str and "_" not in value and _DECIMAL.fullmatch(value):
        # The most frequent: a string of digits and a point, nothing to strip or take out
        # (`_general_number` reads it the same way).
        result = Decimal(value)
    else:
        result = _general_number(value)
    if written_digits(result) > MAX_DIGITS:
        raise ValueError(f"expected an amount of at most {MAX_DIGITS} digits, before and "
                         "after the point together")
    return result


def _general_number(value: Any) -> Decimal:
    _refuse_float(value)
    # bool is an int in Python; a float has already lost the exact amount.
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(_AMOUNT)
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        value = format(value, "f") if value.is_finite() else "nan"
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value.strip()):
        raise ValueError(_AMOUNT)
    try:
        return Decimal(value.strip().replace("_", ""))
    except InvalidOperation:
        raise ValueError(_AMOUNT) from None


def written_digits(value: Decimal) -> int:
    """The digits it takes to write `value` from its first significant digit or its point,
    whichever comes first: 150000.00 takes 8, 0.001 takes 3. Within MAX_DIGITS, sums and
    differences of a case's amounts stay far inside the 80 digits arithmetic carries, so
    a case's amounts can never make it round."""
    _, digits, exponent = value.as_tuple()
    exponent = int(exponent)
    return max(len(digits), -exponent) if exponent < 0 else len(digits) + exponent


@validator
def parse_amount(value: Any) -> Decimal:
    """An amount of money or shares: a number that is never negative."""
    result = parse_number(value)
    if result < 0:
        raise ValueError("expected an amount of zero or more")
    return result


@validator
def parse_date(value: Any) -> dt.date:
    if type(value) is str and _ISO_DAY.fullmatch(value):
        # The most frequent: a day as a case file writes it, nothing around it to strip
        # (the general path below reads it the same way).
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    # A datetime is a date in Python; a timestamp is not a date in a case file.
    if type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):  # a pandas Timestamp too
        raise ValueError(f"{value.isoformat(' ')} is a date and time, an instant; a case's "
                         "dates are days: pass its `.date()`")
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("expected a date as YYYY-MM-DD, e.g. 2024-06-30")


@validator
def parse_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


@validator
def parse_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("expected a text")


# The schema's patterns say what the parsers above accept, in both directions (a test holds
# them to each other): ASCII digits only (a pattern's \d is any script's), and the
# whitespace that str.strip() takes off either end (every character for which str.isspace()
# is true: a test holds the list to it), each written as an escape.
_SPACE = ("[" + "".join(f"\\u{c:04x}" for c in (
    *range(0x09, 0x0e), *range(0x1c, 0x21), 0x85, 0xa0, 0x1680, *range(0x2000, 0x200b),
    0x2028, 0x2029, 0x202f, 0x205f, 0x3000)) + "]*")
# A month and day of any year (02-29 included), as the `month-day` format takes it.
MONTH_DAY_PATTERN = (r"^((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
                     r"|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|[12][0-9]))$")
_UNSIGNED = r"\+?[0-9][0-9_]*(\.[0-9]+)?|-0[0_]*(\.0+)?"  # minus zero is not below zero
_SIGNED = r"[+-]?[0-9][0-9_]*(\.[0-9]+)?"
# A day of the calendar, years 1 to 9999, as dt.date.fromisoformat takes it.
_LEAP = r"([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)-02-29"
_DAY = (r"(?!0000)[0-9]{4}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
        r"|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))")
DATE_SCHEMA = {"type": "string", "pattern": f"^{_SPACE}({_DAY}|{_LEAP}){_SPACE}$",
               "description": "a date as YYYY-MM-DD, a day of the calendar"}
# A JSON number with a fraction (150000.50) is read exactly (as a Decimal), so the schema
# accepts it as the reader does; an exponent (1.5e5) is refused by the reader, but is a
# number like any other once parsed, so the schema cannot tell it (its description says so).
_DECIMAL_SCHEMA = {
    "anyOf": [{"type": "number", "minimum": 0},
              {"type": "string", "pattern": f"^{_SPACE}({_UNSIGNED}){_SPACE}$"}],
    "description": "an exact decimal amount: a number written without an exponent, or a "
                   "decimal string (which keeps cents exact in any tool); never a binary "
                   "float or exponent notation"}
_SIGNED_SCHEMA = {
    "anyOf": [{"type": "number"},
              {"type": "string", "pattern": f"^{_SPACE}{_SIGNED}{_SPACE}$"}],
    "description": "an exact decimal number: a number written without an exponent, or a "
                   "decimal string; never a binary float or exponent notation"}
Money = Annotated[Decimal, BeforeValidator(parse_amount), WithJsonSchema(_DECIMAL_SCHEMA)]
Number = Annotated[Decimal, BeforeValidator(parse_number), WithJsonSchema(_SIGNED_SCHEMA)]
Date = Annotated[dt.date, BeforeValidator(parse_date), WithJsonSchema(DATE_SCHEMA)]
Boolean = Annotated[bool, BeforeValidator(parse_boolean)]
Text = Annotated[str, BeforeValidator(parse_text)]

Outcome = Literal["recovery", "no_recovery", "pending", "not_covered"]


class CaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@lru_cache(maxsize=None)
def expectation_model(units: tuple[str, ...], default_unit: str) -> type[CaseModel]:
    """What `clawpolicy test` checks a case's determination against (`expect:`). Its shape is
    the determination's, so it is core; only the units its amounts may be in come from the
    vocabulary. Each part is optional; what is given must match exactly."""
    unit = Literal[units]  # type: ignore[valid-type]
    award = create_model(
        "AwardExpectation", __base__=CaseModel, outcome=(Outcome | None, None),
        recoverable=(Money | None, None), excused=(Money | None, None),
        recovered=(Money | None, None), outstanding=(Money | None, None))
    amount = create_model(
        "AmountExpectation", __base__=CaseModel, amount=(Money, ...),
        unit=(unit, default_unit))
    return create_model(
        "Expectation", __base__=CaseModel,
        __doc__="Not a fact: what `clawpolicy test` checks the determination against.",
        policy=(Text | None, None),  # the policy file, relative to the case file
        outcome=(Outcome | None, None),
        total_recoverable=(amount | list[amount] | None, None),
        total_excused=(amount | list[amount] | None, None),
        total_recovered=(amount | list[amount] | None, None),
        total_outstanding=(amount | list[amount] | None, None),
        awards=(dict[str, award] | None, None),  # by the id of each award of the determination
        open_questions=(list[Text] | None, None),  # the facts asked, in order
        revisions_applied=(list[Text] | None, None))
