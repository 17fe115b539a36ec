"""The case facts a policy may read, as the editor shows them: a fact's type and the question a
determination asks when the fact is not known.

Facts are named by their generic path: `restatement.material`, `awards[].amount_paid` (a
field of each award, also read as `award.amount_paid`), `statements[].restated`,
`facts.board_approved` (a fact the policy declares)."""

from __future__ import annotations

from clawpolicy import types as t
from clawpolicy.check import schema
from clawpolicy.questions import question_for
from clawpolicy.syntax import ast

def each_word() -> str:
    """What a policy calls the item being decided: `award`."""
    return "award"


def each_path() -> str:
    """The generic path of the item being decided: `awards[]`."""
    return "awards[]"


def case_type(fact_decls: tuple[ast.FactDecl, ...]) -> t.Record:
    return schema.case_record(fact_decls)


def element_path(collection: str, case: t.Record) -> str:
    """The path of the items of a list: an award's statements are the case's statements."""
    if collection == f"{each_path()}.{schema.AWARD_STATEMENTS}":
        return "statements[]"
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
    """The question a determination asks when the fact at `path` is not known, with the ids
    of the award or statement it belongs to left as `{award}` and `{statement}`.

    The one place the language server reads the questions' wording: re-point it when the
    questions move."""
    concrete = path.replace("[]", "[0]")
    declared = {d.name: d.question for d in fact_decls}
    asked = question_for(concrete, ["{award}"], ["{statement}"], declared)
    return asked.replace(concrete, path)  # "What is stock_sales[].x?" names no item
