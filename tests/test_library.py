"""The library as a program uses it (docs/api.md): `import clawpolicy`, a policy loaded
once, cases as paths, mappings or DataFrame rows, threads and worker processes."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import clawpolicy
from clawpolicy.api import compile_policy, evaluate, read_case
from clawpolicy.render.json import render
from tests.conftest import EXAMPLE_CASES, QUALYS, QUALYS_2019, REVISION_CASES, ROOT

CASES = EXAMPLE_CASES + REVISION_CASES


def _policy_of(case: Path) -> Path:
    data = yaml.safe_load(case.read_text())
    return (case.parent / data["expect"]["policy"]).resolve()


def _mapping(case: Path) -> dict:
    data = yaml.safe_load(case.read_text())  # dates as datetime.date, amounts as int
    data.pop("expect")
    return data


@pytest.fixture(scope="module")
def policies():
    return {QUALYS_2019.resolve(): clawpolicy.load_policy(QUALYS_2019),
            QUALYS.resolve(): clawpolicy.load_policy(QUALYS)}


def _expected(case: Path) -> str:
    policy = compile_policy(_policy_of(case))
    return render(evaluate(policy, read_case(case)))


def test_the_package_exports_the_library_and_nothing_else():
    assert dir(clawpolicy) == sorted(clawpolicy.__all__ + ["__version__"])
    assert {"load_policy", "Policy", "read_case", "PolicyError", "CaseError",
            "Determination"} <= set(clawpolicy.__all__)
    for name in clawpolicy.__all__:
        assert getattr(clawpolicy, name).__doc__, name
    with pytest.raises(AttributeError):
        clawpolicy.compile_policy  # noqa: B018 - the stages' entry stays in clawpolicy.api
    assert clawpolicy.PolicyError is __import__("clawpolicy.api").api.PolicyError
    assert (Path(clawpolicy.__file__).parent / "py.typed").is_file()


def test_importing_clawpolicy_loads_neither_the_parser_nor_pydantic():
    probe = ("import sys, clawpolicy; print(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('lark', 'pydantic', 'yaml', 'typer') "
             "or m.startswith('clawpolicy.')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.stdout == "[]\n", result.stderr


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_a_path_and_a_mapping_give_the_determination_of_the_command(case, policies):
    policy = policies[_policy_of(case)]
    expected = _expected(case)
    assert clawpolicy.to_json(policy.evaluate(case)) == expected
    assert clawpolicy.to_json(policy.evaluate(str(case))) == expected
    assert clawpolicy.to_json(policy.evaluate(_mapping(case))) == expected


def test_a_shipped_policy_is_found_by_name_unless_a_file_of_that_name_exists(tmp_path,
                                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert set(clawpolicy.shipped_policies()) == {"icf-2023", "northrop-grumman-2010", "qualys",
                                                 "qualys-2019"}
    assert clawpolicy.load_policy("qualys-2019").sha256 == \
        clawpolicy.load_policy(QUALYS_2019).sha256
    assert clawpolicy.load_policy("qualys-2019.claw").path == \
        clawpolicy.shipped_policies()["qualys-2019"]
    own = tmp_path / "qualys-2019.claw"
    own.write_text(QUALYS_2019.read_text().replace(
        'policy "Qualys, Inc. Clawback Policy"', 'policy "Our own copy"'))
    shutil.copytree(QUALYS_2019.parent / "sources", tmp_path / "sources")
    assert clawpolicy.load_policy("qualys-2019.claw").name == "Our own copy"
    with pytest.raises(clawpolicy.PolicyError) as raised:
        clawpolicy.load_policy("no-such-policy")
    assert [d.code for d in raised.value.diagnostics] == ["CP0110"]


def test_a_float_is_refused_naming_it_and_saying_what_to_pass(policies):
    case = _mapping(EXAMPLE_CASES[0])
    case["awards"][0]["amount_paid"] = 520000.1
    with pytest.raises(clawpolicy.CaseError) as raised:
        policies[QUALYS_2019.resolve()].evaluate(case)
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.code == "CP0410"
    assert "520000.1 is a binary float" in diagnostic.message
    assert 'pass the amount as a Decimal or a string instead, e.g. Decimal("520000.1")' \
        in diagnostic.message
    assert diagnostic.where == "case full-recovery-paid-bonus: awards[0].amount_paid"
    case["awards"][0]["amount_paid"] = float("nan")
    with pytest.raises(clawpolicy.CaseError, match="NaN .* pass None where the amount is "
                                                   "not known"):
        policies[QUALYS_2019.resolve()].evaluate(case)
    case["awards"][0]["amount_paid"] = Decimal("520000.00")
    assert policies[QUALYS_2019.resolve()].evaluate(case).outcome == "recovery"


def test_read_case_takes_a_path_or_a_mapping_and_refuses_anything_else():
    case = EXAMPLE_CASES[0]
    from_file = clawpolicy.read_case(case).case.model_copy(update={"expect": None})
    assert from_file == clawpolicy.read_case(_mapping(case)).case
    with pytest.raises(TypeError, match="not int"):
        clawpolicy.read_case(3)  # type: ignore[arg-type]
    with pytest.raises(clawpolicy.CaseError) as raised:
        clawpolicy.read_case({"case_id": "x"}, name="row 7")
    assert [d.where for d in raised.value.diagnostics] == ["row 7: as_of"]


@pytest.mark.parametrize("field", ["case_id", "title", "participant.name",
                                   "facts.\ud800"])
def test_a_lone_surrogate_in_a_mapping_is_a_case_error_at_its_field(policies, field):
    """As the file reader refuses it (CP0412), not a UnicodeEncodeError from the hash."""
    case = _mapping(EXAMPLE_CASES[0])
    record, _, key = field.rpartition(".")
    target = case.setdefault(record, {}) if record else case
    target[key] = "bad\ud800" if key != "\ud800" else "a value"
    for call in (clawpolicy.read_case, policies[QUALYS_2019.resolve()].evaluate):
        with pytest.raises(clawpolicy.CaseError) as raised:
            call(case)
        (diagnostic,) = raised.value.diagnostics
        assert diagnostic.code == "CP0412"
        assert diagnostic.where.endswith(": " + field.replace("\ud800", "\\ud800"))
        str(raised.value).encode("utf-8")  # the message itself is valid Unicode


def test_evaluate_many_streams_and_can_go_on_past_a_bad_case(policies):
    policy = policies[QUALYS_2019.resolve()]
    good = _mapping(EXAMPLE_CASES[0])

    def endless():
        while True:
            yield copy.deepcopy(good)

    stream = policy.evaluate_many(endless())
    assert [next(stream).outcome for _ in range(3)] == ["recovery"] * 3
    bad = {"case_id": 7}
    with pytest.raises(clawpolicy.CaseError):
        list(policy.evaluate_many([good, bad, good]))
    results = list(policy.evaluate_many([good, bad, good], errors="yield"))
    assert [type(r).__name__ for r in results] == ["Determination", "CaseError",
                                                   "Determination"]
    assert results[1].diagnostics[0].where.startswith("cases[1]")
    # An item that is no case at all is a CaseError in its place too, not a TypeError that
    # ends the stream.
    results = list(policy.evaluate_many([good, 5, good], errors="yield"))
    assert [type(r).__name__ for r in results] == ["Determination", "CaseError",
                                                   "Determination"]
    assert [(d.code, d.where) for d in results[1].diagnostics] == [("CP0405", "cases[1]")]
    assert "not int" in results[1].diagnostics[0].message
    with pytest.raises(clawpolicy.CaseError):
        list(policy.evaluate_many([good, 5]))


@pytest.mark.parametrize("instant", [dt.datetime(2023, 9, 29), dt.datetime(2023, 9, 29, 12)])
def test_a_datetime_is_refused_saying_to_pass_its_date(policies, instant):
    case = _mapping(EXAMPLE_CASES[0])
    case["as_of"] = instant
    with pytest.raises(clawpolicy.CaseError) as raised:
        policies[QUALYS_2019.resolve()].evaluate(case)
    (diagnostic,) = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.where) == ("CP0410", "case full-recovery-paid-bonus: as_of")
    assert "pass its `.date()`" in diagnostic.message
    case["as_of"] = instant.date()
    assert policies[QUALYS_2019.resolve()].evaluate(case).outcome == "recovery"


def test_one_policy_serves_many_threads_with_the_sequential_results():
    policy = clawpolicy.load_policy(QUALYS)  # fresh: no revision composed yet
    cases = list(REVISION_CASES)
    expected = [_expected(case) for case in cases]
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda c: clawpolicy.to_json(policy.evaluate(c)), cases))
    assert found == expected


_UNPICKLED = """
import json, pickle, sys
import clawpolicy
with open(sys.argv[1], "rb") as f:
    policy = pickle.load(f)
for case in sys.argv[2:]:
    print(json.dumps(clawpolicy.to_json(policy.evaluate(case))))
"""


def _in_a_fresh_process(policy, cases: list[Path], tmp_path: Path) -> list[str]:
    """The determinations of `cases` by `policy` unpickled in a new Python process."""
    sent = tmp_path / "policy.pickle"
    sent.write_bytes(pickle.dumps(policy))
    result = subprocess.run([sys.executable, "-c", _UNPICKLED, str(sent), *map(str, cases)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_pickled_policy_is_the_checked_policy_and_needs_no_file(tmp_path):
    shutil.copytree(QUALYS.parent, tmp_path / "policies")
    policy = clawpolicy.load_policy(tmp_path / "policies" / "qualys.claw")  # 4 files
    expected = [clawpolicy.to_json(policy.evaluate(case)) for case in REVISION_CASES]
    shutil.rmtree(tmp_path / "policies")  # the worker has no file to read: none is needed
    assert _in_a_fresh_process(policy, REVISION_CASES, tmp_path) == expected
    again = pickle.loads(pickle.dumps(policy))
    assert (again.name, again.sha256, again.path) == (policy.name, policy.sha256, policy.path)
    assert again.vocabulary is policy.vocabulary  # the shipped one: cases read here fit it


def test_a_pickled_policy_keeps_its_own_vocabulary_without_its_file(tmp_path):
    words = tmp_path / "words" / "case.toml"
    words.parent.mkdir()
    shutil.copy(ROOT / "clawpolicy" / "vocabulary" / "case.toml", words)
    policy = clawpolicy.load_policy(QUALYS_2019, vocabulary=words)
    cases = EXAMPLE_CASES[:6]
    expected = [clawpolicy.to_json(policy.evaluate(case)) for case in cases]
    shutil.rmtree(words.parent)
    assert _in_a_fresh_process(policy, cases, tmp_path) == expected
    again = pickle.loads(pickle.dumps(policy))
    assert again.vocabulary is not clawpolicy.load_policy(QUALYS_2019).vocabulary
    assert again.vocabulary.declarations == policy.vocabulary.declarations


def test_the_checked_policys_tables_by_node_are_keyed_again_by_the_unpickled_nodes():
    from dataclasses import fields

    from clawpolicy.check.policy import CheckedPolicy, _nodes

    by_int = {f.name for f in fields(CheckedPolicy) if f.type.startswith("dict[int,")}
    assert by_int == set(CheckedPolicy.BY_NODE)  # a new table by node must be listed there
    checked = compile_policy(QUALYS)
    again = pickle.loads(pickle.dumps(checked))

    def tables(policy):
        roots = [getattr(policy, f.name) for f in fields(policy)
                 if f.name not in CheckedPolicy.BY_NODE]
        nodes = list(_nodes(roots).values())  # in the same order: the same structure
        return {name: [(i, getattr(policy, name)[id(node)]) for i, node in enumerate(nodes)
                       if id(node) in getattr(policy, name)]
                for name in CheckedPolicy.BY_NODE}

    found, expected = tables(again), tables(checked)
    assert found == expected
    assert all(len(found[name]) == len(getattr(checked, name)) > 0
               for name in CheckedPolicy.BY_NODE)


def test_totals_is_always_a_list_and_the_contract_field_is_unchanged(policies):
    determination = policies[QUALYS_2019.resolve()].evaluate(EXAMPLE_CASES[0])
    assert determination.totals == [determination.total_recoverable]
    several = [d for case in CASES
               if isinstance((d := policies[_policy_of(case)].evaluate(case))
                             .total_recoverable, list)]
    assert several, "an example with awards in several units"
    assert all(d.totals == d.total_recoverable for d in several)


def _documented(title: str) -> tuple[str, str]:
    """The Python block under a heading of docs/api.md, and the text block it prints."""
    text = (ROOT / "docs" / "api.md").read_text()
    section = text.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    printed = re.search(r"prints\n\n```text\n(.*?)```", section, re.S).group(1)
    return code, printed


@pytest.mark.parametrize("title", ["A pandas DataFrame",
                                   "Dask, for more cases than one process gets through"])
def test_the_documented_pandas_and_dask_examples_print_what_the_page_shows(title, tmp_path):
    pytest.importorskip("pandas")
    pytest.importorskip("dask")
    code, printed = _documented(title)
    script = tmp_path / "example.py"
    script.write_text(code)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert (result.stdout, result.returncode) == (printed, 0), result.stderr[-2000:]


def test_a_case_given_as_bytes_is_read_as_json_or_yaml_by_its_first_character():
    from clawpolicy.api import read_case_bytes

    path = EXAMPLE_CASES[0]
    from_yaml = read_case_bytes(path.read_bytes()).case
    as_json = json.dumps(_mapping(path), default=str).encode()
    assert read_case_bytes(b"\n  " + as_json).case == from_yaml.model_copy(
        update={"expect": None})
    with pytest.raises(clawpolicy.CaseError) as raised:
        read_case_bytes(b'{"case_id": "x", "as_of": "2024-06-30", "awards": [{"id": "a", '
                        b'"amount_paid": 1.5e5}]}')
    assert raised.value.diagnostics[0].where == "-: awards[0].amount_paid"


def _cyclic(shape: str) -> dict:
    case = _mapping(EXAMPLE_CASES[0])
    if shape == "facts":
        facts: dict = {}
        facts["self"] = facts
        case["facts"] = facts
    elif shape == "award":
        case["awards"][0]["extra"] = case["awards"]
    elif shape == "list":
        loop: list = []
        loop.append(loop)
        case["participant"]["positions"] = loop
    else:  # acyclic, but nested past the limit
        inner = case["participant"]
        for _ in range(3000):
            inner["positions"] = [{}]
            inner = inner["positions"][0]
    return case


@pytest.mark.parametrize("shape, where", [
    ("facts", "facts.self"), ("award", "awards[0].extra"),
    ("list", "participant.positions[0]"), ("deep", None)])
def test_a_mapping_that_holds_itself_or_nests_too_deep_is_a_located_case_error(
        policies, shape, where):
    """A mapping built in Python can hold itself: it is refused at once, where it loops
    (CP0405), as a file nested too deep is, never walked without end."""
    policy = policies[QUALYS_2019.resolve()]
    case = _cyclic(shape)
    for call in (clawpolicy.read_case, policy.evaluate):
        with pytest.raises(clawpolicy.CaseError) as raised:
            call(case)
        (diagnostic,) = raised.value.diagnostics
        assert diagnostic.code == "CP0405"
        if where is None:
            assert diagnostic.message == "the case file nests deeper than a case can"
            assert ": participant.positions[0].positions[0]" in diagnostic.where
        else:
            assert diagnostic.where.endswith(": " + where)
            assert "holds itself" in diagnostic.message
    good = _mapping(EXAMPLE_CASES[0])
    results = list(policy.evaluate_many([good, case, good], errors="yield"))
    assert [type(r).__name__ for r in results] == ["Determination", "CaseError",
                                                   "Determination"]
    assert results[1].diagnostics[0].code == "CP0405"


def test_a_value_held_in_many_places_is_walked_once():
    """Sharing is no cycle: a list held twice at every level (2**60 paths) is read at once."""
    shared: list = ["a"]
    for _ in range(60):
        shared = [shared, shared]
    case = _mapping(EXAMPLE_CASES[0])
    case["participant"]["positions"] = shared
    with pytest.raises(clawpolicy.CaseError) as raised:
        clawpolicy.read_case(case)
    assert all(d.code != "CP0405" for d in raised.value.diagnostics)
