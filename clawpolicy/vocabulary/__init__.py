"""The case vocabulary: the records and fields of a case, declared in one data file
(`case.toml`, shipped with the package; its format is docs/vocabulary.md), and everything
derived from it: the case models, the JSON Schema, the checker's fact types, the wording of
open questions, and the roles the engine reads instead of naming clawback words itself.

`load()` reads the shipped vocabulary; `load(path)` another one. Each is read once per
process, and its models are built on first use."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from clawpolicy.core import types as t
from clawpolicy.core import values
from clawpolicy.vocabulary.declarations import Declarations, FieldDecl, VocabularyError, read

__all__ = ["DEFAULT", "Vocabulary", "VocabularyError", "adopt", "load", "vouched"]

DEFAULT = Path(__file__).with_name("case.toml")
_SEGMENT = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")


class Vocabulary:
    """One vocabulary, read and checked. Its models, schema and fact types are built when
    first asked for, once."""

    def __init__(self, declarations: Declarations):
        self.declarations = declarations
        self.roles = declarations.roles
        self.units = declarations.units
        self.default_unit = declarations.roles.default_unit
        try:
            for unit in self.units.values():
                values.declare_unit(unit.name, unit.places)
        except ValueError as error:
            raise VocabularyError(f"{declarations.source}: units: {error}") from None

    def __repr__(self) -> str:
        return f"Vocabulary({self.declarations.source!r})"

    def __reduce__(self):
        # Pickled as its declarations (its models are classes built here: built again where
        # it is unpickled), and whether it is the shipped one (see `adopt`).
        return adopt, (self.declarations, self.declarations.source == str(DEFAULT))

    @property
    def source(self) -> str:
        return self.declarations.source

    @cached_property
    def models(self):
        """The pydantic models of the case and of each record."""
        from clawpolicy.vocabulary.models import build

        return build(self.declarations)

    @property
    def case_model(self) -> type:
        return self.models.case

    @cached_property
    def case_type(self) -> t.Record:
        """The case as a record of the language, `facts` left empty."""
        from clawpolicy.vocabulary.facts import case_type

        return case_type(self.declarations)

    def cross_reference_errors(self, case: Any) -> list[tuple[str, str, str]]:
        from clawpolicy.vocabulary.models import cross_reference_errors

        return cross_reference_errors(self.declarations, case)

    def broken_constraints(self, case: Any) -> list:
        """The constraints that refuse nothing the case breaks (models.Broken)."""
        from clawpolicy.vocabulary.models import broken_constraints

        return broken_constraints(self.declarations, case)

    def json_schema(self) -> dict:
        from clawpolicy.vocabulary.schema import case_schema

        return case_schema(self)

    # ------------------------------------------------------------ roles
    def item_type(self, case_type: t.Record) -> t.Record:
        """The record of the items decided one by one (what `award` names in a policy)."""
        return case_type.fields[self.roles.decided].type.element

    @cached_property
    def _keys(self) -> dict[str, str | None]:
        return {r.type_name: r.key for r in self.declarations.records.values()}

    def key_of(self, record_type: t.Record) -> str | None:
        """The field that identifies an item of this record among the items of its list."""
        return self._keys.get(record_type.name)

    @cached_property
    def _same_as(self) -> dict[tuple[str, str], str]:
        return {(r.type_name, f.name): f.same_as for r in self.declarations.records.values()
                for f in r.fields if f.same_as is not None}

    def same_as(self, record_type: t.Record, name: str) -> str | None:
        """The field of the record whose value a field left out takes (its `same_as`)."""
        return self._same_as.get((record_type.name, name)) if self._same_as else None

    def following(self) -> dict[str, set[str]]:
        """For each field's name, the fields whose value it takes where left out."""
        found: dict[str, set[str]] = {}
        for (_, name), other in self._same_as.items():
            found.setdefault(name, set()).add(other)
        return found

    @cached_property
    def _words(self) -> dict[tuple[str, str], str]:
        return {(r.type_name, f.name): f.words for r in self.declarations.records.values()
                for f in r.fields}

    def words_of(self, record_type: t.Record, name: str) -> str:
        """How a memo names a fact of a record: its declared `label`, or its name in words."""
        words = self._words.get((record_type.name, name))
        return words if words is not None else name.replace("_", " ")

    @cached_property
    def _value_labels(self) -> dict[str, str]:
        return {word: label for r in (self.declarations, *self.declarations.records.values())
                for f in r.fields for word, label in f.labels}

    def word(self, value: str) -> str:
        """How a reader reads a word of an enumeration: its declared label
        (`section16_officer`: Section 16 officer), or the word with spaces for `_`."""
        return self._value_labels.get(value) or value.replace("_", " ")

    def labels_of(self, name: str) -> set[str]:
        """Every way a memo names a field called `name`, whatever its record."""
        return {words for (_, field), words in self._words.items() if field == name} \
            or {name.replace("_", " ")}

    def unit_of(self, record_type: t.Record, data: Any) -> str:
        """The unit of the amounts of a record: its unit field, or the default unit."""
        found = self._unit_fields.get(id(record_type))
        if found is None or found[0] is not record_type:  # the type kept: its id its own
            found = self._unit_fields[id(record_type)] = (record_type, next(
                (f.money_unit_from for f in record_type.fields.values() if f.money_unit_from),
                None))
        unit = found[1]
        return (getattr(data, unit, None) if unit else None) or self.default_unit

    @cached_property
    def _unit_fields(self) -> dict[int, tuple[t.Record, str | None]]:
        """Each record type's unit field (`unit_of`), found once a type, by the type's id."""
        return {}

    def recoveries(self, case: Any, ident: Any) -> list[Decimal] | None:
        """The amounts the case records as recovered already from the decided item `ident`
        (in its unit: the reader holds them to it); None where the case does not say."""
        if self.roles.recovered is None:
            return None
        listed, amount = self.roles.recovered
        items = getattr(case, listed, None)
        if items is None:
            return None
        naming = self._naming
        return [getattr(i, amount) for i in items if getattr(i, naming) == ident]

    @cached_property
    def _naming(self) -> str:
        """The field of a recovery that names the decided item (`recoveries`)."""
        listed = self.roles.recovered[0]
        record = self.declarations.records[next(
            f.record for f in self.declarations.fields if f.name == listed)]
        return next(f.name for f in record.fields if f.names == self.roles.decided)

    def step(self, unit: str | None) -> Decimal:
        """How far apart the answers an open question tries around an amount are."""
        return self.units[unit or self.default_unit].step

    # ------------------------------------------------------------ questions
    def question(self, fact: str, case: Any) -> str | None:
        """The declared question for a fact path (`awards[0].amount_paid`), its placeholders
        (`{award}`) filled with the key of the item of that record on the path."""
        found, keys = self._walk(fact, case)
        if found is None or found.question is None:
            return None
        return found.question.format_map(keys)

    def keys_on(self, fact: str, case: Any) -> dict[str, str]:
        """The key of each keyed item a fact path runs through, by its record's name
        (`{"award": "bonus-fy2021"}` for `awards[0].facts.x`), as far as the path names fields
        of the vocabulary (a policy's own `facts` are not)."""
        return self._walk(fact, case)[1]

    def _walk(self, fact: str, case: Any) -> tuple[FieldDecl | None, dict[str, str]]:
        fields: tuple[FieldDecl, ...] = self.declarations.fields
        data, found = case, None
        keys: dict[str, str] = defaultdict(str)
        for name, index in _SEGMENT.findall(fact):
            found = next((f for f in fields if f.name == name), None)
            if found is None:
                return None, keys
            data = getattr(data, name, None) if data is not None else None
            if found.record is None:
                continue
            record = self.declarations.records[found.record]
            if index and data is not None:
                data = data[int(index)]
                if record.key:
                    keys[record.name] = getattr(data, record.key)
            fields = record.fields
        return found, keys


# The vocabularies read in this process, by the resolved path of their file.
_LOADED: dict[str, Vocabulary] = {}


def _load(path: str) -> Vocabulary:
    found = _LOADED.get(path)
    if found is None:
        found = _LOADED.setdefault(path, Vocabulary(read(Path(path))))
    return found


def load(path: str | Path | None = None) -> Vocabulary:
    """The vocabulary declared in `path` (the shipped one by default), read once."""
    return _load(str(Path(path).resolve()) if path is not None else str(DEFAULT))


_ADOPTED: dict[Declarations, Vocabulary] = {}


def adopt(declarations: Declarations, shipped: bool = False) -> Vocabulary:
    """The vocabulary of `declarations` read elsewhere (an unpickled policy's), one per
    process: the shipped one of this process where it declares the same, so that the cases
    this process reads with `load()` fit a policy checked elsewhere."""
    if shipped and _SHIPPED_VOUCHED and str(DEFAULT) not in _LOADED \
            and declarations.source == str(DEFAULT):
        # Read from what was kept by this same code from this same file (see `vouched`):
        # the shipped vocabulary itself, with no need to read the file again.
        return _LOADED.setdefault(str(DEFAULT), Vocabulary(declarations))
    if shipped and load().declarations == declarations:
        return load()
    found = _ADOPTED.get(declarations)
    if found is None:
        found = _ADOPTED[declarations] = Vocabulary(declarations)
    return found


_SHIPPED_VOUCHED = False


@contextmanager
def vouched():
    """Within the block, the shipped vocabulary of a policy unpickled before this process
    has read its own is taken as this process's, unread and uncompared: for a caller that
    vouches that what it unpickles was pickled by this same code from this same file, as
    check/cache.py does by the size and time of change of every file of this package and of
    `case.toml` (the key of what it keeps). It saves reading and checking `case.toml`
    again on every start of a command that reads a kept policy."""
    global _SHIPPED_VOUCHED
    before, _SHIPPED_VOUCHED = _SHIPPED_VOUCHED, True
    try:
        yield
    finally:
        _SHIPPED_VOUCHED = before

