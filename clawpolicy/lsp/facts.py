"""The case facts a policy may read, as the editor shows them: a fact's type and the question a
determination asks when the fact is not known, both as the case vocabulary declares them
(clawpolicy/vocabulary/case.toml).

Facts are named by their generic path: `restatement.material`, `awards[].amount_paid` (a
field of each award, also read as `award.amount_paid`), `statements[].restated`,
`facts.board_approved` (a fact the policy declares)."""

from __future__ import annotations

from clawpolicy import vocabulary as vocabularies
from clawpolicy.check.facts import FACTS, case_record
from clawpolicy.core import types as t
from clawpolicy.syntax import ast


def _vocabulary() -> vocabularies.Vocabulary:
    return vocabularies.load()


def each_word() -> str:
    """What a policy calls the item being decided: `award`."""
    return _vocabulary().roles.each


def each_path() -> str:
    """The generic path of the item being decided: `awards[]`."""
    return _vocabulary().roles.decided + "[]"


def case_type(fact_decls: tuple[ast.FactDecl, ...]) -> t.Record:
    return case_record(_vocabulary(), fact_decls)


def element_path(collection: str, case: t.Record) -> str:
    """The path of the items of a list: a derived list (an award's statements) holds items
    of another list of the case (the case's statements)."""
    field = field_of(collection, case)
    if field is not None and field.link is not None:
        return field.link.target + "[]"
    return collection + "[]"


def field_of(path: str, case: t.Record) -> t.FieldType | None:
    """The declared field a generic path names, or None if the case has no such fact."""
    current: t.Type = case
    found: t.FieldType | None = None
    for part in path.split("."):
        listed = part.endswith("[]")
        if not isinstance(current, t.Record) or part.removesuffix("[]") not in current.fields:
            return None
        found = current.fields[part.removesuffix("[]")]
        current = found.type
        if listed:
            if not isinstance(current, t.ListOf):
                return None
            current = current.element
            found = t.FieldType(current, nullable=False)
    return found


def describe_type(field: t.FieldType) -> str:
    """`money, may be unknown`: the type, and what a null in the case means for it."""
    words = str(field.type)
    if field.absent_means_none:
        return f"{words}, may be absent (there is none)"
    if field.nullable:
        return f"{words}, may be unknown"
    return words


def question(path: str, fact_decls: tuple[ast.FactDecl, ...]) -> str:
    """The question a determination asks when the fact at `path` is not known, as declared,
    with the ids of the items it belongs to left as placeholders (`{award}`)."""
    holder, _, name = path.rpartition(".")
    if holder.rpartition(".")[2] == FACTS:  # the policy's own: `facts.X`, `awards[].facts.X`
        per = holder != FACTS
        asked = next((d.question for d in fact_decls
                      if d.name == name and (d.per is not None) == per), None)
        return asked or f"What is {path}?"
    declarations = _vocabulary().declarations
    fields, found = declarations.fields, None
    for name in path.replace("[]", "").split("."):
        found = next((f for f in fields if f.name == name), None)
        if found is None:
            break
        if found.record is not None:
            fields = declarations.records[found.record].fields
    return found.question if found is not None and found.question else f"What is {path}?"
