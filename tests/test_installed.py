"""The engine's version in the seal, kept between runs (clawpolicy/core/installed.py): always
what `importlib.metadata` finds, found again whenever what it read changed; and the program's
`check` of a kept policy then imports no `importlib.metadata` at all."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from clawpolicy.core import installed
from tests.conftest import EXAMPLE_CASES, ROOT


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """A cache folder, and installed.version() asked afresh on each call."""
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    installed.version.cache_clear()
    yield lambda: (installed.version.cache_clear(), installed.version())[1]
    installed.version.cache_clear()


def _distribution(folder: Path, version: str) -> Path:
    info = folder / f"clawpolicy-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: clawpolicy\n"
                                   f"Version: {version}\n", encoding="utf-8")
    return info


def test_the_version_kept_is_the_one_importlib_metadata_finds(kept, monkeypatch):
    try:
        expected = metadata.version("clawpolicy")
    except metadata.PackageNotFoundError:
        expected = installed.UNRELEASED
    assert kept() == expected
    assert list((Path(os.environ["CLAWPOLICY_CACHE_DIR"])).glob("*.version"))

    def not_again():
        raise AssertionError("found again")

    monkeypatch.setattr(installed, "_found", not_again)
    assert kept() == expected  # from the folder


def test_a_changed_installation_is_found_again(kept, tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    info = _distribution(first, "9.1")
    monkeypatch.setattr(sys, "path", [str(first)] + sys.path)
    assert kept() == "9.1"
    assert kept() == "9.1"
    # Edited in place: the same folder, the same file's name.
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: clawpolicy\nVersion: 9.22\n",
                                   encoding="utf-8")
    assert kept() == "9.22"
    # Another one installed earlier on the path.
    _distribution(second, "9.3")
    monkeypatch.setattr(sys, "path", [str(second)] + sys.path)
    assert kept() == "9.3"
    # Upgraded: the old one removed, a new one in the same folder.
    for name in os.listdir(second / "clawpolicy-9.3.dist-info"):
        os.remove(second / "clawpolicy-9.3.dist-info" / name)
    os.rmdir(second / "clawpolicy-9.3.dist-info")
    _distribution(second, "9.4")
    assert kept() == "9.4"


def test_the_program_reads_no_package_metadata_on_a_kept_policy(tmp_path):
    """A second `check --format json` of the same policy, as the program: neither the
    version's lookup nor pydantic's for plugins imports importlib.metadata (10-11 ms)."""
    code = ("import runpy, sys\n"
            "sys.argv[0] = 'clawpolicy'\n"
            "try:\n    runpy.run_module('clawpolicy', run_name='__main__')\n"
            "except SystemExit as stop:\n    code = stop.code\n"
            "print('exit', code, 'metadata', 'importlib.metadata' in sys.modules, "
            "file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["CLAWPOLICY_CACHE_DIR"] = str(tmp_path / "cache")
    runs = [subprocess.run([sys.executable, "-c", code, "check",
                            str(ROOT / "policies" / "qualys-2019.claw"), str(EXAMPLE_CASES[0]),
                            "--format", "json"], capture_output=True, text=True, check=False,
                           env=env, timeout=120) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    assert '"outcome": "recovery"' in runs[1].stdout, runs[1].stderr
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == [
        "exit 0 metadata True", "exit 0 metadata False"], [r.stderr for r in runs]
