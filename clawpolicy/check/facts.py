"""The facts a policy may name: the case vocabulary's fact types (`clawpolicy.vocabulary`),
with `facts` typed by the policy's own declarations: the case's `facts` by those declared for
the whole case, and each decided item's `facts` (`award.facts`) by those declared `per` item."""

from __future__ import annotations

from clawpolicy.core import types as t
from clawpolicy.syntax import ast
from clawpolicy.vocabulary import Vocabulary

FACTS = "facts"  # the language's namespace of a policy's own facts


def by_level(decls: tuple[ast.FactDecl, ...]) -> tuple[tuple[ast.FactDecl, ...],
                                                      tuple[ast.FactDecl, ...]]:
    """A policy's fact declarations: those for the whole case, and those per item decided."""
    return (tuple(d for d in decls if d.per is None),
            tuple(d for d in decls if d.per is not None))


def case_record(vocabulary: Vocabulary, fact_decls: tuple[ast.FactDecl, ...] = ()) -> t.Record:
    """The case as a record, with `facts` typed by the policy's own declarations, and the
    decided items' `facts` by those declared per item: a money fact of an item is in the
    item's own unit."""
    base = vocabulary.case_type
    fields = dict(base.fields)
    whole, per = by_level(fact_decls)
    fields[FACTS] = _facts(whole, None)
    decided = vocabulary.roles.decided
    item = fields[decided].type
    assert isinstance(item, t.ListOf)
    unit = next((f.money_unit_from for f in item.element.fields.values()
                 if f.money_unit_from is not None), None)
    element = t.Record(item.element.name, {
        **item.element.fields, FACTS: _facts(per, unit)})
    fields[decided] = t.FieldType(t.ListOf(element), fields[decided].nullable,
                                  fields[decided].absent_means_none)
    return t.Record("case", fields)


def _facts(decls: tuple[ast.FactDecl, ...], unit: str | None) -> t.FieldType:
    declared = {
        d.name: t.FieldType(t.Enum(f"{FACTS}.{d.name}", d.values) if d.type == "enum"
                            else t.Prim(d.type),
                            money_unit_from=unit if d.type == "money" else None)
        for d in decls
    }
    return t.FieldType(t.Record(FACTS, declared), nullable=False)
