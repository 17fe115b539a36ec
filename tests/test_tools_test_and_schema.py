"""`clawpolicy test` and `clawpolicy schema` as a user runs them."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from clawpolicy.cli import EXIT_FINDINGS, app
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, REVISION_CASES, ROOT

runner = CliRunner()


def copy_example(tmp_path, name: str):
    (source,) = [p for p in EXAMPLE_CASES if p.name.startswith(name)]
    target = tmp_path / "cases" / source.name
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    text = target.read_text().replace("policy: ../../policies/qualys-2019.claw",
                                      f"policy: {ROOT / 'policies' / 'qualys-2019.claw'}")
    target.write_text(text)
    return target


def test_passing_suite_exits_0_with_a_table_and_coverage():
    result = runner.invoke(app, ["test", str(ROOT / "examples")])
    assert result.exit_code == 0, result.stdout
    # Every shipped example (the Qualys cases, revised or not, and the other companies'), none
    # skipped: counted from the folders, so that adding an example needs no edit here.
    n = len(EXAMPLE_CASES) + len(REVISION_CASES) + len(COMPANY_CASES)
    assert f"{n} cases: {n} passed, 0 failed" in result.stdout
    for policy in ("qualys-2019", "qualys", "northrop-grumman-2010", "icf-2023"):
        assert f"Coverage of policies/{policy}.claw" in result.stdout.replace(str(ROOT) + "/", "")
    assert "never exercised: none" in result.stdout


def test_a_failure_shows_a_diff_of_expected_against_actual(tmp_path):
    case = copy_example(tmp_path, "01-")
    case.write_text(case.read_text().replace('bonus-fy2021: {outcome: recovery, recoverable: '
                                             '"156000.00"}',
                                             'bonus-fy2021: {outcome: recovery, recoverable: '
                                             '"150000.00"}'))
    result = runner.invoke(app, ["test", str(case)])
    assert result.exit_code == EXIT_FINDINGS
    assert "FAIL" in result.stdout
    assert "-    recoverable: '150000.00'" in result.stdout
    assert "+    recoverable: '156000.00'" in result.stdout


@pytest.mark.parametrize("stated, passes", [
    ("300000.001", False), ("300000.004", False), ("300000.005", False),
    ("299999.996", False), ("300000.0049999", False),
    ("300000", True), ("300000.00", True), ("300000.000", True)])
@pytest.mark.parametrize("where", ["total", "award"])
def test_a_stated_amount_is_compared_exactly_never_rounded_to_agree(tmp_path, stated, passes,
                                                                     where):
    """cases.md: what is stated must match exactly; `300000` and `300000.00` are one amount."""
    case = copy_example(tmp_path, "16-")
    old = ('total_recoverable: {amount: "300000.00"' if where == "total"
           else 'recoverable: "300000.00"}')
    assert old in case.read_text()
    case.write_text(case.read_text().replace(old, old.replace("300000.00", stated)))
    result = runner.invoke(app, ["test", str(case)])
    assert result.exit_code == (0 if passes else EXIT_FINDINGS), result.stdout
    assert ("1 passed" if passes else "1 failed") in result.stdout
    if not passes:
        assert stated in result.stdout  # the diff shows the amount as stated


def test_json_report_for_ci(tmp_path):
    case = copy_example(tmp_path, "02-")
    case.write_text(case.read_text().replace("  outcome: no_recovery", "  outcome: recovery"))
    result = runner.invoke(app, ["test", str(case), "--format", "json"])
    assert result.exit_code == EXIT_FINDINGS
    report = json.loads(result.stdout)
    assert report["summary"] == {"cases": 1, "passed": 0, "failed": 1, "skipped": []}
    assert report["cases"][0]["status"] == "fail"
    assert {"id": "material_restatement", "kind": "condition", "source": "policy",
            "met": False, "not_met": True, "unknown": False} in report["coverage"][0]["rules"]


def test_expectation_in_a_sibling_file(tmp_path):
    case = copy_example(tmp_path, "01-")
    text, expect = case.read_text().split("# What a reader", 1)
    case.write_text(text)
    block = yaml.safe_load("# What a reader" + expect)["expect"]
    case.with_name(case.stem + ".expect.yaml").write_text(yaml.safe_dump(block))
    result = runner.invoke(app, ["test", str(tmp_path / "cases")])
    assert result.exit_code == 0, result.stdout
    assert "1 case: 1 passed, 0 failed" in result.stdout


def test_a_typo_in_an_expectation_is_an_error_not_a_silent_pass(tmp_path):
    case = copy_example(tmp_path, "01-")
    case.write_text(case.read_text().replace("  outcome: recovery", "  outcom: recovery"))
    result = runner.invoke(app, ["test", str(case)])
    assert result.exit_code == EXIT_FINDINGS
    assert "unknown field `outcom`" in result.stdout


def test_nothing_to_test_is_not_a_pass(tmp_path):
    result = runner.invoke(app, ["test", str(tmp_path)])
    assert result.exit_code == EXIT_FINDINGS
    assert "no case file with an expectation was found" in result.stdout


def test_schema_validates_every_example_and_refuses_a_typo():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(schema)
    for path in EXAMPLE_CASES + REVISION_CASES:
        data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # dates and amounts as text
        data = json.loads(json.dumps(data).replace('"null"', "null").replace('"true"', "true")
                          .replace('"false"', "false"))
        if "format_version" in data:  # a whole number, which the text loader gives as text
            data["format_version"] = int(data["format_version"])
        errors = list(validator.iter_errors(data))
        assert not errors, (path.name, errors[0].message)
    assert list(validator.iter_errors({"case_id": "x", "as_of": "2024-06-30",
                                       "participant": {"sectoin16_officer": True}}))
