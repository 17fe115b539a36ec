"""The command line's conventions, as a user relies on them: -h, - for the case, md,
shell completion, --fail-on, several files and folders for lint, trace and fmt, lint's JSON,
fmt --diff, the hints for common mistakes, `policies`, `schema POLICY`, and `import`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clawpolicy.cli import (EXIT_CASE, EXIT_FINDINGS, EXIT_OK, EXIT_PENDING, EXIT_POLICY,
                            EXIT_RECOVERY, EXIT_USAGE, app)
from tests.conftest import (EXAMPLE_CASES, ICF_2023, NORTHROP_2010, POLICIES, QUALYS, QUALYS_2019,
                            ROOT)

runner = CliRunner()
RECOVERY = EXAMPLE_CASES[0]                                    # 01-full-recovery-paid-bonus
PENDING = next(p for p in EXAMPLE_CASES if p.name.startswith("11-"))
NO_RECOVERY = next(p for p in EXAMPLE_CASES if p.name.startswith("02-"))


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_dash_h_is_help_everywhere():
    assert run("-h").exit_code == 0 and "check" in run("-h").output
    for command in ("check", "lint", "trace", "fmt", "schema", "import", "policies"):
        result = run(command, "-h")
        assert result.exit_code == 0 and "Example:" in result.output, command


def test_dash_reads_the_case_from_standard_input():
    result = run("check", QUALYS_2019, "-", "--format", "json", input=RECOVERY.read_bytes())
    expected = run("check", QUALYS_2019, RECOVERY, "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected.stdout
    # a case in JSON, on standard input, is read as JSON
    case_json = subprocess.run(
        [sys.executable, "-c", "import json,sys,yaml; d=yaml.safe_load(open(sys.argv[1]));"
         "print(json.dumps(d, default=str))", str(RECOVERY)], capture_output=True, text=True
    ).stdout
    result = run("check", QUALYS_2019, "-", "--format", "json", input=case_json)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcome"] == "recovery"


def test_md_is_markdown():
    md = run("check", QUALYS_2019, RECOVERY, "--format", "md")
    markdown = run("check", QUALYS_2019, RECOVERY, "--format", "markdown")
    assert md.exit_code == 0 and md.stdout == markdown.stdout
    assert md.stdout.startswith("# Determination")
    assert run("trace", QUALYS_2019, "-f", "md").stdout == \
        run("trace", QUALYS_2019, "-f", "markdown").stdout


def test_shell_completion_completes_commands(tmp_path):
    program = Path(sys.executable).parent / "clawpolicy"
    if not program.exists():
        pytest.skip("the clawpolicy script is not installed beside this Python")
    env = {**os.environ, "_CLAWPOLICY_COMPLETE": "complete_bash",
           "COMP_WORDS": "clawpolicy ch", "COMP_CWORD": "1"}
    result = subprocess.run([str(program)], env=env, capture_output=True, text=True,
                            timeout=60)
    assert "check" in result.stdout.split()
    assert "--install-completion" in run("--help").output


@pytest.mark.parametrize("case, fail_on, code", [
    (RECOVERY, ["recovery"], EXIT_RECOVERY), (RECOVERY, ["pending"], EXIT_OK),
    (PENDING, ["pending"], EXIT_PENDING), (PENDING, ["recovery"], EXIT_OK),
    (NO_RECOVERY, ["recovery", "pending"], EXIT_OK), (RECOVERY, [], EXIT_OK)])
def test_fail_on_gives_a_status_a_script_can_test(case, fail_on, code):
    flags = [a for f in fail_on for a in ("--fail-on", f)]
    result = run("check", QUALYS_2019, case, "--format", "json", *flags)
    assert result.exit_code == code, result.output
    assert json.loads(result.stdout)["case_id"]  # the determination is printed all the same


def test_fail_on_with_a_batch(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    for case in (NO_RECOVERY, PENDING):
        shutil.copy(case, folder / case.name)
    assert run("check", QUALYS_2019, "--batch", folder, "--fail-on", "recovery").exit_code \
        == EXIT_OK
    assert run("check", QUALYS_2019, "--batch", folder, "--fail-on", "pending").exit_code \
        == EXIT_PENDING


def test_lint_takes_several_files_and_folders():
    result = run("lint", POLICIES)
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout == (f"{ICF_2023}: no errors, no warnings\n"
                             f"{NORTHROP_2010}: no errors, no warnings\n"
                             f"{QUALYS_2019}: no errors, no warnings\n"
                             f"{QUALYS}: no errors, no warnings\n")
    assert run("lint", ICF_2023, NORTHROP_2010, QUALYS_2019, QUALYS).stdout == result.stdout


def test_lint_json_for_machines(tmp_path):
    (tmp_path / "p.claw").write_text(QUALYS_2019.read_text().replace(
        '  source "sources/qualys-clawback-policy-2019.txt"\n', ""))
    result = run("lint", QUALYS_2019, tmp_path / "p.claw", "--format", "json")
    assert result.exit_code == EXIT_FINDINGS
    data = json.loads(result.stdout)
    assert [p["path"] for p in data["policies"]] == [str(QUALYS_2019), str(tmp_path / "p.claw")]
    assert data["policies"][0]["warnings"] == []
    assert "CP1006" in [w["code"] for w in data["policies"][1]["warnings"]]


def test_trace_takes_several_policies_each_headed_by_its_file():
    one = run("trace", QUALYS_2019).stdout
    both = run("trace", QUALYS_2019, QUALYS)
    assert both.exit_code == 0
    assert both.stdout.startswith(f"== {QUALYS_2019} ==\n\n" + one)
    assert f"== {QUALYS} ==" in both.stdout


def test_fmt_diff_shows_the_change_and_changes_nothing(tmp_path):
    messy = tmp_path / "p.claw"
    original = QUALYS_2019.read_text().replace('policy "Qualys', 'policy   "Qualys', 1)
    messy.write_text(original)
    (tmp_path / "sources").symlink_to(POLICIES / "sources")
    result = run("fmt", "--diff", tmp_path)
    assert result.exit_code == EXIT_FINDINGS
    assert f"--- {messy}\n+++ {messy} (formatted)\n" in result.stdout
    assert '-policy   "Qualys' in result.stdout and '+policy "Qualys' in result.stdout
    assert messy.read_text() == original
    assert run("fmt", "--diff", QUALYS_2019).exit_code == EXIT_OK


@pytest.mark.parametrize("args, hint", [
    (["check", QUALYS_2019, ROOT / "examples" / "cases"], "--batch"),
    (["check", QUALYS_2019, EXAMPLE_CASES[0], EXAMPLE_CASES[1]], "--batch FOLDER"),
    (["check", QUALYS_2019, ROOT / "tests" / "hostile" / "mixed.jsonl"],
     "holds JSON Lines (one case a line), and CASE is one case: to determine each, use "
     "clawpolicy check"),
    (["check", EXAMPLE_CASES[0], QUALYS_2019], "the policy comes first, then the case"),
    (["check", QUALYS_2019, "--batch", ROOT / "examples" / "import" / "cases.csv"],
     "clawpolicy import"),
    # One YAML case: not read as JSON Lines, an error line for each of its lines (exit 4).
    (["check", QUALYS_2019, "--batch", EXAMPLE_CASES[0]],
     f"is one case file: determine it with clawpolicy check {QUALYS_2019} {EXAMPLE_CASES[0]}"),
    # A folder of tables, and one of no case file at all: not a run of "0 cases", exit 0.
    (["check", QUALYS_2019, "--batch", ROOT / "examples" / "import"],
     "holds tables (award_findings.csv, awards.csv, cases.csv, ...), no case file: turn the "
     "tables "
     "into cases first with clawpolicy import"),
    (["check", QUALYS_2019, "--batch", ROOT / "grammar"],
     "holds no case file (.yaml, .yml, .json, in it or its folders)"),
])
def test_common_mistakes_get_a_hint_and_exit_2(args, hint):
    result = run(*args)
    assert result.exit_code == EXIT_USAGE
    assert hint in " ".join(result.output.split())


def test_a_batch_folder_names_the_json_lines_and_tables_it_does_not_read(tmp_path):
    """A folder of case files is read for them only; a JSON Lines file or a table beside
    them was passed over in silence ("1 cases", exit 0, for a folder of 401)."""
    shutil.copy(RECOVERY, tmp_path / "a.yaml")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "cases.jsonl").write_text('{"case_id": "c1", "as_of": "2024-06-30"}\n')
    shutil.copy(ROOT / "examples" / "import" / "cases.csv", tmp_path / "cases.csv")
    result = run("check", QUALYS_2019, "--batch", tmp_path)
    assert result.exit_code == EXIT_OK
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr.startswith(
        "note: --batch reads the case files of a folder (.yaml, .yml, .json), and 2 files of "
        f"{tmp_path} are not read (cases.csv, more/cases.jsonl): give a JSON Lines file to "
        "--batch on its own, and turn tables into cases first with clawpolicy import")
    (tmp_path / "cases.csv").unlink()
    (tmp_path / "more" / "cases.jsonl").unlink()
    assert run("check", QUALYS_2019, "--batch", tmp_path).stderr.startswith("1 case: ")


def test_policies_lists_the_shipped_policies_and_a_name_works_as_a_path(tmp_path,
                                                                        monkeypatch):
    result = run("policies")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"icf-2023\tICF International, Inc. Compensation Recovery Policy\t{ICF_2023}",
        "northrop-grumman-2010\tNorthrop Grumman Corporation Policy Regarding the Recoupment of"
        f" Certain Performance-Based Compensation Payments\t{NORTHROP_2010}",
        f"qualys-2019\tQualys, Inc. Clawback Policy\t{QUALYS_2019}",
        f"qualys\tQualys, Inc. Clawback Policy\t{QUALYS}"]
    monkeypatch.chdir(tmp_path)
    by_name = run("check", "qualys-2019", RECOVERY, "--format", "json")
    assert by_name.stdout == run("check", QUALYS_2019, RECOVERY, "--format", "json").stdout
    assert run("lint", "qualys").exit_code == 0


def test_schema_with_a_policy_and_of_the_determination():
    assert run("schema").stdout == (ROOT / "schema" / "case.schema.json").read_text()
    assert run("schema", "--determination").stdout == \
        (ROOT / "schema" / "determination.schema.json").read_text()
    assert json.loads(run("schema", QUALYS_2019).stdout)["properties"]["facts"]
    assert run("schema", ROOT / "missing.claw").exit_code == EXIT_POLICY


def test_import_writes_the_cases_and_reports_bad_cells(tmp_path):
    tables = sorted((ROOT / "examples" / "import").glob("*.csv"))
    out = tmp_path / "cases.jsonl"
    result = run("import", *tables, "-o", out)
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 3
    batch = run("check", QUALYS, "--batch", out)
    assert batch.exit_code == 0, batch.output
    bad = tmp_path / "cases.csv"
    bad.write_text("case_id,as_of\nc1,2024-13-01\n")
    result = run("import", bad, "-o", tmp_path / "x.jsonl")
    assert result.exit_code == EXIT_CASE
    assert f"--> {bad}:2:2: as_of" in result.output
    assert not (tmp_path / "x.jsonl").exists()
    result = run("import", "--template", tmp_path / "template")
    assert result.exit_code == 0
    assert (tmp_path / "template" / "awards.csv").read_text().startswith("case_id,id,")
