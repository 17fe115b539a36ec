"""The command as a user runs it: exit codes, formats, and errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from clawpolicy.cli import EXIT_CASE, EXIT_POLICY, EXIT_USAGE, app
from tests.conftest import EXAMPLE_CASES, QUALYS_2019, ROOT

runner = CliRunner()
CASE = str(EXAMPLE_CASES[0])
POLICY = str(QUALYS_2019)


def run(*args: str):
    return runner.invoke(app, list(args))


def test_json_is_the_contract_object():
    result = run("check", POLICY, CASE, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data)[:9] == ["case_id", "title", "as_of", "policy", "outcome",
                              "revisions_applied", "total_recoverable", "awards",
                              "other_recoverable"]
    assert data["outcome"] == "recovery"


def test_text_and_markdown_put_outcome_and_amount_first():
    text = run("check", POLICY, CASE, "--format", "text").stdout
    markdown = run("check", POLICY, CASE, "--format", "markdown").stdout
    assert "Outcome: RECOVERY, 156,000.00 USD recoverable" in text.split("Award ")[0]
    # The header names the participant first, then the case.
    assert markdown.startswith("# Determination for Dana Whitfield (p-101)")
    assert "| **Case** | full-recovery-paid-bonus: " in markdown.split("## Summary")[0]
    assert "Outcome: RECOVERY, 156,000.00 USD recoverable" in markdown.split("## Award")[0]


def test_json_is_the_default_when_not_on_a_terminal():
    assert json.loads(run("check", POLICY, CASE).stdout)["case_id"] == "full-recovery-paid-bonus"


def test_bad_flag_is_a_usage_error():
    result = run("check", POLICY, CASE, "--format", "xml")
    assert result.exit_code == EXIT_USAGE
    assert "'xml' is not one of" in result.output


def test_missing_argument_is_a_usage_error():
    result = run("check", POLICY)
    assert result.exit_code == EXIT_USAGE
    assert "give either CASE or --batch CASES" in " ".join(result.output.split())
    result = run("check")
    assert result.exit_code == EXIT_USAGE
    assert "Missing argument 'POLICY'" in result.output


def test_invalid_policy_exits_3_with_located_message():
    result = run("check", str(ROOT / "tests/bad_policies/unknown_name.claw"), CASE)
    assert result.exit_code == EXIT_POLICY
    assert "unknown_name.claw:5:12" in result.stderr
    assert "Traceback" not in result.output


def test_invalid_case_exits_4_with_field_path():
    result = run("check", POLICY, str(ROOT / "tests/bad_cases/unknown_key.yaml"))
    assert result.exit_code == EXIT_CASE
    assert "unknown_key.yaml:6:3: participant.sectoin16_officer" in result.stderr


def test_missing_files_are_reported_not_raised(tmp_path):
    result = run("check", str(tmp_path / "none.claw"), CASE)
    assert result.exit_code == EXIT_POLICY
    assert "cannot read the policy file" in result.stderr
    result = run("check", POLICY, str(tmp_path / "none.yaml"))
    assert result.exit_code == EXIT_CASE
    assert "cannot read the case file" in result.stderr


def test_installed_command_runs_outside_the_checkout(tmp_path):
    # The grammar ships with the package: run from elsewhere, by absolute paths.
    result = subprocess.run(
        [sys.executable, "-m", "clawpolicy", "check", POLICY, CASE, "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "recovery"


@pytest.mark.parametrize("seed", ["0", "1", "12345"])
def test_output_is_byte_identical_across_hash_seeds(seed, qualys_2019):
    from clawpolicy.api import evaluate, read_case
    from clawpolicy.render import json as json_render

    env = {**os.environ, "PYTHONHASHSEED": seed}
    for path in EXAMPLE_CASES[9:12]:
        out = subprocess.run([sys.executable, "-m", "clawpolicy", "check", POLICY, str(path),
                              "--format", "json"], env=env, capture_output=True, text=True)
        assert out.stdout == json_render.render(evaluate(qualys_2019, read_case(path)))
