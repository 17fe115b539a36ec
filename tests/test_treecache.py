"""The parse trees kept between runs (clawpolicy/syntax/treecache.py) change nothing but the
time: the same policy with the cache cold, warm, damaged or off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clawpolicy import api
from clawpolicy.render.json import render
from clawpolicy.syntax import treecache

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "qualys.claw"  # includes its revisions: several files
CASE = ROOT / "examples" / "cases" / "01-full-recovery-paid-bonus.yaml"


def _determination() -> str:
    return render(api.evaluate(api.compile_policy(POLICY), api.read_case(CASE)))


def test_a_cold_a_warm_a_damaged_and_no_cache_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", "off")
    reference = _determination()
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", str(folder))
    assert _determination() == reference            # cold: parsed, then stored
    stored = sorted(folder.glob("*.tree"))
    assert len(stored) == len(api.compile_policy(POLICY).loaded.files)
    assert _determination() == reference            # warm: read back
    for path in stored:
        path.write_bytes(b"not a pickle")
    assert _determination() == reference            # damaged: parsed again, stored again
    assert all(path.read_bytes() != b"not a pickle" for path in stored)


def test_an_invalid_policy_is_reported_and_never_stored(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", str(folder))
    bad = tmp_path / "bad.claw"
    bad.write_text("policy \"x\"\ncondition\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(api.PolicyError) as raised:
            api.compile_policy(bad)
        assert raised.value.diagnostics[0].code.startswith("CP0")
    assert not folder.exists() or not list(folder.glob("*.tree"))


def test_the_cache_keeps_at_most_its_limit(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", str(folder))
    monkeypatch.setattr(treecache, "MAX_ENTRIES", 4)
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    text = (policies / "qualys-2019.claw").read_text(encoding="utf-8")
    for i in range(9):
        (policies / f"p{i}.claw").write_text(text + f"\n# copy {i}\n", encoding="utf-8")
        api.compile_policy(policies / f"p{i}.claw")
    assert 0 < len(list(folder.glob("*.tree"))) <= 4
