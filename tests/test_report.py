"""`clawpolicy report`: a 1,000-case batch as CSV, XLSX (read back), Markdown and HTML; the
totals per unit; the Item 402(w) summary with the fields other determinations add
(`excused`, `total_outstanding`, ...); stable pseudonyms; located errors."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from clawpolicy.api import evaluate, read_case
from clawpolicy.cli import EXIT_CASE, EXIT_USAGE, app
from clawpolicy.render import json as json_render
from tests.conftest import EXAMPLE_CASES, ICF_2023, ICF_CASES, REVISION_CASES

runner = CliRunner()


@pytest.fixture(scope="module")
def examples(qualys_2019) -> list[dict]:
    return [json.loads(json_render.render(evaluate(qualys_2019, read_case(p))))
            for p in EXAMPLE_CASES]


def _batch(examples: list[dict], count: int) -> list[dict]:
    """`count` determinations, the examples over and over, each of its own participant."""
    batch = []
    for i in range(count):
        d = json.loads(json.dumps(examples[i % len(examples)]))
        d["case_id"] = f"{d['case_id']}-{i}"
        d["participant"]["id"] = f"p-{i:04d}"
        d["participant"]["name"] = f"Person Number{i:04d}"
        batch.append(d)
    return batch


def _write(tmp_path, determinations: list[dict], extra: str = "") -> str:
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in determinations) + extra,
                    encoding="utf-8")
    return str(path)


def _totals(determinations: list[dict]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for d in determinations:
        total = d["total_recoverable"]
        for t in total if isinstance(total, list) else [total]:
            sums[t["unit"]] = sums.get(t["unit"], Decimal(0)) + Decimal(t["amount"])
    return sums


def test_a_thousand_cases_in_every_format(examples, tmp_path):
    batch = _batch(examples, 1000)
    source = _write(tmp_path, batch)
    rows = sum(len(d["awards"]) + len(d["other_recoverable"]) for d in batch)
    expected = _totals(batch)

    result = runner.invoke(app, ["report", source, "--format", "xlsx", "-o",
                                 str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "r.xlsx", read_only=True)
    awards = list(book["Awards"].iter_rows(values_only=True))
    assert awards[0][:5] == ("Participant", "Name", "Case", "Award", "Outcome")
    assert len(awards) == rows + 1
    totals = {row[0]: row[1] for row in book["Totals per unit"].iter_rows(min_row=2,
                                                                          values_only=True)}
    assert {u: Decimal(str(v)) for u, v in totals.items()} == expected
    # Recoverable amounts are numbers a spreadsheet can add, and add up to the totals.
    by_unit = Counter()
    for row in awards[1:]:
        if row[5] is not None:
            assert isinstance(row[5], int | float)
            by_unit[row[6]] += Decimal(str(row[5]))
    assert by_unit == expected

    result = runner.invoke(app, ["report", source, "--format", "csv"])
    assert result.exit_code == 0
    lines = list(csv.reader(io.StringIO(result.stdout)))
    assert lines[0] == ["# Awards"] and len(lines[2:2 + rows]) == rows
    for fmt, marker in (("markdown", "## Item 402(w) summary"), ("html", "<h2>Awards</h2>")):
        result = runner.invoke(app, ["report", source, "--format", fmt, "-o",
                                     str(tmp_path / f"r.{fmt}")])
        assert result.exit_code == 0 and result.stdout == ""
        text = (tmp_path / f"r.{fmt}").read_text(encoding="utf-8")
        assert marker in text and "Person Number0999" in text


def test_the_summary_reads_the_fields_other_determinations_add(examples, tmp_path):
    d = json.loads(json.dumps(next(e for e in examples if e["outcome"] == "recovery")))
    award = d["awards"][0]
    award["excused"] = {"amount": "1000.00", "unit": "USD", "exception": "impracticable_cost",
                        "clause": "Exception (i)"}
    award["outstanding"] = {"amount": "500.00", "unit": "USD"}
    d["total_excused"] = {"amount": "1000.00", "unit": "USD"}
    d["total_recovered"] = [{"amount": "2.00", "unit": "USD"}]
    d["total_outstanding"] = {"amount": "500.00", "unit": "USD"}
    plain = json.loads(json.dumps(examples[1]))
    result = runner.invoke(app, ["report", _write(tmp_path, [d, plain]), "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    summary = {r[0]: r[1] for r in rows if len(r) == 2}
    assert summary["Excused under an exception (included above, not recovered)"] == \
        "1,000.00 USD"
    # Recoveries made are recorded where the case gives them: of the two determinations,
    # only the one with a recovery could have recorded one.
    assert plain["outcome"] != "recovery"
    assert summary["Recovered"] == "2.00 USD"
    assert summary["Outstanding"] == "500.00 USD"
    assert ["impracticable_cost", "Exception (i)", "1,000.00 USD"] in rows
    assert ["USD", "156000.00", "1000.00", "2.00", "500.00", ""] in rows
    award_row = next(r for r in rows if len(r) == 11 and r[3] == award["id"])
    assert award_row[8:10] == ["1,000.00 USD", "500.00 USD"]


def _key(tmp_path, name: str, secret: str) -> str:
    path = tmp_path / name
    path.write_text(secret + "\n", encoding="utf-8")
    return str(path)


def test_totals_say_where_recoveries_are_not_recorded_or_exceed_the_recoverable(examples,
                                                                              tmp_path):
    # The audit's rc2: one case records recoveries, 350,000 recovered of 300,000
    # recoverable; the other records none. The totals showed Outstanding 0.00 without a word.
    recorded = json.loads(json.dumps(next(e for e in examples if e["outcome"] == "recovery")))
    unrecorded = json.loads(json.dumps(recorded))
    unrecorded["case_id"] = "norec"
    award = recorded["awards"][0]
    recoverable = Decimal(award["recoverable"]["amount"])
    award["recovered"] = {"amount": str(recoverable + 50000), "unit": "USD"}
    award["outstanding"] = {"amount": "0.00", "unit": "USD"}
    recorded["total_recovered"] = award["recovered"]
    recorded["total_outstanding"] = award["outstanding"]
    result = runner.invoke(app, ["report", _write(tmp_path, [recorded, unrecorded]),
                                 "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout)))
    totals = rows[rows.index(["# Totals per unit"]) + 2]
    assert totals[4] == "0.00" and totals[5] == (
        "Recovered and Outstanding not recorded in 1 of 2 determinations with a recovery; "
        "more recorded as recovered than recoverable in 1 award (50,000.00 USD beyond; see the "
        "Item 402(w) summary)")
    summary = {r[0]: r[1] for r in rows if len(r) == 2}
    shown = f"{recoverable + 50000:,} USD recorded as recovered, {recoverable:,} USD recoverable"
    assert summary["Recorded as recovered beyond the amount recoverable: "
                   f"{recorded['case_id']}, award {award['id']}"] == shown
    # Recorded in both, and no more than recoverable: no caveat.
    unrecorded.update(total_recovered=recorded["total_recovered"],
                      total_outstanding=recorded["total_outstanding"])
    award["recovered"]["amount"] = str(recoverable)
    result = runner.invoke(app, ["report", _write(tmp_path, [recorded, unrecorded]),
                                 "--format", "csv"])
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[rows.index(["# Totals per unit"]) + 2][5] == ""
    assert not [r for r in rows if r and r[0].startswith("Recorded as recovered beyond")]


def test_redacted_reports_name_no_one_and_keep_pseudonyms_stable(examples, tmp_path):
    batch = _batch(examples, 60)
    source = _write(tmp_path, batch)
    key = _key(tmp_path, "team.key", "0123456789abcdef" * 4)
    first = runner.invoke(app, ["report", source, "--format", "csv", "--redact-key", key]).stdout
    second = runner.invoke(app, ["report", source, "--format", "csv", "--redact"],
                           env={"CLAWPOLICY_REDACT_KEY_FILE": key}).stdout
    assert first == second  # the same key, by option or by environment variable
    for d in batch:
        assert d["participant"]["name"] not in first and d["participant"]["id"] not in first
        assert d["case_id"] not in first
        # Nor the awards, though the open questions name them ("What would award psu-2022
        # have been on the restated results?").
        assert not [a["id"] for a in d["awards"] if a["id"] in first]
    assert "What would award A-" in first
    rows = [r for r in csv.reader(io.StringIO(first))][2:]
    people = {r[0] for r in rows if r and r[0].startswith("P-")}
    assert len(people) == 60  # one pseudonym per participant, none shared


def _ids(report: str) -> list[str]:
    return sorted(re.findall(r"\b[PCAS]-[0-9a-f]{12}\b", report))


def test_pseudonyms_cannot_be_reversed_by_guessing_ids(examples, tmp_path):
    # The auditor's attack (issue 15 §4): hash every likely id as the report would, and look
    # the report's pseudonyms up. Keyed by a secret, the report gives nothing to look up.
    batch = _batch(examples, 30)
    for i, d in enumerate(batch):
        d["participant"]["id"] = f"p-{i:03d}"
    source = _write(tmp_path, batch)
    guesses = [f"p-{i:03d}" for i in range(1000)] + [
        f"{kind}{year}" for year in range(2010, 2031)
        for kind in ("bonus-fy", "psu-", "psu-fy", "rsu-", "ltip-cash-")] + \
        [d["case_id"] for d in batch] + [a["id"] for d in batch for a in d["awards"]]
    keys = [None, _key(tmp_path, "team.key", "k" * 32)]
    for key in keys:
        args = ["--redact-key", key] if key else ["--redact"]
        report = runner.invoke(app, ["report", source, "--format", "csv", *args]).stdout
        pseudonyms = set(_ids(report))
        assert len({p for p in pseudonyms if p.startswith("P-")}) == 30
        for prefix in "PCA":
            for length in (10, 12, 64):
                unkeyed = {f"{prefix}-" + hashlib.sha256(f"{prefix}:{g}".encode())
                           .hexdigest()[:length] for g in guesses}
                assert not pseudonyms & unkeyed
        assert not [g for g in guesses if re.search(rf"\b{re.escape(g)}\b", report)]


def test_the_same_key_gives_the_same_pseudonyms_and_another_key_others(examples, tmp_path):
    source = _write(tmp_path, _batch(examples, 5))

    def ids(*args: str, env=None) -> list[str]:
        result = runner.invoke(app, ["report", source, "--format", "md", *args], env=env)
        assert result.exit_code == 0, result.output
        return _ids(result.stdout)

    one, other = _key(tmp_path, "one.key", "1" * 40), _key(tmp_path, "two.key", "2" * 40)
    assert ids("--redact-key", one) == ids("--redact", env={"CLAWPOLICY_REDACT_KEY_FILE": one})
    assert not set(ids("--redact-key", one)) & set(ids("--redact-key", other))
    # Without a key, a fresh one each run: stable within the report, not across reports.
    assert not set(ids("--redact")) & set(ids("--redact"))


@pytest.mark.parametrize("secret, reason", [
    (None, "no such file"), ("", "it is empty"),
    ("short", "it holds 5 bytes, fewer than the 32 of a secret")])
def test_a_redaction_key_that_cannot_be_used_is_a_located_usage_error(examples, tmp_path,
                                                                      secret, reason):
    source = _write(tmp_path, [examples[0]])
    key = str(tmp_path / "bad.key") if secret is None else _key(tmp_path, "bad.key", secret)
    for args, env in ((["--redact-key", key], None),
                      (["--redact"], {"CLAWPOLICY_REDACT_KEY_FILE": key})):
        result = runner.invoke(app, ["report", source, *args], env=env)
        assert result.exit_code == EXIT_USAGE and result.stdout == ""
        assert f"error[CP1203]: the redaction key cannot be used: {reason}\n  --> {key}\n" \
            in result.stderr
    # The variable is read only for a redacted report: a plain one never needs the key.
    plain = runner.invoke(app, ["report", source], env={"CLAWPOLICY_REDACT_KEY_FILE": key})
    assert plain.exit_code == 0


def test_hostile_text_in_a_report_stays_text(examples, tmp_path):
    d = json.loads(json.dumps(examples[0]))
    d["participant"]["name"] = "<img src=x onerror=alert(1)>"
    d["case_id"] = "| *x* [a](javascript:alert(1))"
    source = _write(tmp_path, [d])
    page = runner.invoke(app, ["report", source, "--format", "html"]).stdout
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    markdown = runner.invoke(app, ["report", source, "--format", "md"]).stdout
    assert "<img" not in markdown and r"\| \*x\* \[a\](javascript:alert(1))" in markdown


def test_control_characters_in_a_report_are_shown_as_escapes(examples, tmp_path):
    d = json.loads(json.dumps(examples[0]))
    d["participant"]["name"] = "Jordan\n\nOutcome: NO RECOVERY\x1b[2J\rX\x08"
    d["case_id"] = "case\u2028\x1b[31m"
    source = _write(tmp_path, [d])
    for form in ("md", "html", "csv"):
        page = runner.invoke(app, ["report", source, "--format", form]).stdout
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028]", page), form
        assert "Outcome: NO RECOVERY\\x1b[2J\\rX\\x08" in page.replace("\\\\", "\\") \
            .replace("\\[", "["), form
        assert not [line for line in page.splitlines() if line.startswith("Outcome")]


def test_a_line_separator_inside_a_determination_does_not_cut_it(examples, tmp_path):
    # `check --batch` writes a case's text as it is: a name holding U+2028 (or U+0085) is one
    # line of JSON Lines, which str.splitlines would have cut in two (CP1200, a lost case).
    d = json.loads(json.dumps(examples[0]))
    d["participant"]["name"] = "Jordan\u2028Castellanos\x85"
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps(d, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "Jordan\\u2028Castellanos\\x85" in result.stdout


def test_lines_that_are_not_determinations_are_located(examples, tmp_path):
    source = _write(tmp_path, [examples[0]], '{"case_id": 3}\nnot json\n')
    result = runner.invoke(app, ["report", source])
    assert result.exit_code == EXIT_CASE
    assert "error[CP1201]: line 2 is not a determination: `case_id` is missing or not a str" \
        in result.stderr
    assert f"error[CP1200]: line 3 is not JSON: Expecting value\n  --> {source}:3:1" \
        in result.stderr
    assert runner.invoke(app, ["report", str(tmp_path / "none.jsonl")]).exit_code == EXIT_CASE


def test_unread_cases_are_listed_and_xlsx_needs_a_file(examples, tmp_path):
    unread = '{"source": "cases.jsonl:7", "errors": [{"code": "CP0409", "message": "bad"}]}\n'
    source = _write(tmp_path, [examples[0]], unread)
    result = runner.invoke(app, ["report", source, "--format", "csv"])
    assert result.exit_code == 0 and "cases.jsonl:7,CP0409: bad" in result.stdout
    assert "Cases not determined,1" in result.stdout
    result = runner.invoke(app, ["report", source, "--format", "xlsx"])
    assert result.exit_code == EXIT_USAGE and "-o FILE.xlsx" in result.output


def test_redacted_cases_not_determined_keep_neither_file_names_nor_quoted_values(examples,
                                                                                 tmp_path):
    unread = ('{"source": "cases/jordan-castellanos.yaml", "errors": [{"code": "CP0405", '
              '"message": "`Jordan Castellanos` is not a date", "help": "expected a date as '
              'YYYY-MM-DD", "where": "cases/jordan-castellanos.yaml: as_of"}]}\n')
    source = _write(tmp_path, [examples[0]], unread)
    plain = runner.invoke(app, ["report", source, "--format", "csv"]).stdout
    assert "cases/jordan-castellanos.yaml" in plain and "`Jordan Castellanos`" in plain
    redacted = runner.invoke(app, ["report", source, "--format", "csv", "--redact"]).stdout
    assert "Jordan" not in redacted and "castellanos" not in redacted
    assert "CP0405 at as_of: expected a date as YYYY-MM-DD" in redacted
    assert "S-" in redacted


def _summary_of(policy, cases, tmp_path) -> dict[str, str]:
    source = _write(tmp_path, [json.loads(json_render.render(evaluate(policy, read_case(p))))
                               for p in cases])
    result = runner.invoke(app, ["report", source, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    start = rows.index(["# Item 402(w) summary"])
    return {r[0]: r[1] for r in rows[start + 2:] if len(r) == 2}


def test_the_summary_labels_each_amount_by_the_rule_that_computed_it(qualys_revised, tmp_path):
    # Section 304 takes the whole bonus received (not the excess) and the profits on sales of
    # stock (not compensation): neither is added into one "erroneously awarded" figure.
    summary = _summary_of(qualys_revised, [EXAMPLE_CASES[0], REVISION_CASES[6]], tmp_path)
    assert not [k for k in summary if "rroneously" in k]
    assert summary["Recoverable compensation under the amount rule of revision sox_304, "
                   "before exceptions"] == "1,170,000.00 USD"
    assert summary["Other amounts recoverable: stock sale profits (revision sox_304)"] == \
        "2,165,000.00 USD"
    assert summary["Total recoverable after exceptions and remedies"] == "3,335,000.00 USD"
    assert summary["Excused under an exception (included above, not recovered)"] == "none"


def test_excused_amounts_are_listed_beside_not_subtracted(tmp_path):
    from clawpolicy.api import compile_policy

    # The eighteen examples the figures below were added up from (01-18): later examples
    # would change the totals, not what is being tested.
    cases = [p for p in ICF_CASES if int(p.name[:2]) <= 18]
    assert len(cases) == 18
    summary = _summary_of(compile_policy(ICF_2023), cases, tmp_path)
    assert summary["Recoverable compensation under the policy's amount rule, "
                   "before exceptions"] == "830,000.00 USD and 11,000 shares"
    assert summary["Excused under an exception (included above, not recovered)"] == \
        "140,000.00 USD and 5,000 shares"
    assert summary["Total recoverable after exceptions and remedies"] == \
        "690,000.00 USD and 6,000 shares"
    # No case records a recovery made: nothing to say "not recorded in 15 of 18" about.
    assert summary["Recovered"] == "not recorded in these determinations"


def test_a_formula_from_a_case_stays_text_in_xlsx_and_csv(examples, tmp_path):
    # OWASP's CSV injection: a name a spreadsheet would run as a formula.
    d = json.loads(json.dumps(next(e for e in examples if e["outcome"] == "recovery")))
    d["participant"]["name"] = '=HYPERLINK("http://x.test","click")'
    d["participant"]["id"] = "@SUM(1+1)"
    d["case_id"] = "\tcmd"
    source = _write(tmp_path, [d])
    assert runner.invoke(app, ["report", source, "-f", "xlsx", "-o",
                               str(tmp_path / "r.xlsx")]).exit_code == 0
    from openpyxl import load_workbook

    row = next(load_workbook(tmp_path / "r.xlsx")["Awards"].iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in row[:3]] == [
        ("@SUM(1+1)", "s"), ('=HYPERLINK("http://x.test","click")', "s"), ("\\tcmd", "s")]
    assert isinstance(row[5].value, int | float)  # an amount is still a number
    lines = list(csv.reader(io.StringIO(runner.invoke(app, ["report", source, "-f",
                                                            "csv"]).stdout)))
    # A tab, a control character, is shown as `\t` (as in the memo): text that starts no
    # formula.
    assert lines[2][:3] == ["'@SUM(1+1)", "'=HYPERLINK(\"http://x.test\",\"click\")", "\\tcmd"]
    assert lines[2][5] == d["awards"][0]["recoverable"]["amount"]


def test_an_estimate_the_amount_did_not_read_is_not_reported_as_used(qualys_revised, tmp_path):
    # Revised 07 (SOX 304): the amount is all that was received, so a restated amount given
    # as an estimate was not used to determine it; under the 2019 text it would be.
    import yaml

    from tests.conftest import QUALYS_2019, REVISION_CASES
    from clawpolicy.api import compile_policy
    from clawpolicy.render import report

    path = next(p for p in REVISION_CASES if p.stem.startswith("07-"))
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    for award in case["awards"]:
        award["as_restated_is_estimate"] = True
    estimated = tmp_path / "estimated.yaml"
    estimated.write_text(yaml.safe_dump(case), encoding="utf-8")
    revised, plain = (json.loads(json_render.render(evaluate(p, read_case(estimated))))
                      for p in (qualys_revised, compile_policy(QUALYS_2019)))
    # bonus-fy2021's amount reads what was paid under SOX 304; bonus-fy2022 (not reached by
    # it) is decided on the 2019 text, which reads the restated amount.
    assert [r[2] for r in report.build([revised], []).estimates.rows] == ["bonus-fy2022"]
    assert [r[2] for r in report.build([plain], []).estimates.rows] == [
        "bonus-fy2021", "bonus-fy2022"]
