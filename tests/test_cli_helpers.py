"""What the command line recognises before reading anything: the mistakes it hints at, and
the policies among the files and folders a command is given."""

from __future__ import annotations

from pathlib import Path

from clawpolicy.tools import files, hints
from tests.conftest import ICF_2023, NORTHROP_2010, POLICIES, QUALYS, QUALYS_2019


def test_swapped_arguments_are_named_with_the_command_meant(tmp_path):
    assert hints.swapped("case.yaml", "policy.claw") == \
        "the policy comes first, then the case: clawpolicy check policy.claw case.yaml"
    (tmp_path / "case.json").write_text("{}")
    assert "looks like a case file, not a policy" in hints.swapped(tmp_path / "case.json", None)
    assert hints.swapped(tmp_path / "missing.json", None) is None  # the reader says why
    assert hints.swapped("policy.claw", "case.yaml") is None
    assert hints.swapped("qualys-2019", "case.yaml") is None


def test_a_folder_or_several_cases_given_as_case_point_to_batch(tmp_path):
    assert "use clawpolicy check p.claw --batch" in hints.several_cases("p.claw",
                                                                        [str(tmp_path)])
    two = hints.several_cases("p.claw", ["a.yaml", "b.yaml"])
    assert "2 were given" in two and "--batch FOLDER" in two
    assert hints.several_cases("p.claw", ["a.yaml"]) is None
    assert hints.several_cases("p.claw", ["-"]) is None


def test_json_lines_given_as_case_point_to_batch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = '{"case_id": "c1", "as_of": "2024-06-30"}\n'
    Path("cases.jsonl").write_text(line + "\n" + line)
    assert hints.json_lines_as_case("p.claw", "cases.jsonl") == (
        "cases.jsonl holds JSON Lines (one case a line), and CASE is one case: to determine "
        "each, use clawpolicy check p.claw --batch cases.jsonl")
    Path("lines.json").write_text("\ufeff" + line * 2)  # whatever the name, with a BOM
    assert "--batch lines.json" in hints.json_lines_as_case("p.claw", "lines.json")
    # One line is one case (JSON is YAML), and a pretty JSON or a YAML case is no mistake.
    Path("one.jsonl").write_text(line)
    Path("pretty.json").write_text('{\n  "case_id": "c1",\n  "as_of": "2024-06-30"\n}\n')
    Path("case.yaml").write_text("case_id: c1\nas_of: 2024-06-30\n")
    for case in ("one.jsonl", "pretty.json", "case.yaml", "missing.jsonl", "-", "."):
        assert hints.json_lines_as_case("p.claw", case) is None, case
    assert hints.json_lines_as_case("p.claw", None) is None


def test_a_csv_given_to_batch_points_to_import(tmp_path):
    assert "clawpolicy import" in hints.table_for_batch("people.csv")
    disguised = tmp_path / "cases.jsonl"
    disguised.write_text("case_id,as_of\nc1,2024-06-30\n")
    assert "looks like a CSV table" in hints.table_for_batch(str(disguised))
    jsonl = tmp_path / "real.jsonl"
    jsonl.write_text('{"case_id": "c1", "as_of": "2024-06-30"}\n')
    assert hints.table_for_batch(str(jsonl)) is None
    assert hints.table_for_batch("-") is None
    assert hints.table_for_batch(str(tmp_path)) is None


def test_one_case_file_given_to_batch_is_named_with_the_command_meant(tmp_path):
    """Read as JSON Lines, a YAML case (or JSON over several lines) gave one error line per
    line of the file and exit code 4; it is the CASE of `check`, or its folder is the batch."""
    yaml = tmp_path / "c1.YML"
    yaml.write_text("case_id: c1\nas_of: 2024-06-30\n")
    assert hints.case_for_batch("qualys", str(yaml)) == (
        f"--batch reads JSON Lines (one case a line) or a folder of case files, and {yaml} is "
        f"one case file: determine it with clawpolicy check qualys {yaml}, or give --batch "
        "the folder that holds it")
    pretty = tmp_path / "c1.json"
    pretty.write_text('\n{\n  "case_id": "c1",\n  "as_of": "2024-06-30"\n}\n')
    assert "is one case file" in hints.case_for_batch("qualys", str(pretty))
    one_a_line = tmp_path / "cases.json"  # JSON Lines by another name: a batch
    one_a_line.write_text('{"case_id": "c1", "as_of": "2024-06-30"}\n{"case_id": "c2"}\n')
    assert hints.case_for_batch("qualys", str(one_a_line)) is None
    assert hints.case_for_batch("qualys", str(tmp_path)) is None
    assert hints.case_for_batch("qualys", "-") is None


def test_a_folder_with_no_case_file_given_to_batch_is_named_for_what_it_holds(tmp_path):
    assert "holds no case file" in hints.folder_for_batch(str(tmp_path))
    (tmp_path / "hr" / "2024").mkdir(parents=True)
    (tmp_path / "hr" / "2024" / "cases.csv").write_text("case_id,as_of\n")
    (tmp_path / "notes.txt").write_text("")
    assert "holds tables (hr/2024/cases.csv), no case file" in \
        hints.folder_for_batch(str(tmp_path))
    (tmp_path / "hr" / "c1.YAML").write_text("case_id: c1\n")  # a case file, in any case
    assert hints.folder_for_batch(str(tmp_path)) is None
    assert hints.folder_for_batch("-") is None
    assert hints.folder_for_batch(str(tmp_path / "hr" / "c1.YAML")) is None


def test_a_folder_gives_its_policies_not_the_parts_they_include():
    assert files.policies([POLICIES]) == [ICF_2023, NORTHROP_2010, QUALYS_2019, QUALYS]
    revision = POLICIES / "revisions" / "sox-304.claw"
    assert files.policies([revision]) == [revision]  # given by name: linted as asked
    assert revision in files.expand([POLICIES])      # fmt formats every file


def test_a_path_given_twice_counts_once_and_a_shipped_name_resolves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert files.expand([QUALYS, QUALYS]) == [QUALYS]
    assert files.expand([Path("qualys")]) == [QUALYS]
    assert files.policies([Path("qualys-2019")]) == [QUALYS_2019]


def test_lint_json_gives_each_policy_its_errors_and_warnings_with_places(tmp_path):
    import json

    from clawpolicy.tools.lint import lint, render_json
    from tests.test_errors import POLICY

    (tmp_path / "p.claw").write_text(POLICY)
    (tmp_path / "bad.claw").write_text("policy \"Broken\"\n  effective 2019-13-01\nend\n")
    results = [(p, *lint(p)) for p in (tmp_path / "p.claw", tmp_path / "bad.claw")]
    data = json.loads(render_json(results))
    assert data["summary"] == {"policies": 2, "errors": len(results[1][1]),
                               "warnings": len(results[0][2])}
    (warning,) = data["policies"][0]["warnings"]
    assert {k: warning[k] for k in ("code", "severity", "file", "line", "column")} == \
        {"code": "CP1006", "severity": "warning", "file": str(tmp_path / "p.claw"),
         "line": 1, "column": 1}
    error = data["policies"][1]["errors"][0]
    assert (error["code"], error["line"]) == ("CP0105", 2)


def test_a_check_run_in_the_callers_process_leaves_its_collector_as_it_was(monkeypatch, capsys):
    """The program freezes its start-up out of the collector (cli.common.start_up); a caller
    running `check` in its own process (typer's CliRunner, or `cli.main()` from a function)
    finds its collector as it left it: running, nothing frozen; and the program's own run,
    `main()` from the top level of `__main__`, does freeze."""
    import gc
    import subprocess
    import sys

    from typer.testing import CliRunner

    from clawpolicy import cli
    from tests.conftest import EXAMPLE_CASES, QUALYS_2019

    args = ["check", str(QUALYS_2019), str(EXAMPLE_CASES[0]), "--format", "json"]
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, enabled)
    monkeypatch.setattr(sys, "argv", ["clawpolicy", *args])
    try:
        cli.main()
    except SystemExit as stop:
        assert stop.code == 0, capsys.readouterr().err
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, enabled)
    code = ("import gc, io, sys\nsys.stdout = io.StringIO()\nfrom clawpolicy.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nsys.stdout = sys.__stdout__\n"
            "print(gc.get_freeze_count() > 0, gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_the_programs_check_imports_typer_with_the_collector_paused_and_no_other_command():
    """The program's `check` pauses the collector as `clawpolicy.cli` is imported, before
    typer and pydantic (what they make lives to the end, as the start-up's does): no
    collection runs once typer is imported; `main` resumes it, and for any other command it
    runs again as soon as `main` is called. The program's `check` imports no other command's
    module; any other command has them all."""
    import subprocess
    import sys

    from tests.conftest import EXAMPLE_CASES, QUALYS_2019

    code = ("import gc, io, sys\nruns = []\n"
            "gc.callbacks.append(lambda phase, info: runs.append(1) if phase == 'start' "
            "and 'typer' in sys.modules else None)\n"
            "from clawpolicy.cli import main\nprint(len(runs), gc.isenabled())\n"
            "out, sys.stdout = sys.stdout, io.StringIO()\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nsys.stdout = out\n"
            "print(gc.isenabled(), 'clawpolicy.cli.whatif' in sys.modules)")
    for args, expected in (
            (["check", str(QUALYS_2019), str(EXAMPLE_CASES[0]), "--format", "json"],
             ["0", "False", "True", "False"]),
            (["check", "--no-such-option"], ["0", "False", "True", "False"]),
            (["lint", str(QUALYS_2019)], None)):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True, timeout=120)
        lines = done.stdout.split()
        if expected is None:  # another command: the collector ran as typer was imported
            assert int(lines[0]) > 0 and lines[1:] == ["True", "True", "True"], done.stderr
        else:
            assert lines == expected, done.stderr
