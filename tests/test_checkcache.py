"""The checked policies kept between runs (clawpolicy/check/cache.py) change nothing but the
time: a policy is checked again whenever one of its files changed, a policy with errors is
never kept, and a run that finds its policy kept imports neither the parser nor the checker."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clawpolicy import api
from clawpolicy.render.json import render
from tests.conftest import REVISION_CASES, ROOT

CASE = REVISION_CASES[0]  # decided by a revision: every file of qualys.claw counts


@pytest.fixture
def policies(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped policies (qualys.claw includes its revisions) and a cache."""
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    return tmp_path / "policies"


def _determination(policy: Path) -> str:
    return render(api.evaluate(api.compile_policy(policy), api.read_case(CASE)))


def test_a_kept_policy_decides_as_a_policy_checked_afresh(policies, monkeypatch):
    policy = policies / "qualys.claw"
    first = _determination(policy)                        # checked, then kept
    assert len(list((policies.parent / "cache").glob("*.checked"))) == 1
    assert _determination(policy) == first                # kept
    monkeypatch.setenv("CLAWPOLICY_CACHE_DIR", "off")
    assert _determination(policy) == first                # no cache at all


def test_an_included_file_changed_since_is_read_and_the_policy_checked_again(policies):
    policy = policies / "qualys.claw"
    before = api.compile_policy(policy)
    included = policies / "revisions" / "rule-10d-1.claw"
    text = included.read_text()
    included.write_text(text + "\n# edited\n")
    after = api.compile_policy(policy)
    assert after.loaded.sha256 != before.loaded.sha256
    # The files not changed are taken as they were kept, and each node names its own file
    # as the policy lists it (`prove` tells a revision's file from the root file so).
    listed = {id(source) for _, source, _ in after.loaded.files}
    assert all(id(rule.span.file) in listed for rule in after.rules + after.revisions)
    assert [s.text for _, s, _ in after.loaded.files] == \
        [s.text for _, s, _ in api.compile_policy(policy).loaded.files]
    included.write_text(text)
    assert api.compile_policy(policy).loaded.sha256 == before.loaded.sha256


def test_a_new_include_is_followed_and_checked(policies):
    policy = policies / "qualys-2019.claw"
    api.compile_policy(policy)
    (policies / "broken.claw").write_text("this is not a rule\n")
    policy.write_text(policy.read_text() + '\ninclude "broken.claw"\n')
    with pytest.raises(api.PolicyError):
        api.compile_policy(policy)


def test_a_policy_with_errors_is_never_kept_and_reports_the_same_errors(policies):
    policy = policies / "cyclic_definition.claw"  # includes _base.claw: checked, refused
    for name in ("cyclic_definition.claw", "_base.claw"):
        shutil.copy(ROOT / "tests" / "bad_policies" / name, policies / name)
    errors = []
    for _ in range(2):
        with pytest.raises(api.PolicyError) as raised:
            api.compile_policy(policy)
        errors.append([str(d) for d in raised.value.diagnostics])
    assert errors[0] == errors[1] and errors[0]
    assert not list((policies.parent / "cache").glob("*.checked"))


def test_messages_name_the_policy_as_each_run_gave_it(policies, monkeypatch):
    monkeypatch.chdir(policies)
    by_name = api.compile_policy("qualys-2019.claw")
    by_path = api.compile_policy(str(policies / "qualys-2019.claw"))
    assert by_name.loaded.files[0][1].name == "qualys-2019.claw"
    assert by_path.loaded.files[0][1].name == str(policies / "qualys-2019.claw")


def test_a_folder_others_can_write_to_is_never_read(policies):
    policy = policies / "qualys-2019.claw"
    api.compile_policy(policy)
    folder = policies.parent / "cache"
    os.chmod(folder, 0o777)
    try:
        from clawpolicy.check import cache

        assert cache._folder() is None
    finally:
        os.chmod(folder, 0o700)


def test_a_run_that_finds_its_policy_kept_imports_neither_parser_nor_checker(policies):
    # A module of the evaluator that imports the checker (for CheckedPolicy, say: it is
    # check/policy.py's) would bring it back into every run.
    code = ("import sys; from clawpolicy import api; "
            "api.evaluate(api.compile_policy(sys.argv[1]), api.read_case(sys.argv[2])); "
            "print(sorted(m for m in ('lark', 'clawpolicy.check.checker', "
            "'clawpolicy.syntax.lower') if m in sys.modules))")
    runs = [subprocess.run([sys.executable, "-c", code, str(policies / "qualys.claw"),
                            str(CASE)], capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == [
        "['clawpolicy.check.checker', 'clawpolicy.syntax.lower', 'lark']", "[]"], \
        [r.stderr for r in runs]


@pytest.mark.parametrize("first", ["policy", "vocabulary"])
def test_a_kept_policy_brings_the_shipped_vocabulary_without_reading_it_again(policies, first):
    """Kept by this same code from this same `case.toml` (the key says so), its vocabulary is
    taken as the shipped one: no vocabulary file is read; a process that read the shipped
    vocabulary first compares the two instead. Either way cases are read with the policy's."""
    code = ("import sys; from clawpolicy import api, vocabulary; "
            "read = vocabulary.load() if sys.argv[3] == 'vocabulary' else None; "
            "policy = api.compile_policy(sys.argv[1]); "
            "api.evaluate(policy, api.read_case(sys.argv[2])); "
            "print('tomllib' in sys.modules, policy.vocabulary is vocabulary.load())")
    runs = [subprocess.run([sys.executable, "-c", code, str(policies / "qualys.claw"),
                            str(CASE), first], capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    read_again = "True" if first == "vocabulary" else "False"
    assert [r.stdout.strip() for r in runs] == ["True True", f"{read_again} True"], \
        [r.stderr for r in runs]
