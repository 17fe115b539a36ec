"""What `pip install` gives a user: the license, the type marker, the shipped policies and
examples, and a `clawpolicy` that checks a shipped policy by name from any folder."""

from __future__ import annotations

import shlex
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from clawpolicy.cli import app
from tests.conftest import ROOT, mask_engine_version


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT),
                             "-w", str(out)], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {result.stderr[-500:]}")
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_ships_license_type_marker_grammar_policies_and_examples(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "clawpolicy-0.1.0.dist-info/licenses/LICENSE" in names
    assert "clawpolicy/py.typed" in names
    assert "clawpolicy/grammar/clawpolicy.lark" in names
    for folder in ("policies", "examples", "schema"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                assert f"clawpolicy/shipped/{path.relative_to(ROOT).as_posix()}" in names
    metadata = zipfile.ZipFile(wheel).read("clawpolicy-0.1.0.dist-info/METADATA").decode()
    assert "Classifier: License :: OSI Approved :: Apache Software License" in metadata
    assert "Classifier: Typing :: Typed" in metadata


def test_a_fresh_environment_checks_a_shipped_policy_by_name_from_any_folder(wheel, tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "case.yaml").write_text(
        (ROOT / "examples" / "cases" / "01-full-recovery-paid-bonus.yaml").read_text())
    result = subprocess.run([str(env / "bin" / "clawpolicy"), "check", "qualys-2019",
                             "case.yaml", "--format", "json"], cwd=elsewhere,
                            capture_output=True, text=True, timeout=120)
    expected = (ROOT / "tests" / "__snapshots__" / "test_examples"
                / "test_json_determination[01-full-recovery-paid-bonus].json")
    assert result.returncode == 0, result.stderr
    if expected.exists():  # the snapshot masks the seal's engine version
        assert mask_engine_version(result.stdout) == expected.read_text()
    assert '"outcome": "recovery"' in result.stdout
    # Another company's shipped policy, by name, on one of its shipped examples.
    (elsewhere / "ng.yaml").write_text((ROOT / "examples" / "cases" / "northrop-grumman-2010"
                                        / "01-full-recovery-cash-bonus.yaml").read_text())
    result = subprocess.run([str(env / "bin" / "clawpolicy"), "check", "northrop-grumman-2010",
                             "ng.yaml", "--format", "json"], cwd=elsewhere,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shipped = ROOT / "tests" / "__snapshots__" / "test_examples" / (
        "test_other_companies_json_determination"
        "[northrop-grumman-2010-01-full-recovery-cash-bonus].json")
    assert mask_engine_version(result.stdout) == shipped.read_text()


def test_the_pre_commit_hooks_run_commands_that_exist():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["clawpolicy-fmt", "clawpolicy-lint", "clawpolicy-test"]
    for hook in hooks:
        program, *arguments = shlex.split(hook["entry"])
        assert program == "clawpolicy" and hook["language"] == "python"
        result = CliRunner().invoke(app, arguments + ["--help"])
        assert result.exit_code == 0, (hook["id"], result.output)
        for option in (a for a in arguments if a.startswith("--")):
            assert option in result.output, (hook["id"], option)
