"""`clawpolicy import`: cases from CSV tables, as an HR or equity-plan system exports them,
or from the sheets of an Excel workbook, one per table (docs/import.md).

The template is derived from the case vocabulary, never written out by hand: one table of
cases (`cases.csv`: the core fields, and every single record of the case flattened into
`record.field` columns), and one table per list of records of the case (`awards.csv`,
`statements.csv`, ...) or of one of its single records (`roles.csv`: the participant's
statutory roles), each row naming its case in a `case_id` column. A vocabulary that declares
a new field or record gets its column or table with no change here.

A cell holds what a case file's field holds, as text: an empty cell is not known (null);
`true`/`false`; dates `YYYY-MM-DD`; amounts as decimals; a list of words separated by `;`,
and `[]` for an empty list. Where a field's absence means something other than an empty or
unknown record (no restatement at all, stock sales not known), the cases table has a column of
the field's own name: `true` (given, even with nothing in it) or `false` (absent).

Every case is then validated as a case file is, and each problem is reported at its cell:
`FILE:ROW:COLUMN: field.path` (ROW counts the header as row 1)."""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clawpolicy import vocabulary as vocabularies
from clawpolicy.input.reader import validate_case
from clawpolicy.tools import workbook
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core.source import TooLarge, printable, read_regular
from clawpolicy.tools.streams import OutputFailed, write_file
from clawpolicy.vocabulary.declarations import FieldDecl

CASES = "cases"
KEY = "case_id"
FACTS = "facts"  # `facts.NAME` columns of the cases table: the facts a policy declares
VERSION = "format_version"
CORE = (VERSION, "case_id", "title", "as_of")
SEPARATOR = ";"
EMPTY_LIST = "[]"
TRUE, FALSE = "true", "false"
MAX_TABLE_BYTES = 100 * 1024 * 1024
WORKBOOK = ".xlsx"  # an Excel workbook: one sheet per table (tools/workbook.py)


@dataclass(frozen=True)
class Column:
    name: str                 # the header: `participant.id`, `performance_period.start`
    path: tuple[str, ...]     # where its value goes in the record the row makes
    field: FieldDecl | None   # None for a core field, a presence column, or `case_id`
    presence: bool = False    # `true`/`false`: is the record field given at all?


@dataclass(frozen=True)
class Table:
    name: str                 # `cases`, or the case's list field it fills (`awards`)
    columns: tuple[Column, ...]
    # `facts.NAME` columns hold a policy's own facts: of the case, or of each item decided.
    facts: bool = False
    # Where its rows go in a case: the list field's path (`participant.roles`); the name's.
    path: tuple[str, ...] = ()

    @property
    def into(self) -> tuple[str, ...]:
        return self.path or (self.name,)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def template(vocabulary: vocabularies.Vocabulary | None = None) -> list[Table]:
    """The tables of the CSV template, in order: the cases, then one per list of records."""
    declarations = (vocabulary or vocabularies.load()).declarations
    cases = [Column(name, (name,), None) for name in CORE]
    tables: list[Table] = []
    nested: list[Table] = []  # the lists inside the case's single records (`roles`)
    for decl in declarations.fields:
        if decl.type == "record" and decl.absent not in ("empty", "all unknown"):
            cases.append(Column(decl.name, (decl.name,), decl, presence=True))
        if decl.type == "record" and decl.list:
            columns = [Column(KEY, (), None)]
            columns += _flatten(declarations, decl.record, (), None)
            tables.append(Table(decl.name, tuple(columns),
                                facts=decl.name == declarations.roles.decided))
        elif decl.type == "record":
            before = len(nested)
            cases += _flatten(declarations, decl.record, (decl.name,), nested)
            # Given or not, beside the record's columns: given and with no rows, an empty
            # list (`roles: []`, none); not given, left out (roles derived from the titles).
            cases += [Column(".".join(t.path), t.path, None, presence=True)
                      for t in nested[before:]]
        else:
            cases.append(Column(decl.name, (decl.name,), decl))
    for table in nested:  # named by the field, or by its path where another table has it
        name = table.name if table.name not in [t.name for t in tables] else "_".join(table.path)
        tables.append(Table(name, table.columns, path=table.path))
    return [Table(CASES, tuple(cases), facts=True), *tables]


def _flatten(declarations, record: str | None, prefix: tuple[str, ...],
             nested: list[Table] | None) -> list[Column]:
    """The columns of a record's fields under `prefix`; a list of records inside a single
    record of the case becomes a table of its own, added to `nested`."""
    columns = []
    for decl in declarations.records[record].fields:
        path = prefix + (decl.name,)
        if decl.type == "record" and not decl.list:
            columns += _flatten(declarations, decl.record, path, nested)
        elif decl.type == "record":
            if nested is None:
                raise ValueError(f"the CSV template has no table for `{'.'.join(path)}`, a "
                                 "list of records inside an item of a list")
            inner = [Column(KEY, (), None), *_flatten(declarations, decl.record, (), None)]
            nested.append(Table(decl.name, tuple(inner), path=path))
        else:
            columns.append(Column(".".join(path), path, decl))
    return columns


# ---------------------------------------------------------------- cases -> tables

def export(cases: list[dict], vocabulary: vocabularies.Vocabulary | None = None
           ) -> dict[str, str]:
    """Case mappings (as a case file holds them, dates and amounts as text) as the template's
    CSV tables, by table name: what `import` reads back to the same cases."""
    tables = [_with_facts(t, cases) if t.facts else t for t in template(vocabulary)]
    rows: dict[str, list[list[str]]] = {t.name: [] for t in tables}
    for case in cases:
        rows[CASES].append([_cell(case, c) for c in tables[0].columns])
        for table in tables[1:]:
            for item in _at(case, table.into) or []:
                rows[table.name].append([str(case[KEY]) if c.name == KEY
                                         else _cell(item, c, skip=0) for c in table.columns])
    return {t.name: _csv([t.header, *rows[t.name]]) for t in tables}


def _with_facts(table: Table, cases: list[dict]) -> Table:
    """The table with a `facts.NAME` column for each of a policy's own facts the cases (or,
    for the table of the items decided, their items) give, in the order first met."""
    names: dict[str, None] = {}
    for case in cases:
        for record in [case] if table.name == CASES else _at(case, table.into) or []:
            names.update(dict.fromkeys(record.get(FACTS) or {}))
    return Table(table.name, table.columns + tuple(
        Column(f"{FACTS}.{name}", (FACTS, name), None) for name in names),
        table.facts, table.path)


def _cell(data: dict, column: Column, skip: int = 0) -> str:
    if column.presence:
        return TRUE if _at(data, column.path) is not None else FALSE
    value = _at(data, column.path[skip:])
    if value is None:
        return ""
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value) if value else EMPTY_LIST
    return str(value)


def _at(data: Any, path: tuple[str, ...]) -> Any:
    """The value at `path` in a case's mapping (None where a step is missing)."""
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _holder(data: dict, path: tuple[str, ...]) -> tuple[dict, str]:
    """The mapping that holds the field at `path` in a case being built (the records on the
    way made where missing), and the field's name."""
    for part in path[:-1]:
        data = data.setdefault(part, {})
    return data, path[-1]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# ---------------------------------------------------------------- tables -> cases

@dataclass
class _Case:
    data: dict
    cells: dict[str, str] = field(default_factory=dict)   # field path -> FILE:ROW:COLUMN
    row: str = ""                                          # FILE:ROW of its row of cases
    # presence columns: given or not, where the field goes, and whether it is a list
    given: dict[str, tuple[bool, tuple[str, ...], bool]] = field(default_factory=dict)


def import_tables(paths: list[Path], vocabulary: vocabularies.Vocabulary | None = None
                  ) -> list[dict]:
    """Cases from the template's CSV files, in the order of the cases table, each validated
    as a case file is; or DiagnosticError with every bad cell, by file, row and column."""
    vocabulary = vocabulary or vocabularies.load()
    tables = {t.name: t for t in template(vocabulary)}
    errors: list[Diagnostic] = []
    read: dict[str, list[tuple[Path, list[Column | None], list[tuple[int, list[str]]]]]] = {}
    for path in paths:
        if path.suffix.lower() == WORKBOOK:
            for label, sheet, lines in workbook.sheets(path, errors):
                table = tables.get(sheet)
                if table is None:
                    close = difflib.get_close_matches(sheet, list(tables), n=1)
                    errors.append(Diagnostic(
                        "CP0701", f"the sheet `{sheet}` is not a table of the template",
                        (f"did you mean `{close[0]}`? " if close else "") +
                        f"name each sheet after its table: {', '.join(tables)}", where=label))
                    continue
                loaded = _table_rows(label, lines, table, errors)
                if loaded is not None:
                    read.setdefault(table.name, []).append((label, *loaded))
            continue
        table = _table_of(path, tables, errors)
        if table is not None:
            lines = _read(path, table, errors)
            loaded = None if lines is None else _table_rows(str(path), lines, table, errors)
            if loaded is not None:
                read.setdefault(table.name, []).append((path, *loaded))
    if CASES not in read and not errors:
        errors.append(Diagnostic("CP0701", "no table of cases was given",
                                 f"give a `{CASES}.csv` (one row per case) with the other "
                                 "tables", where=", ".join(str(p) for p in paths) or "import"))
    cases: dict[str, _Case] = {}
    for path, columns, rows in read.get(CASES, []):
        for number, cells in rows:
            _case_row(path, columns, number, cells, cases, errors)
    for name, files in read.items():
        if name == CASES:
            continue
        for path, columns, rows in files:
            for number, cells in rows:
                _item_row(tables[name], path, columns, number, cells, cases, errors)
    result = []
    for case in cases.values():
        _presence(case, errors)
        try:
            validate_case(case.data, "\0", {}, vocabulary)
        except DiagnosticError as error:
            errors.extend(_relocate(d, case) for d in error.diagnostics)
            continue
        result.append(case.data)
    if errors:
        raise DiagnosticError(errors)
    return result


def _table_of(path: Path, tables: dict[str, Table], errors: list) -> Table | None:
    stem = path.name.rsplit(".", 1)[0] if path.suffix.lower() == ".csv" else None
    if stem is not None:
        for name, table in tables.items():
            if stem == name or stem.endswith(("-" + name, "_" + name)):
                return table
    known = ", ".join(f"{n}.csv" for n in tables)
    if stem is None:
        message, hint = "is not a CSV file or a workbook", \
            f"export the tables as CSV ({known}), or as the sheets of one .xlsx workbook"
    else:
        message = f"`{path.name}` is not a table of the template"
        close = difflib.get_close_matches(stem, list(tables), n=1)
        hint = (f"did you mean `{close[0]}.csv`? " if close else "") + \
            f"name each file after its table: {known}"
    errors.append(Diagnostic("CP0701", f"the file {message}" if stem is None else message,
                             hint, where=str(path)))
    return None


def _read(path: Path, table: Table, errors: list) -> list[list[str]] | None:
    """The rows of cells of a CSV file, as text."""
    try:
        raw = read_regular(path, MAX_TABLE_BYTES)
    except OSError as error:
        errors.append(Diagnostic("CP0703", f"cannot read the table: {error.strerror or error}",
                                 "give the path of a readable CSV file", where=str(path)))
        return None
    except TooLarge:
        errors.append(Diagnostic("CP0703", f"the table is larger than {MAX_TABLE_BYTES} bytes",
                                 "split it into several files of the same table",
                                 where=str(path)))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        errors.append(Diagnostic("CP0703", f"the table is not UTF-8 text (byte {error.start})",
                                 "export the table as CSV UTF-8", where=str(path)))
        return None
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        errors.append(Diagnostic("CP0703", f"the table is not valid CSV: {error}",
                                 "check the quoting of its cells", where=str(path)))
        return None
    return lines


def _table_rows(path: str, lines: list[list[str]], table: Table, errors: list):
    """The columns of a table's header row and its non-empty rows (numbered as the file or
    sheet numbers them), from its rows of cells as text."""
    if not lines:
        errors.append(Diagnostic("CP0703", "the table is empty",
                                 f"start it with the header row: {','.join(table.header)}",
                                 where=str(path)))
        return None
    by_name = {c.name: c for c in table.columns}
    columns: list[Column | None] = []
    for index, name in enumerate(lines[0], 1):
        column = by_name.get(name.strip())
        fact = name.strip().removeprefix(FACTS + ".")
        if column is None and table.facts and fact != name.strip() and fact:
            column = Column(name.strip(), (FACTS, fact), None)  # a fact the policy declares
        if column is None:
            close = difflib.get_close_matches(name.strip(), list(by_name), n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            errors.append(Diagnostic(
                "CP0701", f"unknown column `{name}` in the table of {table.name}",
                f"{hint}docs/import.md lists the columns of each table",
                where=f"{path}:1:{index}"))
        elif column in columns:
            errors.append(Diagnostic("CP0701", f"the column `{name}` is given twice",
                                     "keep one of them", where=f"{path}:1:{index}"))
            column = None
        columns.append(column)
    if KEY not in [c.name for c in columns if c]:
        errors.append(Diagnostic("CP0701", f"the table has no `{KEY}` column",
                                 f"add a `{KEY}` column: it says which case each row is of",
                                 where=f"{path}:1:1"))
        return None
    rows = []
    for number, cells in enumerate(lines[1:], 2):
        if len(cells) > len(columns):
            errors.append(Diagnostic(
                "CP0703", f"row {number} has {len(cells)} cells, the header {len(columns)}",
                "check the row for a separator inside a cell that is not quoted",
                where=f"{path}:{number}:{len(columns) + 1}"))
        elif len(cells) < len(columns) and any(c.strip() for c in cells):
            # Cut short by the export, or its empty cells at the end left out: either way
            # not the table's row as its header reads it (a sheet's rows have every cell).
            errors.append(Diagnostic(
                "CP0703", f"row {number} has {len(cells)} cells, the header {len(columns)}",
                "give the row a cell for each column, empty or not: export the table again",
                where=f"{path}:{number}:{len(cells) + 1}"))
        elif any(c.strip() for c in cells):
            rows.append((number, cells))
    return columns, rows


def _case_row(path, columns, number, cells, cases, errors) -> None:
    key_index = [c.name if c else None for c in columns].index(KEY)
    case_id = cells[key_index].strip()
    if case_id in cases:
        errors.append(Diagnostic("CP0702", f"the case `{case_id}` has two rows",
                                 f"first at {cases[case_id].row}; give each case one row",
                                 where=f"{path}:{number}:{key_index + 1}: {KEY}"))
        return
    case = _Case({}, row=f"{path}:{number}")
    for index, (column, cell) in enumerate(zip(columns, cells), 1):
        where = f"{path}:{number}:{index}"
        if column is None:
            continue
        if column.presence:
            if cell.strip().lower() not in ("", TRUE, FALSE):
                errors.append(Diagnostic(
                    "CP0702", f"`{column.name}` cannot be {cell!r}",
                    "expected true (given), false (not given) or an empty cell",
                    where=f"{where}: {column.name}"))
            elif cell.strip():
                case.given[column.name] = (cell.strip().lower() == TRUE, column.path,
                                           column.field is None or column.field.list)
                case.cells[column.name] = where
            continue
        _put(case, column.path, column, cell, where)
    cases[case_id] = case


def _presence(case: _Case, errors: list) -> None:
    """A record field marked given holds at least an empty record or list; one marked not
    given holds nothing."""
    for name, (given, path, is_list) in case.given.items():
        record, last = _holder(case.data, path)
        if given:
            record.setdefault(last, [] if is_list else {})
        elif record.get(last) is not None:
            errors.append(Diagnostic(
                "CP0702", f"`{name}` is marked false (not given) but has values",
                "empty its cells (and its table's rows), or mark it true",
                where=f"{case.cells[name]}: {name}"))
        else:
            record[last] = None


def _item_row(table: Table, path, columns, number, cells, cases, errors) -> None:
    key_index = [c.name if c else None for c in columns].index(KEY)
    case_id = cells[key_index].strip()
    case = cases.get(case_id)
    if case is None:
        errors.append(Diagnostic(
            "CP0702", f"no case has the id `{case_id}`" if case_id else "the row names no case",
            f"give the case its row in {CASES}.csv, or correct the `{KEY}`",
            where=f"{path}:{number}:{key_index + 1}: {KEY}"))
        return
    record, last = _holder(case.data, table.into)
    items = record.get(last)
    if items is None:
        items = record[last] = []
    prefix = f"{'.'.join(table.into)}[{len(items)}]"
    item: dict = {}
    items.append(item)
    case.cells.setdefault(prefix, f"{path}:{number}:1")
    for index, (column, cell) in enumerate(zip(columns, cells), 1):
        if column is None or column.name == KEY:
            continue
        _put(case, column.path, column, cell, f"{path}:{number}:{index}", item, prefix)


def _put(case: _Case, path: tuple[str, ...], column: Column, cell: str, where: str,
         into: dict | None = None, prefix: str = "") -> None:
    text = cell.strip()
    dotted = ".".join(path)
    full = f"{prefix}.{dotted}" if prefix else dotted
    case.cells[full] = where
    if not text:
        return
    target, last = _holder(case.data if into is None else into, path)
    # The case format's version is a whole number, the only core field that is not text.
    target[last] = int(text) if column.name == VERSION and text.isascii() \
        and text.isdigit() else _value(text, column.field)


def _value(text: str, decl: FieldDecl | None) -> Any:
    if decl is not None and decl.list:
        return [] if text == EMPTY_LIST else [p.strip() for p in text.split(SEPARATOR)]
    if (decl is None or decl.type == "boolean") and text.lower() in (TRUE, FALSE):
        return text.lower() == TRUE
    return text


def _relocate(diagnostic: Diagnostic, case: _Case) -> Diagnostic:
    """A diagnostic of the case, at the cell its field came from."""
    where = diagnostic.where or ""
    path = where[3:] if where.startswith("\0: ") else ""
    probe = path
    while probe and probe not in case.cells:
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    place = case.cells.get(probe, case.row)
    return Diagnostic(diagnostic.code, diagnostic.message, diagnostic.help,
                      where=f"{place}: {path}" if path else place)


def write_template(folder: Path, vocabulary: vocabularies.Vocabulary | None = None
                   ) -> list[Path]:
    """The template's tables, each its header row only, written into `folder`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputFailed(error, printable(str(folder))) from None
    written = []
    for table in template(vocabulary):
        path = folder / f"{table.name}.csv"
        write_file(path, _csv([table.header]))
        written.append(path)
    return written


def json_lines(cases: list[dict]) -> str:
    """The cases, one JSON object a line, as `check --batch` reads them."""
    import json

    return "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in cases)
