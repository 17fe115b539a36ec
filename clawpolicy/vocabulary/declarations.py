"""Reading a vocabulary file: the records and fields of a case, declared in TOML, into plain
frozen values. Everything is checked here, once, so that the models, the JSON Schema, the fact
types and the questions built from a vocabulary never meet a declaration they cannot use.

The format is described in docs/vocabulary.md."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from clawpolicy.core.deferred import deferred
from clawpolicy.vocabulary.crosscheck import _NAME, CrossChecks

TYPES = ("text", "boolean", "date", "money", "number", "unit", "enum", "record")
ABSENT = ("unknown", "none", "all unknown", "empty", "required")
FORMATS = ("month-day",)


def format_values(form: str) -> tuple[str, ...]:
    """Every value a text of a declared form can take, in their order: for a month and day,
    each day of a leap year, "01-01" to "12-31" (02-29 included). The exactness search
    answers such a text with each of them (docs/cases.md, Open questions)."""
    first = dt.date(2000, 1, 1)
    return tuple((first + dt.timedelta(days=i)).strftime("%m-%d") for i in range(366))
EXAMPLES = ("records", "lists", "facts")
# The keys of the determination's summary of its subject (`[roles.summary]`); `standing` is a
# list of paths (the facts that state the subject's standing, such as a statutory flag).
SUMMARY = ("id", "name", "roles", "titles", "standing")
# The keys of each decided item's facts in the determination (`[roles.item_summary]`): what a
# memo's summary table, recovery arithmetic and timeline show.
ITEM_SUMMARY = ("kind", "measures", "unit", "grant_date", "attainment_date", "receipt_date", "awarded",
                "as_restated", "estimate", "paid", "filed", "issued")
# Fields of the case that are not the vocabulary's: the core of every case file.
CORE_FIELDS = ("format_version", "case_id", "title", "as_of", "facts", "expect")
# How a constraint names a field of the case rather than of its record (`case.as_of`), and
# the core field it may name so: the day the case is as of.
CASE_PREFIX = "case."
CORE_DATES = ("as_of",)
# The words a policy cannot write where it names something bare (an enumeration's word, a
# field of the case, the item decided): the language reads them as its own (docs/language.md;
# tests/test_vocabulary.py holds this list to the grammar).
NOT_A_NAME = ("and", "or", "not", "in", "is", "if", "then", "else", "true", "false", "end",
              "any", "every", "count", "sum")
# A unit is written after a number (`150000 USD`): a word, and not one of the language's
# units of time, which win over it (grammar/clawpolicy.lark: UNIT, DURATION_UNIT), even at
# the start of a longer word (`5 dayrate` reads `5 day` and then `rate`).
_UNIT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
NOT_A_UNIT = ("years", "year", "months", "month", "days", "day")


class VocabularyError(ValueError):
    """A vocabulary file that cannot be used: the file, where in it, and what was expected."""


@deferred(frozen=True)
class FieldDecl:
    name: str
    type: str                     # one of TYPES
    values: tuple[str, ...] = ()  # an enum's words
    record: str | None = None     # a record field's record
    list: bool = False
    absent: str = "unknown"       # one of ABSENT
    format: str | None = None     # one of FORMATS, for a text
    max: int | None = None        # the most items a list may hold
    question: str | None = None   # how an open question asks for it
    derive: "DeriveDecl | None" = None  # where absent, derived from another field
    same_as: str | None = None    # where absent, the value of this field of the record
    names: str | None = None      # a text naming an item of this case list by its key
    label: str | None = None      # how a memo names it; by default its name, in words
    default_unit: bool = False    # money in the default unit, though its record has a unit
    # How a reader reads an enum's words where their name in words is wrong
    # (`section16_officer`: Section 16 officer), as (word, label) pairs.
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def words(self) -> str:
        """How a reason in a memo names the fact: `amount as restated`."""
        return self.label if self.label is not None else self.name.replace("_", " ")


@deferred(frozen=True)
class DeriveDecl:
    """A list of records that, where the case leaves it out, is derived from the list of texts
    `source` of the same record: each text gives the records the table `table` lists for it
    (its `into` field set to the text), or, when the table does not list it, one record with
    only `into` known."""

    source: str
    table: str
    into: str


def _pair(text: str | None) -> tuple[str, str] | None:
    return (text.partition(".")[0], text.partition(".")[2]) if text else None


def table_key(text: str) -> str:
    """How a text is looked up in a table: case, periods, commas, hyphens and spacing do not
    count, and `&` reads as `and` ("President & C.E.O." is "president and ceo")."""
    return " ".join(text.replace(".", "").replace(",", " ").replace("-", " ")
                    .replace("&", " and ").casefold().split())


@deferred(frozen=True)
class LinkDecl:
    """A derived fact: the items of the case's list `target` whose key the field `via` names."""

    name: str
    via: str
    target: str


@deferred(frozen=True)
class ConstraintDecl:
    """`field` is at most `at_most` (two amounts or numbers, or two dates: no later than it),
    where both are known. `at_most` names a field of the record, or, as `case.NAME`, a field
    of the case (`case.as_of`: no later than the day the case is as of). With `when`, only
    where that holds: `(NAME, threshold)`, the record's amount or number NAME is above
    `threshold`. A case that breaks it is refused (with `message`), unless `refuse` is false:
    then it bounds the answers an open question tries, and a case that breaks it is read
    with a note (a rule added after case files that break it were valid, which stay
    valid)."""

    field: str
    at_most: str
    message: str
    refuse: bool = True
    when: tuple[str, Decimal] | None = None

    @property
    def of_case(self) -> str | None:
        """The field of the case `at_most` names (`as_of`), where it names one."""
        return self.at_most.removeprefix(CASE_PREFIX) \
            if self.at_most.startswith(CASE_PREFIX) else None

    def applies(self, record: Any) -> bool:
        """Whether the record is known to meet `when` (always, without one)."""
        return self.when is None or self.met(getattr(record, self.when[0], None))

    def met(self, held: Any) -> bool:
        """Whether a value of `when`'s field (an amount or a number; None: unknown) is known
        to meet it."""
        return held is not None and Decimal(getattr(held, "amount", held)) > self.when[1]

    def breaks(self, value: Any, limit: Any, held: Any) -> bool:
        """Whether values of the field, of its limit and of `when`'s field (None: unknown)
        break the constraint: the field past its limit, both known, where `when` is known to
        hold. The one test of a constraint: of a case's record (`broken`) as of the answers
        an open question tries (evaluate/questions.py `admissible`)."""
        return value is not None and limit is not None and \
            (self.when is None or self.met(held)) and value > limit

    def limit(self, record: Any, case: Any) -> Any:
        """What the record's `field` is at most, where that is known; else None."""
        if not self.applies(record):
            return None
        return self._limit(record, case)

    def _limit(self, record: Any, case: Any) -> Any:
        of_case = self.of_case
        return getattr(case if of_case else record, of_case or self.at_most, None)

    def broken(self, record: Any, case: Any) -> tuple[Any, Any] | None:
        """(the value, its limit) where the record breaks the constraint; else None."""
        value, limit = getattr(record, self.field, None), self._limit(record, case)
        held = getattr(record, self.when[0], None) if self.when is not None else None
        return (value, limit) if self.breaks(value, limit, held) else None

    def caps_when(self, record: Any, case: Any) -> Decimal | None:
        """The most the field of `when` can be, where the record's `field` is known to be
        past its limit (so `when` cannot hold: an amount paid is at most zero where the day
        received is known to be after the case's date); else None."""
        if self.when is None:
            return None
        value, limit = getattr(record, self.field, None), self._limit(record, case)
        return self.when[1] if value is not None and limit is not None and value > limit \
            else None


@deferred(frozen=True)
class RecordDecl:
    name: str
    description: str | None
    fields: tuple[FieldDecl, ...]
    key: str | None = None        # the field that identifies an item: unique in its list
    links: tuple[LinkDecl, ...] = ()
    constraints: tuple[ConstraintDecl, ...] = ()

    @property
    def model_name(self) -> str:
        """The name of its model and of its definition in the JSON Schema: `StockSale`."""
        return "".join(part.capitalize() for part in self.name.split("_"))

    @property
    def type_name(self) -> str:
        """Its name as a type of the language (`a stocksale record`)."""
        return self.model_name.lower()

    def field(self, name: str) -> FieldDecl | None:
        return next((f for f in self.fields if f.name == name), None)


@deferred(frozen=True)
class UnitDecl:
    name: str
    places: int | None  # decimal places an amount is shown with; None keeps its digits
    step: Decimal       # how far apart the answers an open question tries are


@deferred(frozen=True)
class Roles:
    decided: str                  # the case's list whose items are decided one by one
    each: str                     # the policy's name for the item being decided
    subject: str                  # the record a revision's sub-set is selected by
    subject_context: tuple[str, ...]
    subject_example: str
    default_unit: str
    # The case's list of what was recovered already (each naming a decided item), and the
    # amount field of its records.
    recovered: tuple[str, str] | None = None
    # What the determination's `participant` says of the subject: each of its keys (id, name,
    # roles, titles) with the path in the subject record it is read from ("roles.role": the
    # `role` of each item of the list `roles`).
    # `standing`: the paths of the facts that state the subject's standing (a flag such as
    # `executive_officer`, a role's `level`), each with what the case records of it.
    summary: tuple[tuple[str, Any], ...] = ()
    item_summary: tuple[tuple[str, str], ...] = ()


@deferred(frozen=True)
class Declarations:
    source: str
    description: str
    fields: tuple[FieldDecl, ...]          # the case's own fields, after the core ones
    records: dict[str, RecordDecl] = field(hash=False)
    units: dict[str, UnitDecl] = field(hash=False)
    roles: Roles
    examples: dict[str, str] = field(hash=False)
    # Tables a derived field looks texts up in: each key (as `table_key` gives it) names the
    # records it stands for, as mappings of their fields' values.
    tables: dict[str, dict[str, tuple[dict[str, Any], ...]]] = field(hash=False,
                                                                     default_factory=dict)
    # The version of the case format these declarations describe: a case file may give this
    # one or any earlier one (each adds to the one before), never a later one.
    format_version: int = 1

    def label(self, record: str, path: str) -> str:
        """How a memo names the fact at `path` of a record of the case (`roles.level` of the
        participant: `level`): the last field's label, or its name in words."""
        field = None
        for name in path.split("."):
            field = self.records[record].field(name) if record in self.records else None
            record = field.record if field is not None and field.record else ""
        return field.words if field is not None else path.rpartition(".")[2].replace("_", " ")

    @property
    def all_unknown(self) -> set[str]:
        """The records whose absence is declared to mean every one of their facts unknown."""
        every = [*self.fields, *(f for r in self.records.values() for f in r.fields)]
        return {f.record for f in every if f.absent == "all unknown"}


def read(path: Path) -> Declarations:
    import tomllib  # here: a command that reads a kept policy reads no vocabulary file

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as error:
        raise VocabularyError(f"{path}: cannot read the vocabulary: "
                              f"{error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise VocabularyError(f"{path}: the vocabulary is not valid TOML: {error}") from None
    return _Reader(str(path), text).declarations(data)


class _Reader(CrossChecks):
    def __init__(self, source: str, text: str = ""):
        self.source = source
        self.lines = text.splitlines()

    def fail(self, where: str, message: str) -> VocabularyError:
        line = self.line(where)
        return VocabularyError(f"{self.source}: {where}: {message}"
                               + (f" (line {line})" if line else ""))

    def line(self, where: str) -> int | None:
        """The line of the file a place is declared on, where the file says it plainly: the
        key's own line in its table (`[records.award.fields.kind]`, or the nth
        `[[records.award.constraints]]` for `constraints[n]`), else the table's. None where
        no table of the file is written so (one given inline, or with quoted names)."""
        array = re.match(r"(.+?)\[(\d+)\](?:\.(\w+))?", where)
        if array is not None:
            headers = [i for i, text in enumerate(self.lines)
                       if text.strip() == f"[[{array[1]}]]"]
            n = int(array[2])
            return self._key_line(headers[n], array[3]) if n < len(headers) else None
        parts = where.split(".")
        for cut in range(len(parts), 0, -1):
            header = f"[{'.'.join(parts[:cut])}]"
            at = next((i for i, text in enumerate(self.lines) if text.strip() == header), None)
            if at is not None:
                return self._key_line(at, parts[cut] if cut < len(parts) else None)
        return None

    def _key_line(self, header: int, key: str | None) -> int:
        """The line of `key` in the table whose header is on line index `header` (the
        header's own line where the table does not write it)."""
        for i in range(header + 1, len(self.lines)):
            text = self.lines[i].strip()
            if text.startswith("["):
                break
            if key is not None and re.match(rf"{re.escape(key)}\s*=", text):
                return i + 1
        return header + 1

    def table(self, data: Any, where: str, allowed: tuple[str, ...]) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, "expected a table")
        extra = [k for k in data if k not in allowed]
        if extra:
            raise self.fail(f"{where}.{extra[0]}", f"unknown key; expected one of: "
                            f"{', '.join(allowed)}")
        return data

    def text(self, data: dict, key: str, where: str, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise self.fail(f"{where}.{key}", "expected a text")
        return value

    def name(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            raise self.fail(where, "expected a name of lower-case letters, digits and _")
        return value

    def word(self, value: Any, where: str) -> str:
        """A name a policy writes bare, so not one of the language's own words."""
        if self.name(value, where) in NOT_A_NAME:
            raise self.fail(where, f"`{value}` is a word of the policy language, which a policy "
                            "cannot write as a name; expected another word")
        return value

    # ------------------------------------------------------------ the file
    def declarations(self, data: dict) -> Declarations:
        self.table(data, "the file", ("roles", "units", "examples", "case", "records",
                                      "tables"))
        units = self.units(data.get("units"))
        records = {}
        for name, body in self.table(data.get("records", {}), "records",
                                     tuple(data.get("records", {}))).items():
            records[self.name(name, f"records.{name}")] = self.record(name, body)
        case = self.table(data.get("case"), "case", ("description", "format_version", "fields"))
        version = case.get("format_version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self.fail("case.format_version", "expected a whole number from 1")
        fields = self.fields(case.get("fields"), "case.fields")
        for f in fields:
            if f.name in CORE_FIELDS:
                raise self.fail(f"case.fields.{f.name}", "this field belongs to every case; "
                                "the vocabulary cannot declare it")
        roles = self.roles(data.get("roles"), units)
        # Words the engine's messages give as examples: every one is needed.
        examples = self.table(data.get("examples"), "examples", EXAMPLES)
        declarations = Declarations(self.source, self.text(case, "description", "case"),
                                    fields, records, units, roles,
                                    {k: self.text(examples, k, "examples") for k in EXAMPLES},
                                    self.tables(data.get("tables", {})), version)
        self.cross_check(declarations)
        return declarations

    def units(self, data: Any) -> dict[str, UnitDecl]:
        units = {}
        for name, body in self.table(data, "units", tuple(data or ())).items():
            where = f"units.{name}"
            if not _UNIT.match(name) or name.startswith(NOT_A_UNIT):
                raise self.fail(where, "expected a unit a policy can write after a number: a "
                                "word of letters, digits and _ (not a unit of time, nor a word "
                                f"that starts with one: {', '.join(NOT_A_UNIT)})")
            body = self.table(body, where, ("places", "step"))
            places = body.get("places")
            if places is not None and (not isinstance(places, int) or isinstance(places, bool)
                                       or not 0 <= places <= 30):
                raise self.fail(f"{where}.places", "expected a whole number from 0 to 30")
            try:
                step = Decimal(body.get("step", ""))
            except (InvalidOperation, TypeError):
                raise self.fail(f"{where}.step", 'expected a decimal as a text, e.g. "0.01"') \
                    from None
            if not step.is_finite() or step <= 0:
                raise self.fail(f"{where}.step", "expected an amount more than zero")
            units[name] = UnitDecl(name, places, step)
        if not units:
            raise self.fail("units", "expected at least one unit")
        return units

    def tables(self, data: Any) -> dict[str, dict[str, tuple[dict[str, Any], ...]]]:
        tables = {}
        for name, body in self.table(data, "tables", tuple(data)).items():
            where = f"tables.{self.name(name, f'tables.{name}')}"
            rows: dict[str, tuple[dict[str, Any], ...]] = {}
            for text, items in self.table(body, where, tuple(body)).items():
                key = table_key(text)
                if key in rows:
                    raise self.fail(f"{where}.{text}", "another text of the table reads the "
                                    "same (case, periods, commas, hyphens and spacing do not count, "
                                    "& reads as and)")
                if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                    raise self.fail(f"{where}.{text}", "expected a list of tables of fields "
                                    "([] where the text stands for none)")
                rows[key] = tuple(items)
            tables[name] = rows
        return tables

    def summary(self, data: Any, name: str, keys: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
        body = self.table(data, f"roles.{name}", keys)
        return tuple((k, self.paths(body, k, f"roles.{name}") if k == "standing"
                      else self.text(body, k, f"roles.{name}")) for k in keys if k in body)

    def paths(self, data: dict, key: str, where: str) -> tuple[str, ...]:
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{where}.{key}", "expected a list of texts (paths in the record)")
        return tuple(value)

    def roles(self, data: Any, units: dict[str, UnitDecl]) -> Roles:
        keys = ("decided", "each", "subject", "subject_context", "subject_example",
                "default_unit", "recovered", "summary", "item_summary")
        data = self.table(data, "roles", keys)
        context = data.get("subject_context", [])
        if not isinstance(context, list):
            raise self.fail("roles.subject_context", "expected a list of case fields")
        roles = Roles(*(self.text(data, k, "roles") for k in keys[:3]),
                      tuple(self.name(c, "roles.subject_context") for c in context),
                      self.text(data, "subject_example", "roles"),
                      self.text(data, "default_unit", "roles"),
                      _pair(self.text(data, "recovered", "roles", required=False)),
                      self.summary(data.get("summary", {}), "summary", SUMMARY),
                      self.summary(data.get("item_summary", {}), "item_summary",
                                   ITEM_SUMMARY))
        self.word(roles.each, "roles.each")
        if roles.default_unit not in units:
            raise self.fail("roles.default_unit", f"expected one of the units: "
                            f"{', '.join(units)}")
        return roles

    def record(self, name: str, data: Any) -> RecordDecl:
        where = f"records.{name}"
        data = self.table(data, where, ("description", "key", "fields", "links",
                                        "constraints"))
        fields = self.fields(data.get("fields"), f"{where}.fields")
        key = data.get("key")
        if key is not None and not any(f.name == key and f.absent == "required"
                                       and f.type == "text" and not f.list for f in fields):
            raise self.fail(f"{where}.key", "expected a required text field of the record")
        links = tuple(
            LinkDecl(self.name(link, f"{where}.links.{link}"),
                     *(self.text(self.table(body, f"{where}.links.{link}", ("via", "list")),
                                 k, f"{where}.links.{link}") for k in ("via", "list")))
            for link, body in self.table(data.get("links", {}), f"{where}.links",
                                         tuple(data.get("links", {}))).items())
        constraints = data.get("constraints", [])
        if not isinstance(constraints, list):
            raise self.fail(f"{where}.constraints", "expected a list of tables")
        checked = []
        for i, body in enumerate(constraints):
            at = f"{where}.constraints[{i}]"
            body = self.table(body, at, ("field", "at_most", "message", "refuse", "when"))
            if not isinstance(body.get("refuse", True), bool):
                raise self.fail(f"{at}.refuse", "expected true or false")
            checked.append(ConstraintDecl(*(self.text(body, k, at)
                                            for k in ("field", "at_most", "message")),
                                          body.get("refuse", True),
                                          self.when(body.get("when"), f"{at}.when")))
        return RecordDecl(name, self.text(data, "description", where, required=False),
                          fields, key, links, tuple(checked))

    def when(self, data: Any, where: str) -> tuple[str, Decimal] | None:
        """A constraint's condition: `{ field = NAME, above = NUMBER }`."""
        if data is None:
            return None
        data = self.table(data, where, ("field", "above"))
        above = data.get("above")
        try:  # a whole number, or a decimal as text ("0.5"): never a binary float
            if isinstance(above, bool) or not isinstance(above, int | str):
                raise InvalidOperation
            threshold = Decimal(above)
            if not threshold.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise self.fail(f"{where}.above", 'expected a whole number, or a decimal as '
                            'text ("0.5")') from None
        return self.name(self.text(data, "field", where), f"{where}.field"), threshold

    def fields(self, data: Any, where: str) -> tuple[FieldDecl, ...]:
        if data is None:
            raise self.fail(where, "expected a table of fields")
        named = self.word if where == "case.fields" else self.name  # the case's are read bare
        return tuple(self.field(named(name, f"{where}.{name}"), body, f"{where}.{name}")
                     for name, body in self.table(data, where, tuple(data)).items())

    def field(self, name: str, data: Any, where: str) -> FieldDecl:
        data = self.table(data, where, ("type", "values", "record", "list", "absent",
                                        "format", "max", "question", "derive",
                                        "same_as", "names", "label", "default_unit",
                                        "labels"))
        type_ = data.get("type")
        if type_ not in TYPES:
            raise self.fail(f"{where}.type", f"expected one of: {', '.join(TYPES)}")
        values = data.get("values", [])
        if (type_ == "enum") != bool(values) or not isinstance(values, list) \
                or len(set(values)) != len(values):
            raise self.fail(f"{where}.values", "an enum needs a list of distinct words, and "
                            "only an enum has values")
        values = tuple(self.word(v, f"{where}.values") for v in values)
        record = data.get("record")
        if (type_ == "record") != (record is not None):
            raise self.fail(f"{where}.record", "a record field names its record, and only a "
                            "record field does")
        many = data.get("list", False)
        if not isinstance(many, bool):
            raise self.fail(f"{where}.list", "expected true or false")
        absent = data.get("absent", "unknown")
        if absent not in ABSENT:
            raise self.fail(f"{where}.absent", f"expected one of: {', '.join(ABSENT)}")
        if absent == "all unknown" and (type_ != "record" or many) \
                or absent == "empty" and not many:
            raise self.fail(f"{where}.absent", '"all unknown" is for a record, "empty" for a '
                            "list")
        if type_ == "unit" and (many or absent != "unknown"):
            raise self.fail(where, "a unit field is one unit, the default unit when absent")
        fmt = data.get("format")
        if fmt is not None and (fmt not in FORMATS or type_ != "text"):
            raise self.fail(f"{where}.format", f"expected a text's format: {', '.join(FORMATS)}")
        limit = data.get("max")
        if limit is not None and (not many or not isinstance(limit, int) or limit < 1):
            raise self.fail(f"{where}.max", "expected the most items of a list, a whole number")
        question = data.get("question")
        if question is not None and (not isinstance(question, str) or not question.strip()):
            raise self.fail(f"{where}.question", "expected a text")  # asked in no words
        derive = data.get("derive")
        if derive is not None:
            body = self.table(derive, f"{where}.derive", ("from", "table", "into"))
            derive = DeriveDecl(*(self.text(body, k, f"{where}.derive")
                                  for k in ("from", "table", "into")))
            if type_ != "record" or not many or absent != "unknown":
                raise self.fail(f"{where}.derive", "only a list of records unknown when absent "
                                "is derived")
        same_as = self.text(data, "same_as", where, required=False)
        if same_as is not None and (many or absent != "unknown"):
            raise self.fail(f"{where}.same_as", "only a single field unknown when absent takes "
                            "another's value")
        names = self.text(data, "names", where, required=False)
        if names is not None and (type_ != "text" or many):
            raise self.fail(f"{where}.names", "only a single text names an item of a list")
        label = self.text(data, "label", where, required=False)
        in_default = data.get("default_unit", False)
        if not isinstance(in_default, bool) or in_default and type_ != "money":
            raise self.fail(f"{where}.default_unit", "expected true or false, and only for money")
        return FieldDecl(name, type_, values, record, many, absent, fmt, limit, question,
                         derive, same_as, names, label, in_default,
                         self.value_labels(data.get("labels"), values, f"{where}.labels"))

    def value_labels(self, data: Any, values: tuple[str, ...],
                     where: str) -> tuple[tuple[str, str], ...]:
        """An enum's `labels`: a text for some of its words."""
        if data is None:
            return ()
        if not values:
            raise self.fail(where, "only an enum labels its words")
        body = self.table(data, where, values)
        return tuple((word, self.text(body, word, where)) for word in body)
