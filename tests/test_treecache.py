"""The parse trees kept between runs (clawpolicy/syntax/treecache.py) change nothing but the
time: the same policy with the cache cold, warm, damaged or off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lark import Token, Tree

from clawpolicy import api
from clawpolicy.render.json import render
from clawpolicy.syntax import treecache
from clawpolicy.syntax.load import read_source
from clawpolicy.syntax.parse import parse

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
    for kept in folder.glob("*.checked"):  # the checked policy kept too (check/cache.py)
        kept.unlink()
    assert _determination() == reference            # damaged: parsed again, stored again
    assert all(path.read_bytes() != b"not a pickle" for path in stored)


def _everything(tree) -> list:
    """Every rule, position and token of a tree, ends included (a span needs both)."""
    if isinstance(tree, Tree):
        meta = sorted(vars(tree.meta).items()) if tree._meta is not None else None
        return [("tree", tree.data, meta)] + [x for c in tree.children for x in _everything(c)]
    if isinstance(tree, Token):
        return [("token", tree.type, str(tree), tree.start_pos, tree.line, tree.column,
                 tree.end_line, tree.end_column, tree.end_pos)]
    return [tree]


@pytest.mark.parametrize("path", sorted((ROOT / "policies").rglob("*.claw")),
                         ids=lambda p: p.name)
def test_a_kept_tree_is_the_parsed_tree_to_the_last_position(path, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", str(tmp_path))
    source = read_source(path, path.name, None)
    fresh = parse(source)
    assert treecache.cached_parse(source) is not None  # cold: parsed and kept
    assert list(tmp_path.glob("*.tree"))
    monkeypatch.setattr(treecache, "parse", None)  # warm: it must come from the cache
    assert _everything(treecache.cached_parse(source)) == _everything(fresh)


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


def test_trees_in_a_folder_others_can_write_to_are_never_unpickled(tmp_path, monkeypatch):
    folder = tmp_path / "shared"
    folder.mkdir()
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", str(folder))
    source = read_source(POLICY, POLICY.name, None)
    treecache.cached_parse(source)
    (stored,) = folder.glob("*.tree")
    stored.write_bytes(__import__("pickle").dumps("planted"))  # not a tree: never returned
    folder.chmod(0o777)
    loads = []
    monkeypatch.setattr(treecache.pickle, "load", lambda f: loads.append(f) or "planted")
    assert isinstance(treecache.cached_parse(source), Tree)
    assert loads == []                                # group/other-writable: not read at all
    folder.chmod(0o700)
    treecache.cached_parse(source)
    assert len(loads) == 1                            # private again: read
