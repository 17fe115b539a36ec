"""The case models, built from a vocabulary's declarations with `pydantic.create_model`:
exactly the declared fields, unknown keys rejected, frozen, `None` meaning "not known yet"
(or, where declared, "there is none"). Built once per vocabulary, on first use."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Literal, NamedTuple

from pydantic import (BaseModel, Field, WithJsonSchema, create_model, field_validator,
                      model_validator)

from clawpolicy.core import case as core
from clawpolicy.vocabulary.declarations import (ConstraintDecl, Declarations, DeriveDecl,
                                                FieldDecl, RecordDecl, table_key)

_SCALARS = {"text": core.Text, "boolean": core.Boolean, "date": core.Date,
            "money": core.Money, "number": core.Number}


@dataclass(frozen=True)
class Models:
    case: type[BaseModel]
    records: dict[str, type[BaseModel]]   # by record name


def build(d: Declarations) -> Models:
    return _Builder(d).models()


# ---------------------------------------------------------------- formats and validators

@core.validator
def _month_day(cls, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(f"2000-{value}")  # a leap year admits 02-29
    except ValueError:
        raise ValueError('expected a month and day as "MM-DD", e.g. "12-31"') from None
    if not re.fullmatch(r"\d\d-\d\d", value):
        raise ValueError('expected a month and day as "MM-DD", e.g. "12-31"')
    return value


_FORMATS = {"month-day": _month_day}
_PATTERNS = {"month-day": core.MONTH_DAY_PATTERN}


@core.validator
def _null_is_unknown(cls, data: Any) -> Any:
    """A record whose absence means every one of its facts is unknown."""
    return {} if data is None else data


@core.validator
def _null_is_empty(cls, value: Any) -> Any:
    # What is listed is what there is: an absent list is an empty one.
    return [] if value is None else value


def _derived(name: str, derive: DeriveDecl, table: dict[str, tuple[dict, ...]]):
    """Fill the list `name`, where the case leaves it out, from the texts of `derive.source`:
    each text gives the rows the table lists for it, or one row with only the text known."""
    def fill(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get(name) is not None:
            return data
        texts = data.get(derive.source)
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            return data  # unknown, or not texts: the source's own validation speaks
        rows: list[dict] = []
        for text in texts:
            found = table.get(table_key(text))
            rows.extend([{**row, derive.into: text} for row in found] if found is not None
                        else [{derive.into: text}])
        return {**data, name: rows}
    return fill


def _same_as(name: str, other: str):
    """A field left out (or null) takes the value of another field of its record."""
    def fill(self):
        if getattr(self, name) is None:
            object.__setattr__(self, name, getattr(self, other))  # the model is frozen
        return self
    return fill


def _format_version(latest: int):
    def check(cls, value: Any) -> Any:
        if value is None:
            return value
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= latest:
            raise ValueError(f"expected a format version from 1 to {latest}: this clawpolicy "
                             f"reads case files of version {latest} and every earlier one")
        return value
    return check


def _at_most(holder: str, name: str, limit: int):
    def check(cls, value: list | None) -> list | None:
        if value is not None and len(value) > limit:  # None: a list not known yet
            raise ValueError(f"a {holder} holds at most {limit} {name}")
        return value
    return check


def _constraint(constraint: ConstraintDecl):
    def check(self):  # one that refuses names fields of the record only (crosscheck.py)
        if constraint.broken(self, None) is not None:
            raise ValueError(constraint.message)
        return self
    return check


def _empty(kind: type, **more: Any) -> Any:
    """The default of a list or mapping left out: a new empty one made by `kind` (pydantic
    deep-copies a default `[]` or `{}` for every model it makes, about 1.2 us each with the
    copy module, three a single-award case), which the JSON Schema still gives as its
    default. The factory is a function of this module's, not the type itself: pydantic
    reads each factory's signature (whether it takes the data validated so far), and
    `list`'s is read from its text, which compiles `tokenize`'s expressions on the first
    one (1.3 ms of a cold `check`); a function's is read from its code."""
    return Field(default_factory=_NEW[kind], json_schema_extra={"default": kind()}, **more)


def _new_list() -> list:
    return []


def _new_dict() -> dict:
    return {}


_NEW: dict[type, Callable[[], Any]] = {list: _new_list, dict: _new_dict}


class _Builder:
    def __init__(self, d: Declarations):
        self.d = d
        self.built: dict[str, type[BaseModel]] = {}
        # Records whose absence the case declares as "all unknown": null reads as {}.
        self.all_unknown = d.all_unknown
        # The record of the items decided one by one (an award), which holds facts too.
        self.decided = next(f.record for f in d.fields if f.name == d.roles.decided)

    def models(self) -> Models:
        for name in self.d.records:
            self.record(name)
        units = tuple(self.d.units)
        core_fields: dict[str, Any] = {
            # Which version of the case format the file is written in; absent: any.
            "format_version": (Any, Field(None, json_schema_extra={
                "anyOf": [{"type": "integer", "minimum": 1,
                           "maximum": self.d.format_version}, {"type": "null"}],
                "description": "The version of the case format the file is written in: this "
                               "one or an earlier one."})),
            "case_id": (core.Text, ...), "title": (core.Text | None, None),
            "as_of": (core.Date, ...)}
        fields = {f.name: self.field(f) for f in self.d.fields}
        tail = {"facts": (dict[str, Any], _empty(dict, description=(
                    "The facts a policy declares for the whole case (`fact NAME: TYPE`), "
                    "each of its declared type; a key the policy does not declare is an "
                    "error."))),
                # Not a fact: what `clawpolicy test` expects of the determination.
                "expect": (core.expectation_model(units, self.d.roles.default_unit) | None,
                           None)}
        validators = self.validators("case", self.d.fields)
        validators["_format_version"] = field_validator("format_version", mode="before")(
            _format_version(self.d.format_version))
        case = create_model("Case", __base__=core.CaseModel, __validators__=validators,
                            **core_fields, **fields, **tail)
        return Models(case, dict(self.built))

    def record(self, name: str) -> type[BaseModel]:
        if name not in self.built:
            decl = self.d.records[name]
            fields = {f.name: self.field(f) for f in decl.fields}
            if name == self.decided:
                # The facts a policy declares per item (`fact NAME: TYPE per award`), typed
                # by the policy once the case is read, as the case's own `facts:` are.
                each = self.d.roles.each
                fields["facts"] = (dict[str, Any], _empty(dict, description=(
                    f"The facts a policy declares per {each} (`fact NAME: TYPE per {each}`), "
                    f"each of its declared type, a money fact in the {each}'s own unit; a "
                    "key the policy does not declare is an error.")))
            validators = self.validators(decl.name.replace("_", " "), decl.fields)
            if name in self.all_unknown:
                validators["_null_is_unknown"] = model_validator(mode="before")(
                    _null_is_unknown)
            for f in decl.fields:
                if f.same_as is not None:
                    validators[f"_same_as_{f.name}"] = model_validator(mode="after")(
                        _same_as(f.name, f.same_as))
                if f.derive is not None:
                    validators[f"_derive_{f.name}"] = model_validator(mode="before")(
                        _derived(f.name, f.derive, self.d.tables[f.derive.table]))
            for i, c in enumerate(c for c in decl.constraints if c.refuse):
                validators[f"_constraint_{i}"] = model_validator(mode="after")(
                    _constraint(c))
            self.built[name] = create_model(decl.model_name, __base__=core.CaseModel,
                                            __validators__=validators, **fields)
        return self.built[name]

    def field(self, f: FieldDecl) -> tuple[Any, Any]:
        if f.type == "record":
            annotation: Any = self.record(f.record)
        elif f.type == "unit":
            return Literal[tuple(self.d.units)], self.d.roles.default_unit
        elif f.type == "enum":
            annotation = Literal[f.values]
        else:
            annotation = _SCALARS[f.type]
        if f.format is not None:  # the schema says what the format's validator accepts
            annotation = Annotated[annotation, WithJsonSchema(
                {"type": "string", "pattern": _PATTERNS[f.format]})]
        if f.list:
            annotation = list[annotation]
        match f.absent:
            case "required":
                return annotation, ...
            case "all unknown":
                return annotation, annotation()
            case "empty":
                return annotation, _empty(list)
        return annotation | None, None

    def validators(self, holder: str, fields: tuple[FieldDecl, ...]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        empty = [f.name for f in fields if f.absent == "empty"]
        if empty:
            found["_null_is_empty"] = field_validator(*empty, mode="before")(_null_is_empty)
        unknown = [f.name for f in fields if f.absent == "all unknown"]
        if unknown:
            found["_record_null_is_unknown"] = field_validator(*unknown, mode="before")(
                _null_is_unknown)
        for f in fields:
            if f.max is not None:
                found[f"_at_most_{f.name}"] = field_validator(f.name)(
                    _at_most(holder, f.name, f.max))
            if f.format is not None:
                found[f"_format_{f.name}"] = field_validator(f.name)(_FORMATS[f.format])
        return found


# ---------------------------------------------------------------- across records

def cross_reference_errors(d: Declarations, case: BaseModel, pruned: bool = True
                           ) -> list[tuple[str, str, str]]:
    """Errors no single field shows: (field path, message, help). Keys unique within their
    list, then every link naming an item that exists. Only the records that hold or lead to
    a key, a link or a field naming items are walked (`_crossed`); `pruned=False` walks
    every record, the reference tests/test_bad_cases.py holds it to."""
    keyed: list = []
    linking: list = []
    _walk(d, case, d.fields, "", keyed, linking, None, _crossed(d) if pruned else None)
    errors = []
    for path, record, items in keyed:
        seen: set[str] = set()
        word = record.name.replace("_", " ")
        for i, item in enumerate(items):
            value = getattr(item, record.key)
            if value in seen:
                errors.append((f"{path}[{i}].{record.key}",
                               f"the {word} {record.key} `{value}` is used twice",
                               f"give each {word} its own {record.key}"))
            seen.add(value)
    for path, record, item in linking:
        for link in record.links:
            target = _record_of(d, link.target)
            keys = [getattr(x, target.key) for x in getattr(case, link.target)]
            word = target.name.replace("_", " ")
            for j, ref in enumerate(getattr(item, link.via) or ()):
                if ref not in keys:
                    listed = ", ".join(keys) or "none are listed"
                    errors.append((f"{path}.{link.via}[{j}]",
                                   f"no {word} has the {target.key} `{ref}`",
                                   f"expected the {target.key} of a {word} under "
                                   f"`{link.target}:` ({listed})"))
        for f in (f for f in record.fields if f.names):
            errors += _named(d, case, path, record, item, f)
    return errors


def _named(d: Declarations, case: BaseModel, path: str, record: RecordDecl, item: Any,
           f: FieldDecl) -> list[tuple[str, str, str]]:
    """A text naming an item of a list by its key: it names one, and where both records have
    a unit, the item's unit is the named one's (amounts are never converted)."""
    target = _record_of(d, f.names)
    items = {getattr(x, target.key): x for x in getattr(case, f.names)}
    ref, word = getattr(item, f.name), target.name.replace("_", " ")
    if ref not in items:
        listed = ", ".join(items) or "none are listed"
        article = "an" if word[:1] in "aeiou" else "a"
        return [(f"{path}.{f.name}", f"no {word} has the {target.key} `{ref}`",
                 f"expected the {target.key} of {article} {word} under `{f.names}:` "
                 f"({listed})")]
    unit = next((u.name for u in record.fields if u.type == "unit"), None)
    other = next((u.name for u in target.fields if u.type == "unit"), None)
    # Only an amount given in the record's unit must be in the named item's (a finding that
    # sets no amount, or gives only amounts in the default unit, converts nothing).
    in_unit = any(getattr(item, m.name) is not None for m in record.fields
                  if m.type == "money" and not m.default_unit)
    if unit and other and in_unit and getattr(item, unit) != getattr(items[ref], other):
        return [(f"{path}.{unit}", f"`{path}.{unit}` is {getattr(item, unit)}, but the {word} "
                 f"`{ref}` it names is in {getattr(items[ref], other)}",
                 f"expected `{unit}: {getattr(items[ref], other)}`, the unit of the {word} (left "
                 f"out, it is {d.roles.default_unit}): amounts are never converted")]
    return []


class Broken(NamedTuple):
    """A constraint that refuses nothing, broken by a case: the path of the field, the
    constraint, the field's value, the limit it passes, and the record type and the item of
    the case that hold it (the determination's note writes the values in the item's unit)."""
    path: str
    constraint: ConstraintDecl
    value: Any
    limit: Any
    record: Any
    item: Any


def broken_constraints(d: Declarations, case: BaseModel, pruned: bool = True) -> list[Broken]:
    """Where the case breaks a constraint that refuses nothing (`refuse = false`), in the
    order of the file. The case is read as given; the determination notes each. Only the
    records that hold or lead to such a constraint are walked (`_soft`), each time: a read
    case's lists can be changed in place, so what its reading found is not kept;
    `pruned=False` walks every record, the reference tests/test_constraint_notes.py holds
    it to."""
    constrained: list = []
    _walk(d, case, d.fields, "", [], [], constrained, _soft(d) if pruned else None)
    return [Broken(f"{path}.{c.field}", c, *found, record, item)
            for path, record, item in constrained
            for c in record.constraints if not c.refuse
            and (found := c.broken(item, case)) is not None]


def _walk(d: Declarations, data: Any, fields: tuple[FieldDecl, ...], path: str,
          keyed: list, linking: list, constrained: list | None = None,
          only: tuple[frozenset[str], frozenset[str]] | None = None) -> None:
    """Every list of keyed records and every record with links (and, given `constrained`,
    every record with constraints), in the order of the file; given `only`, only through
    the records it names first, into those it names second (`_soft`)."""
    for name, listed, record, links in _records(d, fields):
        if only is not None and record.name not in only[0]:
            continue
        value = getattr(data, name)
        here = f"{path}.{name}" if path else name
        items = value if listed else [value]
        if listed and record.key and value is not None:
            keyed.append((here, record, value))
        for i, item in enumerate(items or ()):
            if item is None:
                continue
            at = f"{here}[{i}]" if listed else here
            if links:
                linking.append((at, record, item))
            if constrained is not None and record.constraints:
                constrained.append((at, record, item))
            if only is None or record.name in only[1]:
                _walk(d, item, record.fields, at, keyed, linking, constrained, only)


# What `_walk` walks for a purpose (`_soft`, `_crossed`), by the declarations (kept alive
# beside them) and the purpose.
_PRUNED: dict[tuple[int, str], tuple[Declarations, tuple[frozenset[str], frozenset[str]]]] = {}


def _soft(d: Declarations) -> tuple[frozenset[str], frozenset[str]]:
    """What `broken_constraints` walks: the records with a constraint that refuses nothing,
    or whose fields lead to one; and of those, the records whose fields lead to one (the
    others' items are not walked into). A case's items hold no such constraint elsewhere."""
    return _pruned(d, "soft", lambda r: any(not c.refuse for c in r.constraints))


def _crossed(d: Declarations) -> tuple[frozenset[str], frozenset[str]]:
    """What `cross_reference_errors` walks: as `_soft`, the records with a key, a link or a
    field that names items, and those whose fields lead to one."""
    return _pruned(d, "crossed",
                   lambda r: bool(r.key or r.links or any(f.names for f in r.fields)))


def _pruned(d: Declarations, purpose: str, marked: Callable[[RecordDecl], bool]
            ) -> tuple[frozenset[str], frozenset[str]]:
    """The records `marked` says, or whose fields lead to one; and of those, the records
    whose fields lead to one: found once per declarations and purpose."""
    found = _PRUNED.get((id(d), purpose))
    if found is None or found[0] is not d:
        inner = {name: {f.record for f in r.fields if f.record is not None}
                 for name, r in d.records.items()}
        walked = {name for name, r in d.records.items() if marked(r)}
        while True:
            more = {name for name, records in inner.items() if records & walked} - walked
            if not more:
                break
            walked |= more
        leading = frozenset(name for name in walked if inner[name] & walked)
        found = _PRUNED[(id(d), purpose)] = (d, (frozenset(walked), leading))
    return found[1]


# The fields of records `_walk` follows, by the declarations (kept alive beside them) and
# the fields' tuple: (name, whether a list, its record, whether that links or names items).
_RECORDS: dict[tuple[int, int], tuple[Any, tuple]] = {}


def _records(d: Declarations, fields: tuple[FieldDecl, ...]) -> tuple:
    found = _RECORDS.get((id(d), id(fields)))
    if found is None or found[0][0] is not d or found[0][1] is not fields:
        plan = tuple((f.name, f.list, d.records[f.record],
                      bool(d.records[f.record].links
                           or any(g.names for g in d.records[f.record].fields)))
                     for f in fields if f.record is not None)
        found = _RECORDS[(id(d), id(fields))] = ((d, fields), plan)
    return found[1]


# The record of each of the case's own fields, by the declarations (kept alive beside them).
_RECORD_OF: dict[int, tuple[Declarations, dict[str, str | None]]] = {}


def _record_of(d: Declarations, name: str) -> RecordDecl:
    """The record of the case's field `name` (the first so named, as the declarations list
    them): found once per declarations, not once an item."""
    found = _RECORD_OF.get(id(d))
    if found is None or found[0] is not d:
        records: dict[str, str | None] = {}
        for f in d.fields:
            records.setdefault(f.name, f.record)
        found = _RECORD_OF[id(d)] = (d, records)
    return d.records[found[1][name]]
