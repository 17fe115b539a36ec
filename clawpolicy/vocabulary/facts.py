"""The facts a policy may name, with their types in the language, derived from a vocabulary's
declarations: a field declared is at once a fact the checker knows, with the same type."""

from __future__ import annotations

from clawpolicy.core import types as t
from clawpolicy.vocabulary.declarations import Declarations, FieldDecl

_SCALARS = {"text": t.TEXT, "boolean": t.BOOLEAN, "date": t.DATE, "money": t.MONEY,
            "number": t.NUMBER}
_NULLABLE = ("unknown", "none")


def case_type(d: Declarations) -> t.Record:
    """The case as a record: its core fields, the vocabulary's, and an empty `facts` (the
    checker types `facts` by the policy's own declarations)."""
    records: dict[str, t.Record] = {}
    fields = {"case_id": t.FieldType(t.TEXT, nullable=False), "title": t.FieldType(t.TEXT),
              "as_of": t.FieldType(t.DATE, nullable=False)}
    fields |= {f.name: _field(d, records, "case", f, None) for f in d.fields}
    fields["facts"] = t.FieldType(t.Record("facts", {}), nullable=False)
    return t.Record("case", fields)


def _record(d: Declarations, records: dict[str, t.Record], name: str) -> t.Record:
    if name not in records:
        decl = d.records[name]
        unit = next((f.name for f in decl.fields if f.type == "unit"), None)
        fields = {f.name: _field(d, records, decl.type_name, f, unit) for f in decl.fields}
        for link in decl.links:
            target = _case_field(d, link.target)
            fields[link.name] = t.FieldType(
                t.ListOf(_record(d, records, target.record)),
                link=t.Link(link.via, link.target, d.records[target.record].key))
        records[name] = t.Record(decl.type_name, fields)
    return records[name]


def _field(d: Declarations, records: dict[str, t.Record], holder: str, f: FieldDecl,
           unit: str | None) -> t.FieldType:
    if f.type == "record":
        inner: t.Type = _record(d, records, f.record)
    elif f.type == "enum":
        inner = t.Enum(f"{holder}.{f.name}", f.values)
    elif f.type == "unit":
        inner = t.Enum(f"{holder}.{f.name}", tuple(d.units))
    else:
        inner = _SCALARS[f.type]
    if f.list:
        inner = t.ListOf(inner) if isinstance(inner, t.Record) else t.SetOf(inner)
    return t.FieldType(inner, nullable=f.absent in _NULLABLE and f.type != "unit",
                       absent_means_none=f.absent == "none",
                       money_unit_from=unit if inner == t.MONEY and not f.default_unit
                       else None)


def _case_field(d: Declarations, name: str) -> FieldDecl:
    return next(f for f in d.fields if f.name == name)

