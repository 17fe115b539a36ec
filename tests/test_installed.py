"""The engine's version in the seal, kept between runs (clawpolicy/core/installed.py): always
what `importlib.metadata` finds, found again whenever what it read changed, and looked up as
it looks it up where nothing is kept; the program's `check` then imports no
`importlib.metadata` at all."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import zipfile
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


def test_the_program_reads_no_package_metadata(tmp_path):
    """`check --format json` as the program, the policy kept or not: neither the version's
    lookup nor pydantic's for plugins imports importlib.metadata (10-11 ms), nor anything
    importlib.resources (0.9 ms, and zipfile where the grammar is read)."""
    code = ("import runpy, sys\n"
            "sys.argv[0] = 'clawpolicy'\n"
            "try:\n    runpy.run_module('clawpolicy', run_name='__main__')\n"
            "except SystemExit as stop:\n    code = stop.code\n"
            "print('exit', code, 'metadata', 'importlib.metadata' in sys.modules, "
            "'resources', 'importlib.resources' in sys.modules, file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["CLAWPOLICY_CACHE_DIR"] = str(tmp_path / "cache")
    off = dict(env, CLAWPOLICY_CACHE_DIR="off")
    runs = [subprocess.run([sys.executable, "-c", code, "check",
                            str(ROOT / "policies" / "qualys-2019.claw"), str(EXAMPLE_CASES[0]),
                            "--format", "json"], capture_output=True, text=True, check=False,
                           env=environment, timeout=120) for environment in (env, env, off)]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert '"outcome": "recovery"' in runs[1].stdout, runs[1].stderr
    # Nor the resources: a path of a file looks for no shipped policy, and the grammar is
    # read from the package's folder (core/shipped.py, syntax/parse.py).
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == [
        "exit 0 metadata False resources False"] * 3, [r.stderr for r in runs]


def _by_importlib() -> tuple[str, list[str] | None]:
    """What `installed._found` gave when it asked importlib.metadata alone."""
    importlib.invalidate_caches()  # its folders' listings, kept by their time of change
    try:
        distribution = metadata.distribution(installed.NAME)
    except metadata.PackageNotFoundError:
        return installed.UNRELEASED, []
    where = getattr(distribution, "_path", None)
    if type(distribution) is not metadata.PathDistribution or not isinstance(where, Path):
        return distribution.version, None  # in a zip: its files cannot be told
    return distribution.version, [str(where), str(where / "METADATA"),
                                  str(where / "PKG-INFO")]


def _info(folder: Path, name: str, files: dict[str, str]) -> Path:
    info = folder / name
    info.mkdir(parents=True)
    for file, text in files.items():
        (info / file).write_text(text, encoding="utf-8")
    return info


_HEADERS = "Metadata-Version: 2.1\nName: clawpolicy\n"

# Each: the folders put first on sys.path (their metadata folders and files), and whether
# the version is written plainly enough to be looked up without importlib.metadata.
_INSTALLATIONS = {
    "one": ({"a": {"clawpolicy-1.0.dist-info": {"METADATA": _HEADERS + "Version: 1.0\n"}}},
            True),
    "the first folder's": ({"a": {"clawpolicy-1.1.dist-info": {
                                "METADATA": _HEADERS + "Version: 1.1\n"}},
                            "b": {"clawpolicy-1.2.dist-info": {
                                "METADATA": _HEADERS + "Version: 1.2\n"}}}, True),
    "past a folder that is not there": ({"missing": None, "a": {
        "clawpolicy-1.3.dist-info": {"METADATA": _HEADERS + "Version: 1.3\n"}}}, True),
    "its name in capitals": ({"a": {"ClawPolicy-2.0.dist-info": {
        "METADATA": _HEADERS + "Version: 2.0\n"}}}, True),
    "another distribution's name": ({"a": {
        "claw_policy-3.0.dist-info": {"METADATA": _HEADERS + "Version: 3.0\n"},
        "clawpolicy.extra-3.1.dist-info": {"METADATA": _HEADERS + "Version: 3.1\n"}},
        "b": {"clawpolicy-3.2.egg-info": {"PKG-INFO": _HEADERS + "Version: 3.2\n"}}}, True),
    "PKG-INFO where METADATA is empty": ({"a": {"clawpolicy-4.0.dist-info": {
        "METADATA": "", "PKG-INFO": _HEADERS + "Version: 4.0\n"}}}, True),
    "spaces and tabs before it, headers after": ({"a": {"clawpolicy-4.1.dist-info": {
        "METADATA": "Metadata-Version: 2.1\nName: clawpolicy\n  continued\nversion:\t  "
                    "4.1.post1+local_2\nSummary: x\n\nVersion: 9\n"}}}, True),
    "a space after it": ({"a": {"clawpolicy-5.0.dist-info": {
        "METADATA": _HEADERS + "Version: 5.0 \n"}}}, False),
    "continued": ({"a": {"clawpolicy-5.1.dist-info": {
        "METADATA": _HEADERS + "Version: 5.1\n .1\n"}}}, False),
    "after a line that is no header": ({"a": {"clawpolicy-5.2.dist-info": {
        "METADATA": "Metadata-Version: 2.1\nnot a header\nVersion: 5.2\n"}}}, False),
    "in the body": ({"a": {"clawpolicy-5.3.dist-info": {
        "METADATA": _HEADERS + "\nVersion: 5.3\n"}}}, False),
    "none": ({"a": {"clawpolicy-5.4.dist-info": {"METADATA": _HEADERS}}}, False),
    "a zip first": ({"bundle.zip": "zip", "a": {"clawpolicy-5.5.dist-info": {
        "METADATA": _HEADERS + "Version: 5.5\n"}}}, False),
    "an egg first": ({"old.egg": {"EGG-INFO": {"PKG-INFO": _HEADERS + "Version: 5.6\n"}},
                      "a": {"clawpolicy-5.7.dist-info": {
                          "METADATA": _HEADERS + "Version: 5.7\n"}}}, False),
}


@pytest.mark.parametrize("name", list(_INSTALLATIONS))
def test_the_version_looked_up_is_the_one_importlib_metadata_finds(name, tmp_path,
                                                                    monkeypatch):
    folders, plain = _INSTALLATIONS[name]
    first = []
    for folder, infos in folders.items():
        first.append(str(tmp_path / folder))
        if infos == "zip":
            with zipfile.ZipFile(tmp_path / folder, "w") as bundle:
                bundle.writestr("clawpolicy-6.0.dist-info/METADATA",
                                _HEADERS + "Version: 6.0\n")
        elif infos is not None:
            for info, files in infos.items():
                _info(tmp_path / folder, info, files)
    monkeypatch.setattr(sys, "path", first + sys.path)
    expected = _by_importlib()
    assert installed._found() == expected
    assert (installed._looked_up() is not None) == plain
    if plain:
        assert installed._looked_up() == expected


def test_without_a_distribution_it_is_unreleased(monkeypatch, tmp_path):
    """Where no folder of the path holds one (a checkout run as it is)."""
    monkeypatch.setattr(sys, "path", [str(tmp_path), str(tmp_path / "missing")])
    assert _by_importlib() == (installed.UNRELEASED, [])
    assert installed._looked_up() == (installed.UNRELEASED, [])
