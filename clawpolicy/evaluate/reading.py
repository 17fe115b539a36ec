"""The case's facts as an evaluator reads them (a part of `expressions.Evaluator`): each
fact once per evaluator, typed by its declaration, in the record it belongs to, with the
paths it read noted, an answer to a question (`overrides`) in place of the case's value; and,
on the compiled path, once per determiner where no answer moves it (`shared`)."""

from __future__ import annotations

import weakref
from typing import Any, Callable

from clawpolicy.check.facts import FACTS
from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import types as t
from clawpolicy.core.values import Absent, Money, Unknown
from clawpolicy.evaluate.env import Rec


class Reader:
    """Reads for `expressions.Evaluator`, whose constructor sets what these use: the case,
    its root record, the policy's facts, the vocabulary, the answers (`overrides`), the paths
    read (`reads`), and the facts read so far (`_fields`, `shared`)."""

    case: Any
    root: Rec
    facts: dict[str, Any]
    vocabulary: Any
    overrides: dict[str, Any]
    reads: set[str] | None
    _fields: dict[tuple[str, str], tuple[Any, tuple[str, ...]]]
    # The policy's readers (`readers`): by the id of a record type, the type and its fields'.
    _readers: dict[int, tuple[t.Record, dict[str, Any]]]
    shared: dict[tuple[str, str], tuple[Any, tuple[str, ...]]] | None

    def read(self, rec: Rec, name: str) -> Any:
        """A fact of the case (or its answer); read once per evaluator, which holds one case
        and one set of answers: the paths it reads are noted each time. On the compiled path
        a first reading takes the determiner's (`shared`) where no answer moves it."""
        key = (rec.path, name)
        found = self._fields.get(key)
        if found is None:  # this evaluator's first reading of it
            # A reading that read a path the run answers is the run's own, not the
            # determiner's to share (none is, where the run answers nothing).
            shared, answered = self.shared, self.overrides.keys()
            found = shared.get(key) if shared is not None else None
            if found is None or not answered.isdisjoint(found[1]):
                found = self._read(rec, name)
                if shared is not None and answered.isdisjoint(found[1]):
                    shared[key] = found
            self._fields[key] = found
        if self.reads is not None:
            self.reads.update(found[1])
        return found[0]

    def share(self, readings: dict[tuple[str, str], tuple[Any, tuple[str, ...]]]) -> None:
        """Read with the determiner's `readings` (the compiled path): taken where no answer
        moves them, and each reading of this evaluator's kept there where none moves it. An
        evaluator that answers nothing keeps every reading there: they are its own
        readings, with no second table to look in first."""
        if self.overrides:
            self.shared = readings
        else:
            self._fields, self.shared = readings, None

    def _read(self, rec: Rec, name: str) -> tuple[Any, tuple[str, ...]]:
        """A fact's value, and the paths it read: its own, and for a link the field that
        names the items (`_linked`). By the field's reader (`_reader`), made once per policy
        and field."""
        by_type = self._readers.get(id(rec.type))
        if by_type is None or by_type[0] is not rec.type:  # the type kept: its id its own
            by_type = self._readers[id(rec.type)] = (rec.type, {})
        reader = by_type[1].get(name)
        if reader is None:
            reader = by_type[1][name] = _reader(self.vocabulary, rec.type, name)
        return reader(self, rec)

    def _read_any(self, rec: Rec, name: str) -> tuple[Any, tuple[str, ...]]:
        """`_read` of any field: a policy's facts and a link too (`_reader` specialises the
        rest, a field of the record's data)."""
        field_type = rec.type.fields[name]
        path = f"{rec.path}.{name}" if rec.path else name  # join_path, inlined
        read = (path,)
        if path in self.overrides:
            return self.overrides[path], read
        if rec.type.name == FACTS:
            # The case's own facts by name; an item's (`award.facts`) by their path.
            raw = self.facts.get(name if rec.path == FACTS else path)
        elif isinstance(field_type.type, t.Record) and field_type.type.name == FACTS:
            # A policy's facts are read from `self.facts`, typed by its declarations; the
            # record stands on its holder, whose unit an item's money facts are in.
            return Rec(path, rec.data, field_type.type, None), read
        elif field_type.link is not None:
            return self._linked(rec, field_type.link, read)
        else:
            raw = getattr(rec.data, name)
        if raw is None:
            return self._missing(rec, name, field_type, path)
        return self._value(raw, field_type, path, rec), read

    def _missing(self, rec: Rec, name: str, field_type: t.FieldType,
                 path: str) -> tuple[Any, tuple[str, ...]]:
        """A fact the case leaves out (null): absent, another field's value, or unknown."""
        read = (path,)
        if field_type.absent_means_none:
            return Absent(path), read
        other = self.vocabulary.same_as(rec.type, name)
        if other is not None:
            # Left out, it takes another field's value (the case model fills it in where
            # that one is given): no unknown of its own, it follows the answer given to
            # the other, and reading it reads the other.
            value, more = self._read(rec, other)
            return value, (*read, *more)
        return Unknown(read, pivot_of=path), read

    def _value(self, raw: Any, field_type: t.FieldType, path: str, rec: Rec) -> Any:
        type_ = field_type.type
        if type(type_) is t.Prim and type_.name != "money":  # a date, a text, a number ...
            return raw
        match type_:
            case t.Prim(name="money"):
                unit = field_type.money_unit_from
                return Money(raw, getattr(rec.data, unit) if unit
                             else self.vocabulary.default_unit)
            case t.SetOf():
                return tuple(raw)
            case t.ListOf():
                key = self.vocabulary.key_of(type_.element)
                return tuple(Rec(f"{path}[{i}]", item, type_.element, key)
                             for i, item in enumerate(raw))
            case t.Record():
                return Rec(path, raw, type_, self.vocabulary.key_of(type_))
        return raw

    def _linked(self, rec: Rec, link: t.Link, read: tuple[str]) -> tuple[Any, tuple[str, ...]]:
        """A derived fact: the items of a list of the case that the record names by key; the
        paths read are `read` and the field that names them."""
        refs = getattr(rec.data, link.via)
        path = f"{rec.path}.{link.via}"
        read = (*read, path)
        if path in self.overrides:
            refs = self.overrides[path]
        if refs is None or isinstance(refs, Unknown):
            return Unknown((path,)), read
        element = self.root.type.fields[link.target].type.element
        items = getattr(self.case, link.target)
        index = {getattr(s, link.key): i for i, s in enumerate(items)}
        return tuple(Rec(f"{link.target}[{index[r]}]", items[index[r]], element, link.key)
                     for r in refs), read


Reading = Callable[[Reader, Rec], tuple[Any, tuple[str, ...]]]
_READERS: "weakref.WeakKeyDictionary[CheckedPolicy, dict]" = weakref.WeakKeyDictionary()


def readers(policy: CheckedPolicy) -> dict[int, tuple[t.Record, dict[str, Reading]]]:
    """The readers of the policy's fields made so far (`_reader`), shared by its evaluators."""
    found = _READERS.get(policy)
    if found is None:
        found = _READERS[policy] = {}
    return found


def _reader(vocabulary: Any, record: t.Record, name: str) -> Reading:
    """How a field of the record is read (`Reader._read_any`), decided once for the field:
    a field of the record's data (all but a policy's facts and a link) reads its value, and
    an amount in its record's unit, without asking again what kind of field it is."""
    field_type = record.fields[name]
    type_ = field_type.type
    if record.name == FACTS or field_type.link is not None or \
            (isinstance(type_, t.Record) and type_.name == FACTS):
        return lambda ev, rec: ev._read_any(rec, name)
    money = type(type_) is t.Prim and type_.name == "money"
    unit, default = field_type.money_unit_from, vocabulary.default_unit
    as_is = isinstance(type_, t.Enum) or (type(type_) is t.Prim and not money)

    def attribute(ev: Reader, rec: Rec) -> tuple[Any, tuple[str, ...]]:
        path = f"{rec.path}.{name}" if rec.path else name  # join_path, inlined
        overrides = ev.overrides
        if path in overrides:
            return overrides[path], (path,)
        raw = getattr(rec.data, name)
        if raw is None:
            return ev._missing(rec, name, field_type, path)
        if as_is:  # a date, a text, a number, a word ... (`_value`)
            return raw, (path,)
        if money:
            return Money(raw, getattr(rec.data, unit) if unit else default), (path,)
        return ev._value(raw, field_type, path, rec), (path,)
    return attribute
