"""The symbolic case: every fact a policy reads, as SMT variables, for cases of a bounded
shape (LIST_BOUND), and the case file a model of them stands for.

A fact is a value and whether it is known (the third value); a list holds up to its bound of
items, each present or not; a set of words holds each word or not. Case facts are created
when a policy first reads them, so a counterexample writes only what the policies read."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import z3

from clawpolicy.core import types as t
from clawpolicy.prove.calendar import Calendar, day_number, from_day_number

# The bounded shape: the list decided item by item holds one item; every other list of
# records (of the case, or of a record) holds up to LIST_BOUND.
LIST_BOUND = 3
# Case dates lie in these years (day numbers keep the calendar's arithmetic in them).
YEARS = (2000, 2040)
# Words a case may hold beside those a policy names: enough to differ from each of them.
OTHER_TEXTS = ("other-1", "other-2")
TRUE, FALSE = z3.BoolVal(True), z3.BoolVal(False)


@dataclass
class V:
    """A symbolic value: `kind` (bool, num, date, enum, text, md, dur, set, list, record),
    `known` (false: the third value), `val`, `err` (the engine stops with an error reading
    it: a fact of a record the case says does not exist) and `absent` (that record)."""

    kind: str
    known: Any
    val: Any
    err: Any = FALSE
    absent: Any = FALSE


@dataclass
class SymList:
    items: list[tuple[Any, "SymRecord"]]  # (present, record)


@dataclass
class SymSet:
    members: dict[str, Any]  # word -> is it in the set


@dataclass
class SymRecord:
    path: str
    type: t.Record
    shape: "Shape" = field(repr=False)

    def read(self, name: str) -> V:
        return self.shape.read(self, name)


class Shape:
    """The symbolic case for a pair of policies (they share one case vocabulary)."""

    def __init__(self, case_type: t.Record, vocabulary: Any, texts: set[str],
                 month_days: set[str]):
        self.case_type = case_type
        self.vocabulary = vocabulary
        self.texts = sorted(texts) + list(OTHER_TEXTS)
        self.month_days = month_days  # paths of texts read as a month and day ("12-31")
        self.calendar = Calendar()
        self.domain: list[Any] = []  # what every case of the shape satisfies
        self.leaves: dict[str, tuple[str, Any, Any, Any]] = {}  # path -> (kind, known, val, info)
        self._cache: dict[str, V] = {}
        self.root = SymRecord("", case_type, self)
        self.symbols: dict[str, int] = {}
        # Amounts are integers in units of 10**-(2 + extra): whole cents when extra is 0, and
        # fine enough for every product a policy computes to be exact (claims.extra_places).
        self.extra = 0
        self.scale = 1

    # ------------------------------------------------------------ symbols
    def symbol(self, word: str) -> int:
        """An enumeration's word as a number, the same for every enumeration."""
        return self.symbols.setdefault(word, len(self.symbols))

    def text(self, word: str) -> int:
        return self.texts.index(word)

    # ------------------------------------------------------------ facts
    def read(self, rec: SymRecord, name: str) -> V:
        path = f"{rec.path}.{name}" if rec.path else name
        found = self._cache.get(path)
        if found is None:
            found = self._cache[path] = self._make(rec, name, path)
        return found

    def _same_as(self, rec: SymRecord, name: str) -> str | None:
        decl = self.vocabulary.declarations.records.get(rec.type.name)
        f = decl.field(name) if decl is not None else None
        return f.same_as if f is not None else None

    def _make(self, rec: SymRecord, name: str, path: str) -> V:
        ft = rec.type.fields[name]
        if ft.link is not None:
            return self._linked(rec, ft.link, path)
        same = self._same_as(rec, name)
        value = self._leaf(ft, path)
        if same is not None:  # where absent, another field's value
            other = rec.read(same)
            return V(value.kind, z3.If(value.known, TRUE, other.known),
                     z3.If(value.known, value.val, other.val))
        return value

    def _known(self, ft: t.FieldType, path: str) -> Any:
        return z3.Bool(f"{path}?") if ft.nullable else TRUE

    def _leaf(self, ft: t.FieldType, path: str) -> V:
        typ = ft.type
        if isinstance(typ, t.ListOf):
            return self._list(typ, path, ft)
        if isinstance(typ, t.Record):
            if ft.absent_means_none:
                present = z3.Bool(f"{path}!")
                self.leaves[path] = ("record", present, None, None)
                return V("record", TRUE, SymRecord(path, typ, self), absent=z3.Not(present))
            known = self._known(ft, path)
            self.leaves[path] = ("record", known, None, None)
            return V("record", known, SymRecord(path, typ, self))
        known = self._known(ft, path)
        if isinstance(typ, t.SetOf) and typ.element == t.DATE:
            # A fiscal calendar's period ends: the bounded shape lists none (one year end
            # each year).
            self.leaves[path] = ("dates", TRUE, (), None)
            return V("dates", TRUE, ())
        if isinstance(typ, t.SetOf):
            words = typ.element.values if isinstance(typ.element, t.Enum) else self.texts
            members = {w: z3.Bool(f"{path}∋{w}") for w in words}
            self.leaves[path] = ("set", known, members, None)
            return V("set", known, SymSet(members))
        if isinstance(typ, t.Enum):
            if ft.money_unit_from is None and not ft.nullable and \
                    self.vocabulary.default_unit in typ.values:
                # The unit of an amount: the bounded shape keeps to the default unit.
                self.leaves[path] = ("unit", TRUE, self.vocabulary.default_unit, None)
                return V("enum", TRUE, z3.IntVal(self.symbol(self.vocabulary.default_unit)))
            var = z3.Int(path)
            codes = [self.symbol(w) for w in typ.values]
            self.domain.append(z3.Or(*[var == c for c in codes]))
            self.leaves[path] = ("enum", known, var, typ.values)
            return V("enum", known, var)
        kind = typ.name
        if kind == "boolean":
            var = z3.Bool(path)
            self.leaves[path] = ("bool", known, var, None)
            return V("bool", known, var)
        if kind == "date":
            var = z3.Int(path)
            self.domain += [var >= day_number(dt.date(YEARS[0], 1, 1)),
                            var <= day_number(dt.date(YEARS[1], 12, 31))]
            self.leaves[path] = ("date", known, var, None)
            return V("date", known, var)
        if kind in ("money", "number"):
            cents = z3.Int(f"{path}¢")
            if kind == "money":
                self.domain.append(cents >= 0)
            self.leaves[path] = ("num", known, cents, None)
            # In hundredths (a case's amounts are whole cents), in the shape's units.
            return V("num", known, cents * self.scale if self.scale != 1 else cents)
        if kind == "text" and _unindexed(path) in self.month_days:
            month, day = z3.Int(f"{path}.month"), z3.Int(f"{path}.day")
            longest = z3.If(month == 2, 29, z3.If(z3.Or(month == 4, month == 6, month == 9,
                                                        month == 11), 30, 31))
            self.domain += [month >= 1, month <= 12, day >= 1, day <= longest]
            self.leaves[path] = ("md", known, (month, day), None)
            return V("md", known, (month, day))
        if kind == "text":
            var = z3.Int(path)
            self.domain += [var >= 0, var < len(self.texts)]
            self.leaves[path] = ("text", known, var, None)
            return V("text", known, var)
        raise Unsupported(f"a fact of type {kind} ({path})")

    def _list(self, typ: t.ListOf, path: str, ft: t.FieldType) -> V:
        decided = path == self.vocabulary.roles.decided
        decl = next((d for name, d in self.vocabulary.declarations.records.items()
                     if name.replace("_", "") == typ.element.name.replace("_", "")), None)
        # A list whose items name a decided item by its id (what was recovered, what the
        # Committee set per item) is empty in the bounded shape (docs/proofs.md).
        naming = decl is not None and any(f.names for f in decl.fields)
        items, previous = [], TRUE
        for i in range(0 if naming else 1 if decided else LIST_BOUND):
            present = TRUE if decided else z3.Bool(f"{path}[{i}]!")
            self.domain.append(z3.Implies(present, previous))
            previous = present
            item = SymRecord(f"{path}[{i}]", typ.element, self)
            items.append((present, item))
            self._constraints(item)
        known = self._known(ft, path)
        self.leaves[path] = ("list", known, items, None)
        return V("list", known, SymList(items))

    def _constraints(self, item: SymRecord) -> None:
        """The vocabulary's constraints on the record, as every case of the shape keeps them.
        Not one bounding a field by the case's (an award's `received` by `as_of`): it refuses
        nothing, and case files that break it are read (the suite's generated cases among
        them), which a claim proved must hold for."""
        decl = self.vocabulary.declarations.records.get(item.type.name)
        for c in decl.constraints if decl is not None else ():
            if c.of_case is not None:
                continue
            a, b = item.read(c.field), item.read(c.at_most)
            holds = [a.known, b.known]
            if c.when is not None:  # in the shape's units: hundredths, times its scale
                w = item.read(c.when[0])
                holds += [w.known, w.val > math.floor(c.when[1] * 100 * self.scale)]
            self.domain.append(z3.Implies(z3.And(*holds), a.val <= b.val))

    def _linked(self, rec: SymRecord, link: t.Link, path: str) -> V:
        """The items of a list of the case that the record names by key."""
        target = self.root.read(link.target).val
        via = f"{rec.path}.{link.via}"
        known = z3.Bool(f"{via}?")
        chosen = []
        for i, (present, item) in enumerate(target.items):
            named = z3.Bool(f"{via}∋{i}")
            self.domain.append(z3.Implies(named, present))
            chosen.append((named, item))
        self.leaves[via] = ("link", known, [n for n, _ in chosen], link.target)
        return V("list", known, SymList(chosen))


def _unindexed(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


class Unsupported(Exception):
    """A construct outside the fragment the translation covers (docs/proofs.md)."""


# ------------------------------------------------------------------ counterexamples
def case_of(shape: Shape, model: z3.ModelRef, title: str) -> dict[str, Any]:
    """The case file a model of the symbolic case stands for."""

    def get(x: Any) -> Any:
        return model.eval(x, model_completion=True)

    def known(k: Any) -> bool:
        return z3.is_true(get(k))

    case: dict[str, Any] = {"case_id": "counterexample", "title": title}
    ids: dict[str, str] = {}
    for path in sorted(shape.leaves, key=lambda p: (p.count("."), p)):
        kind, k, val, info = shape.leaves[path]
        if kind == "list":
            value = [] if known(k) else None
            if value is not None:
                for i, (present, item) in enumerate(val):
                    if known(present):
                        entry: dict[str, Any] = {}
                        key = shape.vocabulary.key_of(item.type)
                        if key:
                            ids[item.path] = entry[key] = f"{item.type.name[:1].upper()}{i + 1}"
                        value.append(entry)
            _put(case, path, value)
            continue
        if kind == "record":
            _put(case, path, {} if known(k) else None)
            continue
        if not known(k):
            _put(case, path, None)
            continue
        _put(case, path, _value(shape, kind, val, info, get, ids))
    return case


def _value(shape: Shape, kind: str, val: Any, info: Any, get, ids) -> Any:
    match kind:
        case "bool":
            return z3.is_true(get(val))
        case "date":
            return from_day_number(get(val).as_long())
        case "num":
            return Decimal(get(val).as_long()).scaleb(-2)
        case "enum":
            code = get(val).as_long()
            return next(w for w in info if shape.symbols[w] == code)
        case "unit":
            return val
        case "text":
            return shape.texts[get(val).as_long()]
        case "md":
            return f"{get(val[0]).as_long():02d}-{get(val[1]).as_long():02d}"
        case "set":
            return [w for w, b in val.items() if z3.is_true(get(b))]
        case "dates":
            return []
        case "link":
            return [f"{info[:1].upper()}{i + 1}" for i, b in enumerate(val)
                    if z3.is_true(get(b))]
    raise AssertionError(kind)


def _put(case: dict[str, Any], path: str, value: Any) -> None:
    """Put a value at a path like `awards[0].performance_period.end`, where its records are."""
    node: Any = case
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if part.startswith("["):
            i = int(part[1:-1])
            if not isinstance(node, list) or i >= len(node):
                return  # an item the case does not hold
            if last:
                return
            node = node[i]
            continue
        if last:
            if isinstance(node, dict) and part not in node:
                node[part] = value
            return
        if not isinstance(node, dict):
            return
        if node.get(part) is None and part in node:
            return  # inside a record the case gives as null
        node = node.setdefault(part, {})
