"""A list of records left unknown as a whole (`participant.roles: null`), answered by items:
the list of one item whose every field is unknown, or with one field given (`[{"role":
"chief_executive_officer"}]`), and which field of such an item an answer asks by words."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from clawpolicy.core import types as t
from clawpolicy.evaluate.env import Rec

if TYPE_CHECKING:
    from clawpolicy.vocabulary import Vocabulary


def one_item(fact: str, record: t.Record, vocabulary: "Vocabulary") -> tuple:
    """The list `fact` answered with one item of which every field is unknown (an answer
    that gives one of them gives it by its path, `participant.roles[0].role`)."""
    return (Rec(f"{fact}[0]", _blank(record), record, vocabulary.key_of(record)),)


_BLANKS: dict[tuple[str, tuple[str, ...]], Any] = {}


def _blank(record: t.Record) -> Any:
    """An item of `record` recording nothing: one per record type and its fields (two
    vocabularies may declare a record of one name with other fields), so that two answers
    giving it are the same answer."""
    key = (record.name, tuple(record.fields))
    found = _BLANKS.get(key)
    if found is None:
        found = _BLANKS[key] = type(f"Blank_{record.name}", (), dict.fromkeys(
            record.fields))()
    return found


def worded(fact: str, record: t.Record, open_facts: list[str]) -> tuple[str, list[Any]] | None:
    """The first of `open_facts` that is a field of the one item of `fact` answered by words
    (one of a fixed list, or a boolean), with its words in their order; None where there is
    none."""
    for open_fact in open_facts:
        field = re.fullmatch(rf"{re.escape(fact)}\[0\]\.(\w+)", open_fact)
        found = record.fields.get(field[1]) if field else None
        if found is not None and isinstance(found.type, t.Enum):
            return field[1], list(found.type.values)
        if found is not None and found.type == t.BOOLEAN:
            return field[1], [True, False]
    return None
