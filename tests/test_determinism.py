"""The same inputs give byte-identical output: twice in a row, and whatever the order of
the keys in the case file."""

from __future__ import annotations

import json
import random

import pytest
import yaml

from clawpolicy.api import evaluate, read_case
from clawpolicy.render import json as json_render
from clawpolicy.render import layout
from tests.conftest import EXAMPLE_CASES


@pytest.mark.parametrize("case_path", EXAMPLE_CASES, ids=lambda p: p.stem)
def test_two_runs_give_byte_identical_output(case_path, qualys_2019):
    first = evaluate(qualys_2019, read_case(case_path))
    second = evaluate(qualys_2019, read_case(case_path))
    assert json_render.render(first) == json_render.render(second)
    assert layout.text(first) == layout.text(second)
    assert layout.markdown(first) == layout.markdown(second)


def _shuffled(value, rng):
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@pytest.mark.parametrize("case_path", EXAMPLE_CASES[::4], ids=lambda p: p.stem)
def test_key_order_and_format_do_not_change_the_output(case_path, qualys_2019, tmp_path):
    reference = json_render.render(evaluate(qualys_2019, read_case(case_path)))
    data = yaml.load(case_path.read_text(), Loader=yaml.BaseLoader)  # every scalar a string
    data = _restore_types(data)
    if "format_version" in data:  # a whole number, which BaseLoader gives as text
        data["format_version"] = int(data["format_version"])
    for seed in range(3):
        shuffled = tmp_path / f"case-{seed}.json"
        shuffled.write_text(json.dumps(_shuffled(data, random.Random(seed))))
        assert json_render.render(evaluate(qualys_2019, read_case(shuffled))) == reference


def _restore_types(value):
    # BaseLoader keeps every scalar as text; give JSON its booleans and nulls back.
    if isinstance(value, dict):
        return {k: _restore_types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore_types(v) for v in value]
    return {"true": True, "false": False, "null": None, "~": None, "": None}.get(value, value)
