"""Differential tests: the determination made without pydantic's validation
(`determination._Out._make`) is the one pydantic's `__init__` makes, and written
by render/json.py's own writer it gives the bytes of pydantic-core's `model_dump_json`
(`PYDANTIC`), one line and indented: on every shipped example, on generated cases
(benchmarks/generate.py, and the property tests' strategy), and on text and values chosen to
be awkward. Ten times as many generated cases with CLAWPOLICY_FUZZ=long."""

from __future__ import annotations

import datetime as dt
import decimal
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from pydantic import BaseModel, ValidationError

from clawpolicy.api import evaluate, read_case
from clawpolicy.evaluate import determination
from clawpolicy.evaluate.determination import Assumption, Condition, Determination
from clawpolicy.render import json as json_render
from tests.conftest import EXAMPLE_CASES, REVISION_CASES, ROOT, generator
from tests.strategies import cases, fuzzed, scaled
from tests.test_properties import as_case


def same_models(fast, reference, path="") -> None:
    """Equal, and made alike: the same types, fields in the same order, the same fields set."""
    assert type(fast) is type(reference), path
    if isinstance(fast, BaseModel):
        assert list(fast.__dict__) == list(reference.__dict__), path
        assert fast.model_fields_set == reference.model_fields_set, path
        assert fast.__pydantic_extra__ == reference.__pydantic_extra__, path
        assert fast.__pydantic_private__ == reference.__pydantic_private__, path
        for name, value in fast.__dict__.items():
            same_models(value, reference.__dict__[name], f"{path}.{name}")
    elif isinstance(fast, list | dict):
        assert len(fast) == len(reference), path
        items = fast.items() if isinstance(fast, dict) else enumerate(fast)
        for key, value in items:
            same_models(value, reference[key], f"{path}[{key!r}]")
    else:
        assert fast == reference, path


def written_alike(made: Determination) -> None:
    """The writers' bytes are pydantic-core's, on one line and indented: orjson's (first:
    it writes the recorded reasons itself) and our own."""
    for mode in ("fast", "reference"):
        json_render.writing(mode)
        try:
            assert json_render.written(made) == made.model_dump_json(by_alias=True)
            assert json_render.written(made, indent=True) == made.model_dump_json(
                by_alias=True, indent=2)
        finally:
            json_render.writing("auto")
    ours = (json_render.render(made), json_render.render_line(made, "cases.jsonl:3"))
    json_render.PYDANTIC = True
    try:
        assert ours == (json_render.render(made), json_render.render_line(made, "cases.jsonl:3"))
    finally:
        json_render.PYDANTIC = False


def made(mode: str, policy, loaded) -> Determination:
    determination.making(mode)
    try:
        return evaluate(policy, loaded)
    finally:
        determination.making("auto")


def compare(policy, loaded) -> None:
    fast, reference = made("fast", policy, loaded), made("validate", policy, loaded)
    written_alike(fast)  # first: the writer writes the recorded reasons itself
    written_alike(reference)
    assert fast == reference
    same_models(fast, reference)


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_examples_2019(case_path, qualys_2019):
    compare(qualys_2019, read_case(case_path))


@pytest.mark.parametrize("case_path", REVISION_CASES, ids=lambda p: p.stem)
def test_examples_revised(case_path, qualys_revised):
    compare(qualys_revised, read_case(case_path))


@pytest.mark.parametrize("seed", range(scaled(3)))
def test_benchmark_cases(seed, qualys_2019, qualys_revised):
    """run.py's generated cases (benchmarks/generate.py): single-award and mixed."""
    generate = generator()
    for data in generate(8, 2024 + seed, 1, 1) + generate(2, 3024 + seed, 1, 8):
        for policy in (qualys_2019, qualys_revised):
            compare(policy, as_case(data))


@fuzzed(5)
@given(cases(max_awards=3))
def test_generated(qualys_2019, qualys_revised, data):
    for policy in (qualys_2019, qualys_revised):
        compare(policy, as_case(data))


AWKWARD = ['"quoted" \\ back\\slash', "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
           "né, ü, €, 𝄞", "\u2028\u2029", "</script>", ""]


def test_awkward_text_and_values(qualys_2019):
    """Control characters, quotes, non-ASCII text, and the values an assumption may hold
    (an `Any` field: written as pydantic-core infers them)."""
    made = evaluate(qualys_2019, read_case(EXAMPLE_CASES[0]))
    values = [Decimal("1234.50"), dt.date(2024, 2, 29), 1.5, 10**20, True, None, 2**63 - 1,
              dt.datetime(2024, 2, 29, 12, tzinfo=dt.timezone.utc), ("a", 1), {"e": 1e-05},
              [1, "a", {"k": Decimal("2")}], {"nested": {"x": [dt.date(2020, 1, 1)]}}, *AWKWARD]
    assumptions = [Assumption._make(fact=text or "f", value=value)
                   for text, value in zip(AWKWARD * 3, values)]
    # orjson writes these itself (the others, a float, a moment, past 64 bits, are left to
    # our own writer): its escapes of the awkward texts are compared too.
    plain = [a for a in assumptions if not isinstance(a.value, (float, dt.datetime, dict))
             and a.value != 10**20]
    for text in AWKWARD:
        for given in (assumptions, plain):
            model = made.model_copy(update={"title": text, "case_id": text,
                                            "assumptions": given})
            written_alike(model)
            assert (json_render._fast(model, indent=False) is None) == (given is assumptions)


@pytest.mark.parametrize("mode", ["fast", "reference"])
def test_recorded_reasons_written_by_the_writer(qualys_2019, mode):
    """An award's result as the determiner's run leaves it, its reasons recorded and not
    written: each writer writes them as pydantic-core's serializer does (orjson's itself,
    not by leaving the model to our own writer)."""
    from clawpolicy.api import policy_facts
    from clawpolicy.evaluate.decide import Determiner
    from clawpolicy.evaluate.determine import ARITHMETIC
    from clawpolicy.evaluate.reasons import Reason

    loaded = read_case(EXAMPLE_CASES[0])

    def result():
        with decimal.localcontext(ARITHMETIC):
            run = Determiner(qualys_2019, loaded.case, policy_facts(qualys_2019, loaded)).run()
        return run.awards[0].result

    ours, reference = result(), result()
    assert any(type(c.__dict__["because"]) is Reason for c in ours.conditions)
    if mode == "fast":
        written = json_render._fast(ours, indent=False)
    else:
        json_render.writing(mode)
        try:
            written = json_render.written(ours)
        finally:
            json_render.writing("auto")
    assert written == reference.model_dump_json(by_alias=True)


def test_a_field_missing_is_pydantics_error():
    determination.making("fast")
    try:
        with pytest.raises(ValidationError):
            Condition._make(id="c", kind="condition", status="met")
        fields = dict(id="c", kind="condition", status="met", clause="1", quote="q",
                      because="b")
        same_models(Condition._make(**fields), Condition(**fields))
    finally:
        determination.making("auto")


def test_after_its_first_models_a_class_is_made_by_pydantic(monkeypatch):
    """"auto": the first `WARM` models of a class unvalidated, then its schema built and
    pydantic's `__init__` (faster once built) from then on."""
    monkeypatch.setattr(determination, "WARM", 2)
    validated = []

    class Probe(determination._Out):  # a class of its own: its schema not built yet
        fact: str
        dates: list[str] = []

        def __init__(self, **fields):
            validated.append(fields["fact"])
            super().__init__(**fields)

    determination.making("auto")
    try:
        assert not Probe.__pydantic_complete__
        dates = ["2024-01-01"]
        made = [Probe._make(fact=f"f{i}", dates=dates) for i in range(5)]
        assert validated == ["f2", "f3", "f4"]
        assert Probe.__dict__["_make"] is Probe and Probe.__pydantic_complete__
        assert [p.fact for p in made] == [f"f{i}" for i in range(5)]
        assert all(p.dates == dates and p.dates is not dates for p in made)
    finally:
        determination.making("auto")
    assert "_make" not in Probe.__dict__


def test_a_cold_check_builds_no_schema_of_the_determination():
    """`check --format json` of a case with no open question makes and writes its
    determination without building any of the models' pydantic schemas (defer_build)."""
    code = ("import sys; from clawpolicy import cli; from clawpolicy.evaluate import "
            "determination as d\n"
            "try:\n    cli.app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('built:', sorted(n for n, c in vars(d).items() if isinstance(c, type) "
            "and issubclass(c, d._Out) and c.__pydantic_complete__), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, "check",
                           str(ROOT / "policies" / "qualys-2019.claw"), str(EXAMPLE_CASES[0]),
                           "--format", "json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert '"outcome": "recovery"' in done.stdout
    assert "built: []" in done.stderr


def test_the_program_looks_up_no_pydantic_plugin():
    """The program (`clawpolicy`, `python -m clawpolicy`) does not search every installed
    package's metadata for pydantic plugins on its first case model (4-7 ms of a cold
    `check`): nothing but clawpolicy runs in it. A caller's own process is left as it was."""
    code = ("import runpy, sys\n"
            "sys.argv[0] = 'clawpolicy'\n"
            "try:\n    runpy.run_module('clawpolicy', run_name='__main__')\n"
            "except SystemExit as stop:\n    code = stop.code\n"
            "from pydantic.plugin import _loader\n"
            "print('exit', code, 'plugins', _loader._plugins, file=sys.stderr)")
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", code, "check",
                           str(ROOT / "policies" / "qualys-2019.claw"), str(EXAMPLE_CASES[0]),
                           "--format", "json"], capture_output=True, text=True, check=False,
                          env=env)
    assert '"outcome": "recovery"' in done.stdout, done.stderr
    assert done.stderr.strip().endswith("exit 0 plugins None"), done.stderr
