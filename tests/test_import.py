"""`clawpolicy import`'s tables, in-process: the template derived from the vocabulary, the
round trip of every example through the tables, and each bad cell located by file, row and
column (the command itself is tested in tests/test_cli_conventions.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clawpolicy import vocabulary as vocabularies
from clawpolicy import api
from clawpolicy.api import read_case
from clawpolicy.render.json import render_line
from clawpolicy.input.reader import parse_case
from clawpolicy.core.diagnostics import DiagnosticError
from clawpolicy.tools import tables
from tests.conftest import (EXAMPLE_CASES, ICF_2023, ICF_CASES, NORTHROP_2010, NORTHROP_CASES,
                            QUALYS, REVISION_CASES, ROOT)

# Every shipped example case, in groups whose case ids are distinct, with the policy each is
# determined under: the 2019 policy's and the revisions', Northrop's, ICF's.
GROUPS = pytest.mark.parametrize("paths, policy", [
    (EXAMPLE_CASES + REVISION_CASES, QUALYS), (NORTHROP_CASES, NORTHROP_2010),
    (ICF_CASES, ICF_2023)], ids=["qualys", "northrop", "icf"])

TEMPLATE = ROOT / "examples" / "import"
TEMPLATE_CASES = [ROOT / "examples" / "cases" / "01-full-recovery-paid-bonus.yaml",
                  ROOT / "examples" / "cases" / "16-partly-paid-award.yaml",
                  ROOT / "examples" / "cases" / "revisions"
                  / "07-sox304-ceo-window-and-stock-sales.yaml"]


def _as_data(path: Path) -> dict:
    return read_case(path).case.model_dump(mode="json", exclude={"expect"})


def _write(folder: Path, exported: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in exported.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
        paths.append(folder / f"{name}.csv")
    return paths


def _read_back(cases: list[dict]) -> list:
    """The imported cases as JSON Lines, read back as `check --batch` reads them."""
    lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    return [parse_case(line.encode(), "cases.jsonl", is_json=True, line=n).case
            for n, line in enumerate(lines.splitlines(), 1)]


@GROUPS
def test_every_example_goes_through_the_tables_and_back_unchanged(tmp_path, paths, policy):
    files = _write(tmp_path, tables.export([_as_data(p) for p in paths]))
    _assert_same(_read_back(tables.import_tables(files)), paths, policy)


def _assert_same(back: list, paths: list[Path], policy: Path) -> None:
    """The cases read back are the example cases: equal, or, where a policy's own facts are
    given (a table's cell is text, and an empty cell an unknown fact left out, which the
    policy reads alike), determined alike under their policy, byte for byte."""
    originals = [read_case(p).case.model_copy(update={"expect": None}) for p in paths]
    if back == originals:
        return
    checked = api.compile_policy(policy)
    for case, path in zip(back, paths):
        again = api.read_case_data(case.model_dump(mode="json", exclude_none=True), path.name)
        assert _unsealed(api.evaluate(checked, again)) == \
            _unsealed(api.evaluate(checked, read_case(path))), path.name


def _unsealed(determination) -> dict:
    """A determination as JSON, but for the seal's digest of the case's own bytes."""
    data = json.loads(render_line(determination))
    data["seal"].pop("case_sha256")
    return data


def test_the_committed_template_is_three_examples_and_imports_to_them():
    exported = tables.export([_as_data(p) for p in TEMPLATE_CASES])
    assert sorted(p.name for p in TEMPLATE.iterdir()) == sorted(f"{n}.csv" for n in exported)
    for name, text in exported.items():
        assert (TEMPLATE / f"{name}.csv").read_text(encoding="utf-8") == text
    imported = tables.import_tables(sorted(TEMPLATE.glob("*.csv")))
    assert _read_back(imported) == [read_case(p).case.model_copy(update={"expect": None})
                                    for p in TEMPLATE_CASES]


def test_docs_import_md_lists_every_column_of_every_table():
    text = (ROOT / "docs" / "import.md").read_text()
    for table in tables.template():
        section = text.split(f"### `{table.name}.csv`", 1)[1].split("\n### ", 1)[0]
        assert re.findall(r"^\| `([^`]+)` \|", section, re.M) == table.header, table.name


def test_the_template_follows_the_vocabulary(tmp_path):
    source = vocabularies.DEFAULT.read_text(encoding="utf-8")
    (tmp_path / "case.toml").write_text(
        source + '\n[records.award.fields.vested]\ntype = "date"\n', encoding="utf-8")
    words = vocabularies.load(tmp_path / "case.toml")
    (awards,) = [t for t in tables.template(words) if t.name == "awards"]
    assert awards.header[-1] == "vested"
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "cases.csv").write_text("case_id,as_of\nc1,2024-06-30\n")
    (folder / "awards.csv").write_text("case_id,id,vested\nc1,a1,2024-01-31\n")
    (case,) = tables.import_tables(sorted(folder.iterdir()), words)
    assert case["awards"] == [{"id": "a1", "vested": "2024-01-31"}]


def _problems(tmp_path, files: dict[str, str], more: list[Path] = ()
              ) -> list[tuple[str, str, str]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(DiagnosticError) as raised:
        tables.import_tables([tmp_path / name for name in files] + list(more))
    prefix = str(tmp_path) + "/"
    return [(d.code, d.where.replace(prefix, ""), d.message) for d in raised.value.diagnostics]


def test_each_bad_cell_is_reported_by_file_row_and_column(tmp_path):
    found = _problems(tmp_path, {
        "cases.csv": "case_id,as_of,participant.section16_officer,participnt.name\n"
                     "c1,2024-02-30,yes,x\n"
                     "c2,2024-06-30,TRUE,\n",
        "awards.csv": "case_id,id,amount_awarded,amount_paid,basis\n"
                      "c1,a1,100,50,financial_results\n"
                      "c3,a2,100,50,\n"
                      "c2,a3,1.5e5,,stock_price;nonsense\n",
        "people.csv": "case_id\n"})
    assert found == [
        ("CP0702", "awards.csv:3:1: case_id", "no case has the id `c3`"),
        ("CP0410", "awards.csv:4:3: awards[0].amount_awarded",
         "`awards[0].amount_awarded` cannot be '1.5e5'"),
        ("CP0409", "awards.csv:4:5: awards[0].basis[1]",
         "`awards[0].basis[1]` cannot be 'nonsense'"),
        ("CP0701", "cases.csv:1:4", "unknown column `participnt.name` in the table of cases"),
        ("CP0410", "cases.csv:2:2: as_of", "`as_of` cannot be '2024-02-30'"),
        ("CP0410", "cases.csv:2:3: participant.section16_officer",
         "`participant.section16_officer` cannot be 'yes'"),
        ("CP0701", "people.csv", "`people.csv` is not a table of the template"),
    ]


def test_the_structure_of_the_tables_is_checked(tmp_path):
    found = _problems(tmp_path, {
        "cases.csv": "case_id,as_of,restatement,restatement.kind,stock_sales\n"
                     "c1,2024-06-30,false,big_r,maybe\n"
                     "c1,2024-06-30,,,\n",
        "acme-awards.csv": "case_id,id,amount_paid\nc1,a1,5,extra\n"})
    assert found == [
        ("CP0703", "acme-awards.csv:2:4", "row 2 has 4 cells, the header 3"),
        ("CP0702", "cases.csv:2:3: restatement",
         "`restatement` is marked false (not given) but has values"),
        ("CP0702", "cases.csv:2:5: stock_sales", "`stock_sales` cannot be 'maybe'"),
        ("CP0702", "cases.csv:3:1: case_id", "the case `c1` has two rows"),
    ]


def test_a_csv_row_shorter_than_its_header_is_refused_at_its_first_missing_cell(tmp_path):
    """Cut short by a broken export, or its empty cells at the end dropped by a tool: either
    way its last cells would silently be read as not known."""
    found = _problems(tmp_path, {
        "cases.csv": "case_id,as_of,title\nc1,2024-06-30\nc2,2024-06-30,\n",
        "awards.csv": "case_id,id,amount_paid,amount_awarded\nc1,a1\n\n"})
    assert found == [
        ("CP0703", "awards.csv:2:3", "row 2 has 2 cells, the header 4"),
        ("CP0703", "cases.csv:2:3", "row 2 has 2 cells, the header 3"),
    ]


def test_given_or_not_columns_tell_an_empty_record_from_an_absent_one(tmp_path):
    (tmp_path / "cases.csv").write_text(
        "case_id,as_of,restatement,stock_sales,facts.home_region,facts.flag\n"
        "c1,2024-06-30,true,true,emea,TRUE\n"
        "c2,2024-06-30,,false,,\n"
        "c3,2024-06-30,,,,\n")
    (tmp_path / "stock_sales.csv").write_text("case_id,date,profit\nc3,2022-06-01,10\n")
    c1, c2, c3 = tables.import_tables([tmp_path / "cases.csv", tmp_path / "stock_sales.csv"])
    assert (c1["restatement"], c1["stock_sales"]) == ({}, [])
    assert c1["facts"] == {"home_region": "emea", "flag": True}
    assert (c2.get("restatement"), c2["stock_sales"]) == (None, None)
    assert c3["stock_sales"] == [{"date": "2022-06-01", "profit": "10"}]


def test_a_table_that_cannot_be_read_is_named(tmp_path):
    (tmp_path / "cases.csv").write_bytes(b"case_id,as_of\nc\xe9,2024-06-30\n")
    (tmp_path / "awards.csv").write_text("id\na1\n")
    with pytest.raises(DiagnosticError) as raised:
        tables.import_tables([tmp_path / "cases.csv", tmp_path / "awards.csv",
                              tmp_path / "statements.csv", tmp_path / "cases.xls",
                              tmp_path / "cases.xlsx"])
    found = [(d.code, d.where.replace(str(tmp_path) + "/", ""), d.message)
             for d in raised.value.diagnostics]
    assert found == [
        ("CP0701", "awards.csv:1:1", "the table has no `case_id` column"),
        ("CP0703", "cases.csv", "the table is not UTF-8 text (byte 15)"),
        ("CP0701", "cases.xls", "the file is not a CSV file or a workbook"),
        ("CP0703", "cases.xlsx", "the workbook cannot be read: No such file or directory"),
        ("CP0703", "statements.csv", "cannot read the table: No such file or directory"),
    ]


# ---------------------------------------------------------------- workbooks


def _typed(cell: str, column: str):
    """A cell as Excel holds it when typed in by hand: numbers, dates and TRUE/FALSE typed."""
    import datetime as dt

    if not cell or column in ("case_id", "id"):
        return cell or None
    if cell in ("true", "false"):
        return cell == "true"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        return dt.date.fromisoformat(cell)
    if re.fullmatch(r"\d+", cell):
        return int(cell)
    if re.fullmatch(r"\d+\.\d+", cell):
        return float(cell)
    return cell


def _workbook(path: Path, exported: dict[str, str], typed: bool = True) -> Path:
    import csv
    import io

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, text in exported.items():
        sheet = book.create_sheet(name)
        rows = list(csv.reader(io.StringIO(text)))
        for row in rows:
            sheet.append([_typed(c, h) if typed else c for c, h in zip(row, rows[0])])
    book.save(path)
    return path


@GROUPS
def test_every_example_goes_through_a_workbook_and_back_unchanged(tmp_path, paths, policy):
    book = _workbook(tmp_path / "cases.xlsx", tables.export([_as_data(p) for p in paths]))
    _assert_same(_read_back(tables.import_tables([book])), paths, policy)


def test_each_bad_cell_of_a_workbook_is_reported_by_sheet_row_and_column(tmp_path):
    import datetime as dt

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "cases"
    book.active.append(["case_id", "as_of"])
    book.active.append(["c1", dt.datetime(2024, 6, 30, 14, 30)])
    book.create_sheet("award").append(["case_id", "id"])
    book.save(tmp_path / "hr.xlsx")
    found = _problems(tmp_path, {}, [tmp_path / "hr.xlsx"])
    assert found == [
        ("CP0701", "hr.xlsx[award]", "the sheet `award` is not a table of the template"),
        ("CP0410", "hr.xlsx[cases]:2:2: as_of", "`as_of` cannot be '2024-06-30 14:30:00'"),
    ]


def _with_saved_value(book: Path, sheet: str, cell: str, value: str, typed: str = "") -> None:
    """The workbook as Excel saves it: the formula of `cell` with its value beside it (of the
    type `typed`: `str` for a text, as Excel writes it)."""
    import zipfile

    with zipfile.ZipFile(book) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    names = re.findall(rb'<sheet [^>]*name="([^"]+)"', parts["xl/workbook.xml"])
    part = f"xl/worksheets/sheet{names.index(sheet.encode()) + 1}.xml"
    xml, found = re.subn(rf'<c r="{cell}"([^>]*>\s*<f>[^<]*</f>)'.encode(),
                         f'<c r="{cell}"'.encode() + (f' t="{typed}"'.encode() if typed else b"")
                         + rb"\1<v>" + value.encode() + b"</v>", parts[part])
    assert found == 1
    parts[part] = xml
    with zipfile.ZipFile(book, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_formula_whose_value_was_never_saved_is_an_error_at_its_cell(tmp_path):
    """openpyxl and pandas write a formula with no value: read as an empty cell it would
    silently be a fact not known. Saved by Excel, with its value, it is that value."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "cases"
    book.active.append(["case_id", "as_of"])
    book.active.append(["c1", "2024-06-30"])
    awards = book.create_sheet("awards")
    awards.append(["case_id", "id", "amount_paid"])
    awards.append(["c1", "a1", "=260000*2"])
    book.save(tmp_path / "hr.xlsx")
    found = _problems(tmp_path, {}, [tmp_path / "hr.xlsx"])
    assert found == [("CP0703", "hr.xlsx[awards]:2:3", "the cell holds the formula "
                      "`=260000*2`, whose value was never saved with the workbook")]
    _with_saved_value(tmp_path / "hr.xlsx", "awards", "C2", "520000")
    (case,) = tables.import_tables([tmp_path / "hr.xlsx"])
    assert case["awards"][0]["amount_paid"] == "520000"


def test_a_formula_whose_saved_value_is_the_empty_text_is_an_empty_cell(tmp_path):
    """openpyxl reads a formula's saved empty text as no value, as it reads a value never
    saved; the type of the saved value (text) tells them apart: the cell is empty, not an
    error. A formula never saved is still refused, beside it."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "cases"
    book.active.append(["case_id", "as_of", "title"])
    book.active.append(["c1", "2024-06-30", '=IF(B2="","none","")'])
    book.active.append(["c2", "2024-06-30", '=IF(B3="","none","")'])
    book.save(tmp_path / "hr.xlsx")
    _with_saved_value(tmp_path / "hr.xlsx", "cases", "C2", "", typed="str")
    found = _problems(tmp_path, {}, [tmp_path / "hr.xlsx"])
    assert found == [("CP0703", "hr.xlsx[cases]:3:3", "the cell holds the formula "
                      '`=IF(B3="","none","")`, whose value was never saved with the workbook')]
    _with_saved_value(tmp_path / "hr.xlsx", "cases", "C3", "", typed="str")
    cases = tables.import_tables([tmp_path / "hr.xlsx"])
    assert [(c["case_id"], "title" in c) for c in cases] == [("c1", False), ("c2", False)]


def _titled_by(path: Path, formula: str) -> None:
    """A workbook of one case whose title (C2) is `formula`, saved by openpyxl (no value)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "cases"
    book.active.append(["case_id", "as_of", "title"])
    book.active.append(["c1", "2024-06-30", formula])
    book.save(path)


def test_a_formula_typed_as_text_but_with_no_saved_value_is_still_an_error(tmp_path):
    """The type of a text (`t="str"`) with no `<v>` at all is no saved value: only a saved
    empty text (`<v></v>`) is the empty cell it shows."""
    import zipfile

    _titled_by(tmp_path / "hr.xlsx", '=IF(B2="","none","")')
    with zipfile.ZipFile(tmp_path / "hr.xlsx") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet], found = re.subn(rb'<c r="C2">(<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?',
                                  rb'<c r="C2" t="str">\1', parts[sheet])
    assert found == 1
    with zipfile.ZipFile(tmp_path / "hr.xlsx", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert _problems(tmp_path, {}, [tmp_path / "hr.xlsx"]) == [
        ("CP0703", "hr.xlsx[cases]:2:3", "the cell holds the formula "
         '`=IF(B2="","none","")`, whose value was never saved with the workbook')]


def test_a_cell_saved_as_an_error_value_is_an_error_at_its_cell_not_its_text(tmp_path):
    """`#N/A` saved as a formula's value (`t="e"`) is no fact: never the text "#N/A"."""
    _titled_by(tmp_path / "hr.xlsx", "=VLOOKUP(A2,Z:Z,1,FALSE)")
    _with_saved_value(tmp_path / "hr.xlsx", "cases", "C2", "#N/A", typed="e")
    assert _problems(tmp_path, {}, [tmp_path / "hr.xlsx"]) == [
        ("CP0703", "hr.xlsx[cases]:2:3", "the cell holds the error value #N/A, which the "
         "formula `=VLOOKUP(A2,Z:Z,1,FALSE)` gave when the workbook was saved")]


def test_a_sheet_row_read_shorter_than_its_header_has_empty_cells(tmp_path):
    """A sheet's row has every column: a sheet saved without its dimensions reads its row
    with its empty cells at the end left out, which are empty cells, not a row cut short."""
    import zipfile

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "cases"
    book.active.append(["case_id", "as_of", "title"])
    book.active.append(["c1", "2024-06-30"])
    book.save(tmp_path / "hr.xlsx")
    with zipfile.ZipFile(tmp_path / "hr.xlsx") as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet], found = re.subn(rb"<dimension [^>]*/>", b"", parts[sheet])
    assert found == 1
    with zipfile.ZipFile(tmp_path / "hr.xlsx", "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    (case,) = tables.import_tables([tmp_path / "hr.xlsx"])
    assert (case["case_id"], "title" in case) == ("c1", False)


def test_a_workbook_without_the_xlsx_extra_names_the_extra(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(DiagnosticError) as raised:
        tables.import_tables([tmp_path / "cases.xlsx"])
    (diagnostic,) = raised.value.diagnostics
    assert "pip install 'clawpolicy[xlsx]'" in diagnostic.help


def test_roles_with_their_dates_come_from_their_own_table(tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "cases.csv").write_text(
        "case_id,as_of,participant.positions,participant.roles\n"
        "former-cfo,2023-06-30,CFO,\n"    # roles from roles.csv: the title's role is not derived
        "titles-only,2023-06-30,CFO,\n"   # no rows: derived from the title
        "none-held,2023-06-30,Director,true\n")  # given, with no rows: none
    (folder / "roles.csv").write_text(
        "case_id,role,title,since,until\n"
        "former-cfo,chief_financial_officer,CFO,2016-01-04,2020-12-31\n")
    cases = {c["case_id"]: c for c in tables.import_tables(sorted(folder.iterdir()))}
    assert cases["former-cfo"]["participant"]["roles"] == [
        {"role": "chief_financial_officer", "title": "CFO", "since": "2016-01-04",
         "until": "2020-12-31"}]
    assert "roles" not in cases["titles-only"]["participant"]
    assert cases["none-held"]["participant"]["roles"] == []
    read = {c.case_id: c for c in _read_back(list(cases.values()))}
    assert [(r.role, r.until) for r in read["titles-only"].participant.roles] == [
        ("chief_financial_officer", None)]
    assert read["former-cfo"].participant.roles[0].until.isoformat() == "2020-12-31"


def test_a_bad_role_cell_is_reported_at_its_cell(tmp_path):
    found = _problems(tmp_path, {
        "cases.csv": "case_id,as_of\nc1,2024-06-30\n",
        "roles.csv": "case_id,role,since\nc1,chief_executive_officer,2020-01-01\n"
                     "c1,ceo,2021-02-30\n"})
    assert [(code, where) for code, where, _ in found] == [
        ("CP0409", "roles.csv:3:2: participant.roles[1].role"),
        ("CP0410", "roles.csv:3:3: participant.roles[1].since")]
