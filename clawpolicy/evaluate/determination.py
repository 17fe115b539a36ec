"""The determination: the output contract of `../shared/spec/case-format.md` as pydantic
models. It is data; `render/` turns it into JSON, text or Markdown and decides nothing.

The engine makes its first models of each class without pydantic's validation (`_Out._make`),
from values it holds in the fields' types, and `render/json.py` writes them without
pydantic's serializer, so their schemas are built (`defer_build`) only where a program asks
pydantic for them (`model_dump`, `model_json_schema`, a model made by hand) or a run makes
many (`MAKE`). tests/test_json_writer.py compares the models made both ways."""

# No `from __future__ import annotations`: pydantic reads the fields' types as objects
# instead of evaluating each as a string, a quarter of this module's import (4 ms of 18).
from decimal import Decimal
from typing import Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_serializer
from pydantic_core import PydanticUndefined

from clawpolicy.core.values import Money, quantize
from clawpolicy.evaluate.reasons import write

Outcome = Literal["recovery", "no_recovery", "pending", "not_covered"]
Status = Literal["met", "not_met", "unknown", "not_applicable"]


# How the engine makes the models (`_Out._make`). "auto": a class's first `WARM` models
# without validation, then its schema is built and pydantic's `__init__`, faster a model
# once built, makes the rest (so a cold `check` builds no schema and a batch pays nothing a
# model); so too where a program has built the schema (`model_dump`, a model made by hand).
# "fast": never validated; "validate": always, the reference (tests/test_json_writer.py).
# Set it with `making`.
MAKE = "auto"
WARM = 64
_MADE: dict[type, int] = {}


class _Plan(NamedTuple):
    """A model's fields in their order, with their defaults (None for a required one), the
    required ones, and those that may hold a list (copied, as validation copies them)."""

    template: dict[str, Any]
    required: frozenset[str]
    lists: tuple[str, ...]


_PLANS: dict[type, _Plan] = {}
_new, _set = object.__new__, object.__setattr__


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, defer_build=True)
    # Fields left out of the output where they are None (they are there only when they say
    # something).
    _optional: ClassVar[tuple[str, ...]] = ()
    # Fields that may hold a reason recorded but not yet written (evaluate/reasons.py): it is
    # written when the determination is built, or when the model is first serialized.
    _reasons: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        assert not (cls._optional or cls._reasons) or hasattr(cls, "_drop_absent"), \
            f"{cls.__name__} leaves fields out or writes reasons: it must be a _Shaped"

    @classmethod
    def _make(cls, **fields: Any) -> Any:
        """The model holding `fields` (by their names), made as pydantic's `__init__` makes
        it (the fields in their order, the defaults, which fields were set, lists copied) but
        without validating the values, which the engine makes in the fields' types. A field
        missing or unknown is left to pydantic, which says so."""
        if MAKE != "fast":
            if MAKE == "validate":
                return cls(**fields)
            made = _MADE[cls] = _MADE.get(cls, 0) + 1
            if made > WARM or cls.__pydantic_complete__:
                cls.model_rebuild()
                type.__setattr__(cls, "_make", cls)  # from now on, pydantic's __init__
                return cls(**fields)
        plan = _PLANS.get(cls) or _plan(cls)
        values = plan.template.copy()
        values.update(fields)
        if len(values) != len(plan.template) or not plan.required.issubset(fields):
            return cls(**fields)
        for name in plan.lists:
            value = values[name]
            if type(value) is list or type(value) is tuple:
                values[name] = list(value)
            elif type(value) is dict:
                values[name] = dict(value)
        model = _new(cls)
        _set(model, "__dict__", values)
        _set(model, "__pydantic_fields_set__", set(fields))
        _set(model, "__pydantic_extra__", None)
        _set(model, "__pydantic_private__", None)
        return model


def making(mode: str) -> None:
    """Make the models from now on as `mode` says ("auto", "fast" or "validate"), each
    class counted again from its first model."""
    global MAKE
    MAKE = mode
    _MADE.clear()
    classes = [_Out]
    for cls in classes:
        classes += cls.__subclasses__()
        if "_make" in cls.__dict__ and cls is not _Out:
            type.__delattr__(cls, "_make")


def _plan(cls: type[_Out]) -> _Plan:
    fields = cls.model_fields
    template = {name: None if f.default is PydanticUndefined else f.default
                for name, f in fields.items()}
    required = frozenset(name for name, f in fields.items() if f.default is PydanticUndefined)
    lists = tuple(name for name, f in fields.items()
                  if "list" in str(f.annotation) or "dict" in str(f.annotation))
    _PLANS[cls] = plan = _Plan(template, required, lists)
    return plan


class _Shaped(_Out):
    """A model whose serializer leaves out its `_optional` fields where they are None and
    writes its recorded reasons first: a Python call for every such model serialized, which
    a model without either (an amount: most of a determination's models) does not pay."""

    @model_serializer(mode="wrap")
    def _drop_absent(self, handler):
        data = handler(write(self) if self._reasons else self)
        for key in self._optional:
            if data.get(key) is None:
                data.pop(key, None)
        return data


class Amount(_Out):
    amount: str
    unit: str


class PolicyRef(_Shaped):
    name: str
    sha256: str
    # Which version of the policy: its header's adoption (date, and by whom) and effective
    # date, where it states them (an addition to the contract).
    adopted_on: str | None = None
    adopted_by: str | None = None
    effective: str | None = None
    _optional = ("adopted_on", "adopted_by", "effective")


class Range(_Out):
    """The least and the most an amount can be, however the open facts are answered. `max`
    is null where the amount has no upper bound (it grows with an answer that has none, such
    as an amount the vocabulary bounds by nothing)."""

    min: Amount
    max: Amount | None


class Remedy(_Shaped):
    kind: str
    modality: Literal["shall", "may"]
    # What it reaches in this award; where that moves with an open fact, the most it can
    # reach (then `up_to_range` gives the least and the most across the answers).
    up_to: Amount
    clause: str
    quote: str
    source: str = "policy"  # the base policy's text, or the id of the revision it comes from
    modality_from: str | None = None  # the revision that made it shall or may, if any
    because: str = ""  # how its cap comes from the facts
    _reasons = ("because",)
    # Where how the amount splits between the remedies turns on an open fact: what this one
    # can reach across the answers (the amount recovered stands; the split is asked).
    up_to_range: Range | None = None
    # Where only a regulator can enforce it (the policy's `enforced only by` line).
    enforced_by: str | None = None
    _optional = ("up_to_range", "enforced_by")


class Excused(_Out):
    """What an exception of the policy (an `excuse`) keeps from being recovered: the amount,
    in the award's unit, the exception's name, the clause it cites, the words it quotes and
    where it comes from (the policy, or a revision: an addition to the contract)."""

    amount: str
    unit: str
    exception: str
    clause: str
    quote: str = ""
    source: str = "policy"


class Window(_Shaped):
    """A date a condition's reason compares with bounds, and the bounds it computed (an
    addition to the contract): the window the date must fall in, as the rule reads it. A side
    without a bound is open (null); `counted_from` is the date a bound's period is counted
    from (`filed + 3 years`: the filing date), where one is."""

    fact: str  # what is dated, by its meaning: "bonus-fy2021: received", "as_of"
    date: str
    start: str | None = None
    start_included: bool | None = None
    end: str | None = None
    end_included: bool | None = None
    counted_from: str | None = None
    inside: bool = True  # whether the date falls in the window
    _optional = ("start", "start_included", "end", "end_included", "counted_from")


class Condition(_Shaped):
    id: str
    kind: Literal["scope", "condition"]
    status: Status
    clause: str
    quote: str
    because: str
    source: str = "policy"
    # Where a revision's condition carries a name of its own (`replace condition X as Y`):
    # `id` is its name, and this the id of the condition it replaces.
    replaces: str | None = None
    # The windows of dates its reason states (an addition to the contract), where it
    # compares dates with bounds; left out where it compares none.
    windows: list[Window] | None = None
    _optional = ("replaces", "windows")
    _reasons = ("because",)


class AwardFacts(_Out):
    """What the case records of an award, as a memo's summary, arithmetic and timeline show
    it (read through the vocabulary's `[roles.item_summary]`); null where not recorded."""

    kind: str | None = None
    measures: list[str] | None = None  # the measures it was determined on
    unit: str | None = None
    grant_date: str | None = None
    attainment_date: str | None = None
    receipt_date: str | None = None
    awarded: str | None = None
    as_restated: str | None = None
    paid: str | None = None
    unpaid: str | None = None  # awarded less paid, where both are recorded
    estimate: bool | None = None  # whether the amount as restated is an estimate
    filed: list[str] | None = None   # the filing dates of the statements it was calculated on
    issued: list[str] | None = None  # their first public issuance


class AmountRule(_Shaped):
    """The rule an award's recoverable amount came from, as the memo heads its arithmetic:
    its name, the drafter's `label` for it (if given), its clause, where it comes from, and
    the award's recorded facts (keys of `facts`) that computing it read."""

    name: str
    clause: str
    source: str = "policy"
    reads: list[str] | None = None  # None where the amount is not computed (pending)
    label: str | None = None
    _optional = ("label",)


class OpenRevision(_Out):
    """A revision that may or may not govern a pending award (an addition to the contract):
    its id, and the facts (paths in the case file) whether it reaches the award turns on."""

    id: str
    turns_on: list[str]


class AwardResult(_Shaped):
    id: str
    outcome: Outcome
    revisions: list[str]  # the revisions that govern this award, in the policy's order
    # Where the award is pending on which revisions govern it: those whose reach of it is
    # not known, in the policy's order, each with the facts it turns on.
    revisions_open: list[OpenRevision] | None = None
    recoverable: Amount | None
    recoverable_compensation: Amount | None
    recoverable_from: str  # "policy", or the revision whose amount rule was used
    remedies: list[Remedy]
    conditions: list[Condition]
    notes: list[str]
    # A pending award's amount, from the least to the most any answer to its open facts
    # gives (where every answer gives an amount in one unit).
    recoverable_range: Range | None = None
    # What an exception of the policy excuses from the recoverable amount (Item 402(w)
    # discloses reliance on it, and the amount).
    excused: Excused | None = None
    # What the case records as recovered already, and what is left: recoverable - recovered.
    recovered: Amount | None = None
    outstanding: Amount | None = None
    facts: AwardFacts = AwardFacts._make()
    # Where `recoverable_compensation` was computed: the rule it came from and what it read.
    recoverable_rule: AmountRule | None = None
    _optional = ("revisions_open", "recoverable_range", "excused", "recovered", "outstanding",
                 "recoverable_rule")
    _reasons = ("notes",)
    # Which of `notes` decided the amount, where one did (an exception that excuses all of
    # it, an amount of nothing, remedies that reach none of it): the engine's own record, for
    # the memo's line of an award without recovery; not part of the output. Kept in the
    # model's private values without a declared private attribute, so that a model made
    # without validation (`_make`, which sets none) and one made by pydantic are alike.

    def decided_by(self) -> str | None:
        """The note that decided the amount, in words, where the engine recorded one."""
        note = (self.__pydantic_private__ or {}).get("_decided_by")
        return None if note is None else str(note)

    def deciding(self, note: Any) -> None:
        """Record `note` (one of `notes`) as the note that decided the amount."""
        object.__setattr__(self, "__pydantic_private__",
                           {**(self.__pydantic_private__ or {}), "_decided_by": note})


class Split(_Shaped):
    """What one remedy of an award reaches under an answer, where only the split between the
    remedies turns on the question (the amount recovered stands): `up_to`, or `up_to_range`
    where it moves with the answer."""

    award: str
    remedy: str
    up_to: Amount | None = None
    up_to_range: Range | None = None
    _optional = ("up_to", "up_to_range")


class Answer(_Shaped):
    if_: Any = Field(alias="if")
    outcome: Outcome
    recoverable: Amount | list[Amount] | None = None
    # True where the answer is a range and the amount moves with the answer within it.
    recoverable_depends_on_answer: bool | None = None
    # And the least and the most it then is, where it is recovered in one unit.
    recoverable_range: Range | None = None
    # Where the answer leaves the result pending: the other open facts it then turns on.
    pending_on: list[str] | None = None
    # The outcome the answer gives an award that is pending now, where it is not the case's.
    awards: dict[str, Outcome] | None = None
    # Where only the split between the remedies turns on the question: what each remedy
    # reaches under this answer (an addition to the contract).
    split: list[Split] | None = None
    _optional = ("recoverable", "recoverable_depends_on_answer", "recoverable_range",
                 "pending_on", "awards", "split")


class OpenQuestion(_Out):
    fact: str
    question: str
    answers: list[Answer]


class Note(_Out):
    award: str | None
    rule: str
    clause: str
    text: str
    # The base policy's text, the id of the revision it comes from, or `case`: a note on the
    # case itself (a constraint of the vocabulary it breaks; `rule` and `clause` empty).
    source: str = "policy"


class OtherRecoverable(_Shaped):
    source: str  # where the amount stands in the case file, e.g. stock_sales[0]
    amount: Amount
    rule: str
    revision: str  # "policy", or the revision whose rule it is
    # Why the item counts: its date and the window it falls in, as the rule's `where` reads.
    because: str = ""
    # The clause the `other` rule encodes (an addition to the contract).
    clause: str = ""
    _reasons = ("because",)


class Standing(_Out):
    """A fact of the subject that states its standing (a statutory flag, a role's level), as
    the vocabulary's `[roles.summary] standing` names it, with what the case records."""

    fact: str  # its path in the subject's record: `executive_officer`, `roles.level`
    label: str  # how a reader names it: `Section 16 officer`, `level`
    value: bool | list[str]


class Participant(_Shaped):
    """Who the case is about, as the memo's header names them: what the case records (null
    where it records nothing), read through the vocabulary's `[roles.summary]`."""

    id: str | None = None
    name: str | None = None
    roles: list[str] | None = None
    titles: list[str] | None = None
    # Only where the vocabulary declares `standing` and the case records one of its facts.
    standing: list[Standing] | None = None
    _optional = ("standing",)
    # Which item of the subject's list each value shown at a path through one came from (the
    # memo marks an item an assumption supplied, not others of the same value): the engine's
    # record, not part of the output, kept in the model's private values as
    # `AwardResult.deciding` keeps its note.

    def items_at(self, path: str) -> list[int] | None:
        """The index in the case's list of each value read at `path` (`roles.level`: of the
        role each level shown is of), where the engine recorded them."""
        return (self.__pydantic_private__ or {}).get("_items", {}).get(path)

    def record_items(self, items: dict[str, list[int]]) -> None:
        object.__setattr__(self, "__pydantic_private__",
                           {**(self.__pydantic_private__ or {}), "_items": items})


class RevisionApplied(_Shaped):
    id: str
    because: str
    _reasons = ("because",)


class Assumption(_Out):
    """A fact taken as given for a what-if (`check --assume FACT=VALUE`): its path in the
    case (an item of a list by its index) and the value, as a case file would hold it."""

    fact: str
    value: Any


class Seal(_Out):
    """What the determination was made from, so that it can be made again and compared
    byte for byte (`clawpolicy verify`): a reproducibility check, not a signature."""

    policy_sha256: str       # the policy with all its includes (as `policy.sha256`)
    case_sha256: str         # the case as read, over a canonical form (docs/cases.md)
    engine_version: str      # clawpolicy's version
    vocabulary_version: int  # the case format version of the vocabulary


class Determination(_Shaped):
    """The reasoned determination of a policy for one case: the object of the contract
    (docs/cases.md), frozen. `clawpolicy.to_json` renders it as `check --format json` does."""

    case_id: str
    title: str | None
    as_of: str
    policy: PolicyRef
    outcome: Outcome
    revisions_applied: list[RevisionApplied]
    total_recoverable: Amount | list[Amount]
    # What the policy's exceptions excuse, over the awards decided (same shape as
    # total_recoverable); present where an award has an amount excused.
    total_excused: Amount | list[Amount] | None = None
    # What the case records as recovered already, and what is outstanding, over the awards
    # decided; present where the case records recoveries.
    total_recovered: Amount | list[Amount] | None = None
    total_outstanding: Amount | list[Amount] | None = None
    awards: list[AwardResult]
    other_recoverable: list[OtherRecoverable]
    open_questions: list[OpenQuestion]
    notes: list[Note]
    participant: Participant  # an addition to the contract: who the case is about
    # The facts taken as given (`check --assume`), in the order given; [] for none.
    assumptions: list[Assumption] = []
    seal: Seal | None = None
    _optional = ("total_excused", "total_recovered", "total_outstanding", "seal")

    @property
    def totals(self) -> list[Amount]:
        """`total_recoverable` always as a list, one amount per unit. The contract's JSON
        keeps its own rule (one object where the awards use one unit, a list where they use
        several), which this reads for a program that would rather not test for it."""
        total = self.total_recoverable
        return list(total) if isinstance(total, list) else [total]


def amount(money: Money) -> Amount:
    """Money leaves the interpreter here, quantized once (cents for USD)."""
    return Amount._make(amount=format(quantize(money.amount, money.unit), "f"), unit=money.unit)


def sum_field(amounts: list[Amount | Excused | None]) -> Amount | list[Amount] | None:
    """The sum of some awards' amounts, one per unit in the order the units first appear
    (the shape of total_recoverable); None where no award has one."""
    by_unit: dict[str, Decimal] = {}
    for a in amounts:
        if a is not None:
            by_unit[a.unit] = by_unit.get(a.unit, Decimal(0)) + Decimal(a.amount)
    return total_field([Money(v, u) for u, v in by_unit.items()]) if by_unit else None


def total_field(moneys: list[Money]) -> Amount | list[Amount]:
    """One object for one unit; a list, one per unit, where there are several."""
    amounts = [amount(m) for m in moneys]
    return amounts[0] if len(amounts) == 1 else amounts
