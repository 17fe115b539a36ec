"""The sheets of an Excel workbook as rows of text cells, for `clawpolicy import`: each sheet
is one of the template's tables, named after it (`cases`, `awards`, `statements`, ...).

A cell becomes the text a CSV export would hold (docs/import.md):
- text as it is; `TRUE`/`FALSE` cells as `true`/`false`;
- a date (a date-time at midnight) as `YYYY-MM-DD`; a date-time with a time of day as
  `YYYY-MM-DD HH:MM:SS`, which a date field then refuses at its cell (no field holds a time);
- a whole number as its digits; any other number as the shortest decimal that reads back to
  the same binary number, which is what Excel shows and stores as the cell's text. Excel keeps
  every number as binary floating point: an amount that must be exact to more than 15
  significant digits belongs in a text cell (format the column as Text);
- a formula as the value saved with it; a formula saved without one, and an error value
  (`#N/A`), are refused at their cell.

Reading needs openpyxl, in the `xlsx` extra; without it the workbook is refused with the
command that installs it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Container
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from clawpolicy.core.diagnostics import Diagnostic
from clawpolicy.core.source import TooLarge, printable, read_regular

INSTALL = "pip install 'clawpolicy[xlsx]'"
# A workbook is held to the limit of a CSV table: it is read whole, at most one byte past it.
MAX_WORKBOOK_BYTES = 100 * 1024 * 1024


def sheets(path: Path, errors: list) -> Iterator[tuple[str, str, list[list[str]]]]:
    """(label for messages, `BOOK.xlsx[SHEET]`; the sheet's name; its rows of text cells)
    for each sheet of the workbook; problems are added to `errors`."""
    try:
        import openpyxl
    except ImportError:
        errors.append(Diagnostic("CP0703", "reading a workbook needs the `xlsx` extra",
                                 f"install it ({INSTALL}), or export the tables as CSV",
                                 where=str(path)))
        return
    try:
        raw = read_regular(path, MAX_WORKBOOK_BYTES)
    except TooLarge:
        errors.append(Diagnostic("CP0703", f"the workbook is larger than {MAX_WORKBOOK_BYTES} "
                                 "bytes", "split its sheets into several workbooks, or export "
                                 "them as CSV", where=str(path)))
        return
    except OSError as error:
        errors.append(Diagnostic("CP0703", "the workbook cannot be read: "
                                 f"{error.strerror or error}", "give the path of a readable "
                                 ".xlsx workbook", where=str(path)))
        return
    try:
        # The values saved with the file, and (read a second time) what each cell was written
        # as: a formula cell whose value was never saved reads as empty in the first, and is
        # a formula in the second. Excel saves each formula's value; openpyxl, writing a
        # formula, saves none (XlsxWriter saves 0, which cannot be told from a value computed).
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        written = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        errors.append(Diagnostic("CP0703", f"the workbook cannot be read: {reason}",
                                 "give an .xlsx workbook saved by Excel or a compatible "
                                 "program", where=str(path)))
        return
    try:
        for sheet, source in zip(book.worksheets, written.worksheets):
            label = f"{path}[{sheet.title}]"
            rows = []
            empty = _EmptyTexts(raw, getattr(sheet, "_worksheet_path", None))
            for number, (row, cells) in enumerate(zip(sheet.iter_rows(),
                                                       source.iter_rows(values_only=True)), 1):
                _unsaved(row, cells, f"{label}:{number}", errors, empty)
                rows.append([_text(cell.value) for cell in row])
            yield label, sheet.title, _trimmed(rows)
    finally:
        book.close()
        written.close()


# The type a cell's saved value is written with (its `t`) where it is text a formula gave:
# openpyxl's reader reads an empty one (`<v></v>`) as no value, as it reads a formula's value
# never saved (no `<v>` at all), whatever its type; the sheet's XML tells them apart.
_FORMULA_TEXT = "str"
_ERROR = "e"


class _EmptyTexts:
    """The cells of a sheet whose saved value is the empty text (`t="str"` with `<v></v>`,
    as Excel saves `=IF(A2="", "", A2)`), by (row, column): read from the sheet's XML the
    first time a formula's text reads as no value, and only then."""

    def __init__(self, raw: bytes, part: str | None) -> None:
        self._raw, self._part, self._cells = raw, part, None

    def __contains__(self, place: tuple[int, int]) -> bool:
        if self._cells is None:
            self._cells = self._read()
        return place in self._cells

    def _read(self) -> set[tuple[int, int]]:
        import zipfile
        from xml.etree.ElementTree import iterparse

        from openpyxl.utils.cell import coordinate_to_tuple

        found: set[tuple[int, int]] = set()
        if self._part is None:
            return found
        with zipfile.ZipFile(io.BytesIO(self._raw)) as archive, \
                archive.open(self._part.lstrip("/")) as xml:
            for _, element in iterparse(xml):
                if element.tag.rsplit("}", 1)[-1] != "c":
                    continue
                children = {child.tag.rsplit("}", 1)[-1] for child in element}
                if element.get("t") == _FORMULA_TEXT and {"f", "v"} <= children \
                        and element.get("r"):
                    found.add(coordinate_to_tuple(element.get("r")))
                element.clear()
        return found


def _unsaved(saved: tuple, written: tuple, where: str, errors: list,
             empty: Container[tuple[int, int]] = ()) -> None:
    """A located error for each formula of a row whose value was not saved with the file:
    read as empty, it would silently be a fact not known. A formula whose saved value is the
    empty text (`=IF(A2="", "", A2)`, saved by Excel) is the empty cell it shows. And for each
    cell that holds an error value (`#N/A`, `#REF!`), which is no fact of the case."""
    for column, (value, cell) in enumerate(zip(saved, written), 1):
        formula = printable(str(getattr(cell, "text", cell))) if cell is not None else None
        if getattr(value, "data_type", None) == _ERROR:
            errors.append(Diagnostic(
                "CP0703", f"the cell holds the error value {printable(str(value.value))}"
                + (f", which the formula `{formula}` gave when the workbook was saved"
                   if formula is not None and formula != value.value else ""),
                "correct the cell (or what its formula reads) so that it holds the fact, or "
                "leave it empty for a fact not known", where=f"{where}:{column}"))
        elif cell is not None and value.value is None and not (
                getattr(value, "data_type", None) == _FORMULA_TEXT
                and (getattr(value, "row", None), getattr(value, "column", None)) in empty):
            errors.append(Diagnostic(
                "CP0703", f"the cell holds the formula `{formula}`, whose value was never "
                "saved with the workbook", "open the workbook in Excel (or LibreOffice) and "
                "save it, which saves each formula's value, or type the value in place of the "
                "formula", where=f"{where}:{column}"))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0, 0) \
            else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        exact = Decimal(repr(value))  # the shortest decimal of the binary number Excel keeps
        return format(exact.quantize(1) if exact == exact.to_integral_value() else exact, "f")
    return str(value)


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Rows without the empty cells a sheet's used range adds to their right, and without
    the empty rows below the last row with something in it. A sheet's row has a cell in
    every column, empty or not: a row read shorter than the header (a sheet written
    without its dimensions) is given its empty cells."""
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    width = len(rows[0]) if rows else 0
    while width and not rows[0][width - 1].strip():
        width -= 1
    return [row + [""] * (width - len(row)) if len(row) < width
            else row[:width] if not any(c.strip() for c in row[width:]) else row
            for row in rows]
