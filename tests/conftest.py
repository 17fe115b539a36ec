"""Shared fixtures: the shipped policy and example cases, and snapshot extensions that keep
each determination in a file of its own, so a change reads as a plain diff in review."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import settings
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from tests.strategies import LONG

# Generated cases are the same on every run of the default suite (CI's profile), so a run's
# time and result do not depend on luck; CLAWPOLICY_FUZZ=long explores at random, by hand, ten
# times as many (tests/strategies.py sets both; these are the defaults of a test it does not).
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("long", derandomize=False, deadline=None)
settings.load_profile("long" if LONG else "ci")
if LONG and not os.environ.get("CLAWPOLICY_FUZZ_SEED"):
    # The seed of the tests that draw their own random numbers (`seeded`), fresh each run, and
    # set before pytest-xdist starts its workers, so they all draw from the one seed shown.
    os.environ["CLAWPOLICY_FUZZ_SEED"] = str(random.SystemRandom().getrandbits(64))


def pytest_terminal_summary(terminalreporter):
    if LONG:
        terminalreporter.write_line(
            f"CLAWPOLICY_FUZZ=long: CLAWPOLICY_FUZZ_SEED={os.environ['CLAWPOLICY_FUZZ_SEED']} "
            "(give it again to repeat the tests' own random draws; hypothesis's draws are "
            "repeated by --hypothesis-seed)")


ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
QUALYS_2019 = POLICIES / "qualys-2019.claw"
QUALYS = POLICIES / "qualys.claw"
EXAMPLE_CASES = sorted((ROOT / "examples" / "cases").glob("*.yaml"))
REVISION_CASES = sorted((ROOT / "examples" / "cases" / "revisions").glob("*.yaml"))
NORTHROP_2010 = POLICIES / "northrop-grumman-2010.claw"
NORTHROP_CASES = sorted((ROOT / "examples" / "cases" / "northrop-grumman-2010").glob("*.yaml"))
ICF_2023 = POLICIES / "icf-2023.claw"
ICF_CASES = sorted((ROOT / "examples" / "cases" / "icf-2023").glob("*.yaml"))
# The examples of the other companies' policies, each case with the policy it is decided by.
COMPANY_CASES = ([(NORTHROP_2010, path) for path in NORTHROP_CASES]
                 + [(ICF_2023, path) for path in ICF_CASES])


# The engine's version in a determination's seal is masked in snapshots: a release changes
# it, and nothing else of the determination.
# The smallest valid policy: an excess and one remedy (docs/errors.md's examples are checked
# against it; tests that need a policy of their own vary its amount, `EXAMPLE_EXCESS`).
EXAMPLE_EXCESS = "max(award.amount_awarded - award.amount_as_restated, 0)"
EXAMPLE_POLICY = f"""\
policy "Example"
  effective 2019-02-08
end

recoverable excess
  clause "Recovery"
  quote "the excess"
  is {EXAMPLE_EXCESS}
end

remedy repay
  clause "Repayment"
  quote "shall repay"
  shall recover up to excess
end
"""

_ENGINE_VERSION = re.compile(r'("engine_version": ?)"[^"]*"')


def mask_engine_version(text: str) -> str:
    return _ENGINE_VERSION.sub(r'\1"(masked)"', text)


class JSONText(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "json"

    def serialize(self, data, **kwargs):
        return super().serialize(mask_engine_version(data) if isinstance(data, str) else data,
                                 **kwargs)


class MemoText(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "txt"


class MarkdownText(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "md"


@pytest.fixture
def markdown_snapshot(snapshot):
    return snapshot.use_extension(MarkdownText)


@pytest.fixture
def json_snapshot(snapshot):
    return snapshot.use_extension(JSONText)


@pytest.fixture
def text_snapshot(snapshot):
    return snapshot.use_extension(MemoText)


@pytest.fixture(scope="session")
def qualys_2019():
    from clawpolicy.api import compile_policy

    return compile_policy(QUALYS_2019)


@pytest.fixture(scope="session")
def qualys_revised():
    from clawpolicy.api import compile_policy

    return compile_policy(QUALYS)


@pytest.fixture(scope="session")
def company_policies():
    """The other companies' policies (COMPANY_CASES), each compiled once, by path."""
    from clawpolicy.api import compile_policy

    return {path: compile_policy(path) for path in {p for p, _ in COMPANY_CASES}}


def benchmark_modules(*names: str) -> list:
    """Modules of benchmarks/ (`generate`, `floor`, `check_agreement`, ...), imported without
    leaving them, or what they import from there, in `sys.modules`: Hypothesis draws its
    examples partly from the constants of the local modules loaded (6.13x and later), so a
    module a test loads changes the examples every later property test in that process
    draws, and with them CI's time (test_search's reference search met a 26 s case so)."""
    import importlib
    import sys

    before, path = set(sys.modules), list(sys.path)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return [importlib.import_module(name) for name in names]
    finally:
        sys.path[:] = path
        for name in set(sys.modules) - before:  # those of benchmarks/ (clawpolicy's stay)
            if str(getattr(sys.modules[name], "__file__", "")).startswith(str(ROOT / "benchmarks")):
                del sys.modules[name]


def generator():
    """benchmarks/generate.py's `generate_list`, the cases run.py makes, loaded as
    `benchmark_modules` loads it."""
    return benchmark_modules("generate")[0].generate_list
