"""The facts a policy may name, derived from the case models in `case.py`.

Deriving them keeps one source of truth: a field the case format gains is at once a fact the
language knows, with the same type."""

from __future__ import annotations

import datetime as dt
import types as pytypes
import typing
from decimal import Decimal
from functools import lru_cache

from pydantic import BaseModel

from clawpolicy import case as case_models
from clawpolicy.core import types as t
from clawpolicy.syntax import ast

# Records whose null means "there is none" rather than "not known" (case-format.md).
_ABSENT_MEANS_NONE = {"restatement"}
# Fields of a case file that are not facts a policy may read.
NOT_FACTS = {"expect"}
# The award's derived fact: the statements it was calculated on, found by `calculated_on`.
AWARD_STATEMENTS = "statements"


def _strip_optional(annotation) -> tuple[object, bool]:
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, pytypes.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return annotation, False


def _type_of(annotation, name: str) -> t.Type:
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        if any(isinstance(m, case_models.MoneyMarker) for m in meta):
            return t.MONEY
        return _type_of(base, name)
    if typing.get_origin(annotation) is typing.Literal:
        return t.Enum(name, tuple(typing.get_args(annotation)))
    if typing.get_origin(annotation) is list:
        (element,) = typing.get_args(annotation)
        inner = _type_of(element, name)
        return t.ListOf(inner) if isinstance(inner, t.Record) else t.SetOf(inner)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return record_of(annotation)
    simple = {bool: t.BOOLEAN, dt.date: t.DATE, Decimal: t.NUMBER, str: t.TEXT}
    if annotation in simple:
        return simple[annotation]
    if typing.get_origin(annotation) is dict:
        return t.Record("facts", {})
    raise TypeError(f"no language type for {annotation!r}")


@lru_cache(maxsize=None)
def record_of(model: type[BaseModel]) -> t.Record:
    name = model.__name__.lower()
    fields: dict[str, t.FieldType] = {}
    for field_name, info in model.model_fields.items():
        if field_name in NOT_FACTS:
            continue
        annotation, nullable = _strip_optional(info.annotation)
        if typing.get_origin(annotation) is typing.Annotated:
            inner, optional = _strip_optional(typing.get_args(annotation)[0])
            nullable = nullable or optional
        field_type = _type_of(annotation, f"{name}.{field_name}")
        unit_from = "unit" if field_type == t.MONEY and "unit" in model.model_fields else None
        fields[field_name] = t.FieldType(
            field_type, nullable, field_name in _ABSENT_MEANS_NONE, unit_from)
    if model is case_models.Award:
        fields[AWARD_STATEMENTS] = t.FieldType(t.ListOf(record_of(case_models.Statement)))
    return t.Record(name, fields)


def case_record(fact_decls: tuple[ast.FactDecl, ...] = ()) -> t.Record:
    """The case as a record, with `facts` typed by the policy's own declarations."""
    base = record_of(case_models.Case)
    declared = {
        d.name: t.FieldType(t.Enum(f"facts.{d.name}", d.values) if d.type == "enum"
                            else t.Prim(d.type))
        for d in fact_decls
    }
    fields = dict(base.fields)
    fields["facts"] = t.FieldType(t.Record("facts", declared), nullable=False)
    return t.Record("case", fields)


AWARD = record_of(case_models.Award)
