"""The files `clawpolicy import` and `clawpolicy report` read (CSV tables, workbooks, the
determinations of `check --batch`) are read as every other input is (issue 11): only a
regular file, refused at once when it is a named pipe or a device, and never more of it than
its limit plus one byte; a file already past its limit is refused before any of it is read.
The commands that could hang run in a subprocess with a ceiling on how long they may take."""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clawpolicy.cli import app
from clawpolicy.core.source import TooLarge, read_regular
from clawpolicy.tools import report, tables
from tests.conftest import ROOT

CEILING = 60  # seconds: a command that takes longer has hung
runner = CliRunner()
posix = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"),
                           reason="named pipes and /dev/zero are POSIX")


def command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CLAWPOLICY_CACHE_DIR": "off"}
    return subprocess.run([sys.executable, "-m", "clawpolicy", *args], env=env, cwd=cwd,
                          timeout=CEILING, capture_output=True, text=True)


@posix
@pytest.mark.parametrize("make, kind", [
    (os.mkfifo, "a named pipe"), (lambda p: p.symlink_to("/dev/zero"), "a character device")])
@pytest.mark.parametrize("name", ["cases.csv", "cases.xlsx"])
def test_import_refuses_a_pipe_or_a_device_at_once(tmp_path, make, kind, name):
    make(tmp_path / name)
    result = command("import", name, "-o", "out.jsonl", cwd=tmp_path)
    assert result.returncode == 4
    assert result.stderr.startswith("error[CP0703]: ")
    assert f"it is {kind}, not a regular file\n  --> {name}\n" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


@posix
@pytest.mark.parametrize("make, kind", [
    (os.mkfifo, "a named pipe"), (lambda p: p.symlink_to("/dev/zero"), "a character device")])
def test_report_refuses_a_pipe_or_a_device_at_once(tmp_path, make, kind):
    make(tmp_path / "out.jsonl")
    result = command("report", "out.jsonl", cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()[0]) == (
        4, f"error[CP1202]: the determinations cannot be read: it is {kind}, not a regular file")


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as out:
        out.truncate(size)  # holes: no disk used, and nothing to read but zeros
    return path


def _peak_while(run) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_file_past_its_limit_is_refused_before_any_of_it_is_read(tmp_path, monkeypatch):
    big = _sparse(tmp_path / "big", 64 * 1024 * 1024)
    read = []
    real = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real(fd, n))
    with pytest.raises(TooLarge):
        read_regular(big, 1000)
    assert read == []
    assert read_regular(_sparse(tmp_path / "small", 10), 10) == b"\0" * 10


def test_import_refuses_a_table_past_its_limit_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_TABLE_BYTES", 1000)
    _sparse(tmp_path / "cases.csv", 64 * 1024 * 1024)
    result, peak = _peak_while(lambda: runner.invoke(
        app, ["import", str(tmp_path / "cases.csv"), "-o", str(tmp_path / "out.jsonl")]))
    assert result.exit_code == 4
    assert "error[CP0703]: the table is larger than 1000 bytes" in result.output
    assert peak < 16 * 1024 * 1024  # the 64 MiB were never read


def test_report_refuses_determinations_past_their_limit_without_reading_them(
        tmp_path, monkeypatch):
    monkeypatch.setattr(report, "MAX_DETERMINATIONS_BYTES", 1000, raising=False)
    _sparse(tmp_path / "out.jsonl", 64 * 1024 * 1024)
    result, peak = _peak_while(lambda: runner.invoke(app, ["report",
                                                           str(tmp_path / "out.jsonl")]))
    assert result.exit_code == 4
    assert "error[CP1202]: the determinations cannot be read: it is larger than 1000 bytes" \
        in result.output
    assert peak < 16 * 1024 * 1024  # the 64 MiB were never read
