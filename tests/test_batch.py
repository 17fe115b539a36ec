"""`clawpolicy check POLICY --batch CASES`: one line out for each case in, in order, a bad
case reported in its place, and the same lines whatever the number of jobs."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from clawpolicy.api import evaluate, read_case
from clawpolicy.cli import EXIT_CASE, EXIT_USAGE, app
from clawpolicy.render.json import render_line
from tests.conftest import EXAMPLE_CASES, QUALYS_2019, REVISION_CASES, ROOT

runner = CliRunner()


def jsonl(paths) -> str:
    lines = []
    for path in paths:
        data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)
        data.pop("expect", None)
        text = json.dumps(data).replace('"null"', "null").replace('"true"', "true") \
            .replace('"false"', "false")
        lines.append(text)
    return "\n".join(lines) + "\n"


@pytest.fixture
def cases_file(tmp_path):
    path = tmp_path / "cases.jsonl"
    text = jsonl(EXAMPLE_CASES[:6])
    lines = text.splitlines()
    lines.insert(2, '{"case_id": "bad", "as_of": "2024-13-01"}')
    lines.insert(5, "not json at all")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_one_line_out_for_each_case_in_order_with_bad_cases_in_their_place(cases_file,
                                                                           qualys_2019):
    result = runner.invoke(app, ["check", str(QUALYS_2019), "--batch", str(cases_file)])
    assert result.exit_code == EXIT_CASE  # every case was answered; two could not be read
    out = result.stdout.splitlines()
    assert len(out) == 8
    assert json.loads(out[2])["errors"][0]["code"] == "CP0410"
    assert json.loads(out[2])["source"] == f"{cases_file}:3"
    assert json.loads(out[5])["errors"][0]["where"] == f"{cases_file}:6:1"
    good = [line for i, line in enumerate(out) if i not in (2, 5)]
    lines = [n for n in range(1, 9) if n not in (3, 6)]  # where each good case was read
    assert good == [render_line(evaluate(qualys_2019, read_case(p)), f"{cases_file}:{n}")
                    for p, n in zip(EXAMPLE_CASES[:6], lines)]
    assert [json.loads(line)["source"] for line in out] == \
        [f"{cases_file}:{n}" for n in range(1, 9)]  # every line names its input
    schema = json.loads((ROOT / "schema" / "determination.schema.json").read_text())
    for line in good:
        jsonschema.validate(json.loads(line), schema)  # a batch line is a determination
    assert "8 cases: " in result.stderr and "2 not read" in result.stderr


def test_fail_on_in_a_batch_and_which_exit_code_wins(cases_file, tmp_path):
    """As docs/cases.md states it: a case not read (4) wins over --fail-on (5, 6), so a
    script never takes a run with unread cases for one whose outcomes it saw; with both
    flags, 5 (some case recovers) wins over 6."""
    def code(source, *flags):
        return runner.invoke(app, ["check", str(QUALYS_2019), "--batch", str(source),
                                   *flags]).exit_code

    assert code(cases_file, "--fail-on", "recovery") == EXIT_CASE
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(line for line in cases_file.read_text().splitlines()
                              if line.startswith("{") and "2024-13" not in line) + "\n")
    assert code(good) == 0
    assert code(good, "--fail-on", "recovery") == 5
    assert code(good, "--fail-on", "pending", "--fail-on", "recovery") == 5
    pending = tmp_path / "pending.jsonl"
    pending.write_text(jsonl([p for p in EXAMPLE_CASES if p.name.startswith(("10-", "02-"))]))
    assert code(pending, "--fail-on", "recovery", "--fail-on", "pending") == 6


def test_jobs_give_the_same_lines_in_the_same_order(cases_file):
    one = subprocess.run([sys.executable, "-m", "clawpolicy", "check", str(QUALYS_2019),
                          "--batch", str(cases_file)], capture_output=True, text=True)
    two = subprocess.run([sys.executable, "-m", "clawpolicy", "check", str(QUALYS_2019),
                          "--batch", str(cases_file), "--jobs", "2"],
                         capture_output=True, text=True)
    assert one.stdout == two.stdout and one.stdout.count("\n") == 8
    assert one.stderr == two.stderr


def test_standard_input_and_a_folder(tmp_path):
    text = jsonl(EXAMPLE_CASES[:3])
    result = runner.invoke(app, ["check", str(QUALYS_2019), "--batch", "-"], input=text)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3
    folder = runner.invoke(app, ["check", str(ROOT / "policies" / "qualys.claw"), "--batch",
                                 str(ROOT / "examples" / "cases" / "revisions")])
    assert folder.exit_code == 0
    assert [json.loads(line)["case_id"] for line in folder.stdout.splitlines()] == [
        read_case(p).case.case_id for p in REVISION_CASES]


@pytest.mark.parametrize("args, message", [
    (["check", str(QUALYS_2019)], "give either CASE or --batch CASES"),
    (["check", str(QUALYS_2019), str(EXAMPLE_CASES[0]), "--batch", "-"],
     "give either CASE or --batch CASES"),
    (["check", str(QUALYS_2019), "--batch", "-", "--format", "text"],
     "--batch writes JSON Lines only"),
    (["check", str(QUALYS_2019), str(EXAMPLE_CASES[0]), "--jobs", "2"],
     "--jobs goes with --batch"),
    (["check", str(QUALYS_2019), "--batch", "/nowhere.jsonl"], "/nowhere.jsonl does not exist"),
])
def test_batch_usage_errors(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_USAGE
    assert message in " ".join(result.output.split())


def test_the_progress_bar_on_a_terminal_and_its_total(tmp_path, cases_file):
    from clawpolicy import batch

    assert batch.total(str(cases_file)) == 8
    assert batch.total(str(ROOT / "examples" / "cases" / "revisions")) == len(REVISION_CASES)
    assert batch.total("-") is None
    import io
    import re

    shown, out = io.StringIO(), io.StringIO()
    batch.run(str(QUALYS_2019), str(cases_file), out, progress=shown)
    frames = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.getvalue())
    assert "8/8" in frames and "cases/s" in frames  # the count of the total, and the rate
    assert shown.getvalue().endswith("\x1b[2K")     # erased, so the summary stands alone
    assert out.getvalue().count("\n") == 8
