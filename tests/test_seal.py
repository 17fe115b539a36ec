"""The seal's canonical case written two ways, the same bytes: by the json module's encoder
(`seal.reference`, what the seal is defined by: docs/cases.md "The seal") and by orjson
(`seal.writing("fast")`, what a batch uses after its first cases), on every shipped example,
on generated cases (benchmarks/generate.py, and the property tests' strategy), and on facts
of every kind a case may hold, awkward ones included; where orjson would write other bytes
or none, the reference writes them. Ten times as many generated cases with
CLAWPOLICY_FUZZ=long."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given

from clawpolicy.api import read_case
from clawpolicy.core import warm
from clawpolicy.evaluate import seal
from clawpolicy.input.reader import validate_case
from tests.conftest import EXAMPLE_CASES, REVISION_CASES, ROOT, generator
from tests.strategies import cases, fuzzed, scaled
from tests.test_json_writer import AWKWARD
from tests.test_properties import as_case

orjson = pytest.importorskip("orjson")


def both(case) -> tuple[bytes, bytes]:
    """(the bytes written by orjson where it can, the reference's bytes)."""
    seal.writing("fast")
    try:
        fast = seal.canonical_case(case)
    finally:
        seal.writing("auto")
    data = case.model_dump(mode="json", by_alias=True, exclude=seal._EXCLUDED)
    return fast, seal.reference(data)


def alike(case) -> None:
    fast, reference = both(case)
    assert fast == reference


def written_by_orjson(case) -> bool:
    """Whether orjson wrote it (not the reference after a refusal)."""
    data = case.model_dump(mode="json", by_alias=True, exclude=seal._EXCLUDED)
    if seal._floats(type(case), data):
        return False
    try:
        return seal.reference(data) == orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return False


EXAMPLES = sorted({*EXAMPLE_CASES, *REVISION_CASES,
                   *(ROOT / "examples").rglob("*.json"), *(ROOT / "examples").rglob("*.yaml")})


def test_the_shipped_examples():
    read = 0
    for path in EXAMPLES:
        try:
            case = read_case(path).case
        except Exception:  # noqa: BLE001 - not a case file (a policy test's, a table)
            continue
        alike(case)
        read += 1
    assert read >= len(EXAMPLE_CASES) + len(REVISION_CASES)


@pytest.mark.parametrize("seed", range(scaled(2)))
def test_benchmark_cases(seed):
    generate = generator()
    for data in generate(20, 2024 + seed, 1, 1) + generate(5, 3024 + seed, 1, 8):
        case = as_case(data).case
        alike(case)
        assert written_by_orjson(case)


@fuzzed(25)
@given(cases(max_awards=3))
def test_generated(data):
    alike(as_case(data).case)


def _with_facts(case_facts: dict, award_facts: dict | None = None):
    data = generator()(1, 7, 1, 1)[0]
    data = as_case(data).case.model_dump(mode="json", exclude={"expect"})
    data["facts"] = case_facts
    if award_facts is not None:
        data["awards"][0]["facts"] = award_facts
    return validate_case(data, "facts.yaml")


# Values a case's `facts:` may hold as read (a policy types them later), keys in no order.
VALUES = {"z": Decimal("1234.50"), "a": dt.date(2024, 2, 29), "é": 10**18, "€": -(2**63),
          "𝄞": True, "\x7f": None,
          "B": [1, "a", {"k": Decimal("2"), "b": [dt.date(2020, 1, 1)]}],
          "nested": {"y": {"x": Decimal("0E-7"), "w": ""}}, "ü": Decimal("-0"),
          **{f"t{i}": text for i, text in enumerate(AWKWARD)}, **{text: i for i, text in
                                                                   enumerate(AWKWARD)}}


def test_facts_of_every_kind():
    case = _with_facts(VALUES, dict(reversed(VALUES.items())))
    alike(case)
    assert written_by_orjson(case)


@pytest.mark.parametrize("value", [1.5, 1e16, 1e-5, 1e-7, float("inf"), float("nan"), 2**64,
                                   -(2**63) - 1, 10**40, {"x": [0.1]}, {1: "a"},
                                   {"k": {2: "b", "a": 1}}])
def test_what_orjson_would_write_otherwise_is_the_references(value):
    """A float (`1e-05` is orjson's `0.00001`), an integer past 64 bits: written by the
    reference, in the case's facts and in an award's."""
    for case in (_with_facts({"f": value, "g": 1}), _with_facts({}, {"f": value})):
        alike(case)


@pytest.mark.parametrize("value", [1e-5, 1e-7, 2**64, -(2**63) - 1])
def test_orjson_alone_would_write_these_otherwise(value):
    """What the test above holds: orjson alone writes other bytes, or none."""
    data = {"f": value}
    try:
        written = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return
    assert written != seal.reference(data)


def test_a_float_is_looked_for_where_one_can_be():
    case = _with_facts({"f": 1.5})
    data = case.model_dump(mode="json", by_alias=True, exclude=seal._EXCLUDED)
    assert seal._floats(type(case), data)
    award = _with_facts({}, {"f": [{"x": 1e16}]})
    assert seal._floats(type(award), award.model_dump(mode="json", exclude={"expect"}))
    plain = _with_facts({"f": Decimal("1.5")}, {"f": "1.5"})
    assert not seal._floats(type(plain), plain.model_dump(mode="json", exclude={"expect"}))


def sealed(monkeypatch, mode: str, loaded, times: int) -> tuple[set[bytes], int]:
    """The canonical case of the first example written `times` times as `mode` says, with
    orjson as `loaded` (`warm._orjson`; None: not imported yet; False: not installed): the bytes
    written, and how many times the reference wrote them."""
    case = read_case(EXAMPLE_CASES[0]).case
    monkeypatch.setattr(warm, "_orjson", loaded)
    used = []
    reference = seal.reference
    monkeypatch.setattr(seal, "reference", lambda data: used.append(1) or reference(data))
    seal.writing(mode)
    try:
        made = {seal.canonical_case(case) for _ in range(times)}
    finally:
        seal.writing("auto")
    data = case.model_dump(mode="json", by_alias=True, exclude=seal._EXCLUDED)
    assert made == {reference(data)}
    return made, len(used)


def test_auto_writes_a_processs_first_cases_by_the_reference(monkeypatch):
    """A process that seals few cases (a cold `check`) never imports orjson; a batch does
    after its first WARM cases, and writes the same bytes."""
    monkeypatch.setattr(seal.WAY, "warm", 3)
    assert sealed(monkeypatch, "auto", None, 6)[1] == 3
    assert warm._orjson is orjson


def test_without_orjson_the_reference(monkeypatch):
    assert sealed(monkeypatch, "fast", False, 2)[1] == 2


def test_the_seal_of_a_changed_case_changes():
    case = read_case(EXAMPLE_CASES[0]).case
    data = copy.deepcopy(case.model_dump(mode="json", exclude={"expect"}))
    data["awards"][0]["id"] += "x"
    changed = validate_case(data, "changed.yaml")
    assert both(changed)[0] != both(case)[0]
