"""The facts a policy may name: the case vocabulary's fact types (`clawpolicy.vocabulary`),
with `facts` typed by the policy's own declarations."""

from __future__ import annotations

from clawpolicy.core import types as t
from clawpolicy.syntax import ast
from clawpolicy.vocabulary import Vocabulary


def case_record(vocabulary: Vocabulary, fact_decls: tuple[ast.FactDecl, ...] = ()) -> t.Record:
    """The case as a record, with `facts` typed by the policy's own declarations."""
    base = vocabulary.case_type
    declared = {
        d.name: t.FieldType(t.Enum(f"facts.{d.name}", d.values) if d.type == "enum"
                            else t.Prim(d.type))
        for d in fact_decls
    }
    fields = dict(base.fields)
    fields["facts"] = t.FieldType(t.Record("facts", declared), nullable=False)
    return t.Record("case", fields)
