"""Each field's reader made once per policy (evaluate/reading.py `_reader`, taken by the
compiled evaluator and the tree walk alike, so their differential tests cannot see it) reads
what the general reading of a field (`Reader._read_any`, the reference) reads: the same value
and the same paths, for every field every shipped example reads, answered or not, under each
shipped policy."""

from __future__ import annotations

import pytest

from clawpolicy.api import compile_policy, evaluate, read_case
from clawpolicy.evaluate import reading
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, REVISION_CASES, ROOT

POLICIES = ROOT / "policies"
RUNS = ([(POLICIES / "qualys-2019.claw", path) for path in EXAMPLE_CASES]
        + [(POLICIES / "qualys.claw", path) for path in EXAMPLE_CASES + REVISION_CASES]
        + list(COMPANY_CASES))


@pytest.fixture(scope="module")
def compiled():
    return {path: compile_policy(path) for path in {p for p, _ in RUNS}}


def test_each_fields_reader_reads_what_the_reference_reads(compiled, monkeypatch):
    read = reading.Reader._read
    compared = []

    def both(self, rec, name):
        fast = read(self, rec, name)
        reference = reading.Reader._read_any(self, rec, name)
        assert repr(fast) == repr(reference), (rec.path, name)
        compared.append(bool(self.overrides))
        return fast

    monkeypatch.setattr(reading.Reader, "_read", both)
    for policy, case in RUNS:
        evaluate(compiled[policy], read_case(case))
    assert len(compared) > 1000 and any(compared) and not all(compared)
