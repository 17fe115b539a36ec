"""One schema: the JSON Schema of case files accepts what clawpolicy's reader accepts and
refuses what it refuses, except for the rules a JSON Schema cannot express, which its
description and docs/cases.md list. The determination's schema holds every example's output.
Both are committed under schema/, each with an `$id` that resolves to its own file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import jsonschema
import pytest
import yaml

from clawpolicy.api import CaseError, compile_policy, evaluate, read_case, read_case_data
from clawpolicy.render.json import render as render_json
from clawpolicy.tools import schema as schemas
from clawpolicy.vocabulary.schema import BEYOND_SCHEMA
from tests.conftest import COMPANY_CASES, EXAMPLE_CASES, QUALYS, QUALYS_2019, REVISION_CASES, ROOT

ALL_EXAMPLES = EXAMPLE_CASES + REVISION_CASES + [case for _, case in COMPANY_CASES]

SCHEMA_DIR = ROOT / "schema"
CASE_SCHEMA = SCHEMA_DIR / "case.schema.json"
DETERMINATION_SCHEMA = SCHEMA_DIR / "determination.schema.json"
BAD_CASES = sorted(p for p in (ROOT / "tests" / "bad_cases").iterdir()
                   if p.suffix in (".yaml", ".json"))
# The bad cases a JSON Schema cannot refuse, and the rule of BEYOND_SCHEMA each breaks.
BEYOND = {
    "alias.yaml": "anchors and aliases",
    "anchor.yaml": "anchors and aliases",
    "anchored_key.yaml": "anchors and aliases",
    "duplicate_key.yaml": "duplicate keys",
    "exponent.json": "notation",
    "float_like_amount.yaml": "notation",
    "octal_is_not_a_number.yaml": "notation",
    "paid_more_than_awarded.yaml": "cross-field rules",
    "unknown_statement.yaml": "references",
    "recovery_in_another_unit.yaml": "references",
    "recovery_of_no_award.yaml": "references",
}


class Yaml12Loader(yaml.SafeLoader):
    """YAML as editors read it (YAML 1.2, core schema): `yes` and dates stay text."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
]:
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), first)


def _no_constant(word: str):
    raise ValueError(f"{word} is not JSON")


def as_data(path: Path):
    """The case as a schema validator sees it; None if no strict reader reads it at all."""
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".json":
            return json.loads(text, parse_constant=_no_constant)
        return yaml.load(text, Loader=Yaml12Loader)
    except (ValueError, yaml.YAMLError):
        return None


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(CASE_SCHEMA.read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_committed_schemas_are_what_clawpolicy_prints():
    assert CASE_SCHEMA.read_text() == schemas.render()
    assert DETERMINATION_SCHEMA.read_text() == schemas.render(determination=True)


@pytest.mark.parametrize("path", [CASE_SCHEMA, DETERMINATION_SCHEMA], ids=lambda p: p.name)
def test_each_schema_id_resolves_to_its_own_file(path):
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert urljoin(path.as_uri(), schema["$id"]) == path.as_uri()


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.name)
def test_every_example_is_valid_and_names_the_schema_for_editors(path, validator):
    errors = list(validator.iter_errors(as_data(path)))
    assert not errors, errors[0].message
    first = path.read_text().splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path.name}: first line {first!r}"
    assert (path.parent / match[1]).resolve() == CASE_SCHEMA


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.name)
def test_plain_safe_load_validates_once_its_dates_are_text(path, validator):
    data = yaml.safe_load(path.read_text())  # YAML 1.1: datetime.date objects
    assert not list(validator.iter_errors(json.loads(json.dumps(data, default=str))))


@pytest.mark.parametrize("path", BAD_CASES, ids=lambda p: p.name)
def test_every_bad_case_is_refused_by_the_schema_unless_its_rule_is_beyond_one(path,
                                                                               validator):
    with pytest.raises(CaseError):
        read_case(path)
    data = as_data(path)
    refused = data is None or bool(list(validator.iter_errors(data)))
    if path.name in BEYOND:
        assert not refused, f"{path.name} is refused by the schema now: take it off BEYOND"
        assert BEYOND[path.name] in BEYOND_SCHEMA
    else:
        assert refused, f"the schema accepts {path.name}, which clawpolicy refuses"


def test_what_the_schema_cannot_say_is_in_its_description_and_in_cases_md():
    description = json.loads(CASE_SCHEMA.read_text())["description"]
    cases_md = (ROOT / "docs" / "cases.md").read_text()
    for rule in BEYOND_SCHEMA.values():
        assert rule in description
        assert rule in " ".join(cases_md.split()), rule


@pytest.mark.parametrize("amount, accepted", [
    ("150000.50", True), ("150000", True), ("0.5", True), ("1.5e5", False), ("-3", False),
    ('"150000.50"', True), ('"1.5e5"', False), ("true", False)])
def test_json_numbers_are_accepted_by_both_or_by_neither(amount, accepted, validator,
                                                         tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"case_id": "c", "as_of": "2024-06-30", "awards": [{"id": "a", '
                    f'"amount_awarded": {amount}}}]}}')
    by_schema = not list(validator.iter_errors(as_data(path)))
    try:
        read_case(path)
        by_reader = True
    except CaseError:
        by_reader = False
    expected = accepted if amount != "1.5e5" else None  # notation: beyond the schema
    if expected is None:
        assert (by_schema, by_reader) == (True, False)
    else:
        assert (by_schema, by_reader) == (accepted, accepted)


def test_with_a_policy_the_schema_types_the_facts_it_declares(tmp_path):
    policy_text = (ROOT / "policies" / "qualys-2019.claw").read_text()
    policy_text += ('\nfact home_region: one of {americas, emea, apac} end\n'
                    'fact severance_paid: money asks "How much severance was paid?" end\n')
    (tmp_path / "sources").symlink_to(ROOT / "policies" / "sources")
    (tmp_path / "p.claw").write_text(policy_text)
    policy = compile_policy(tmp_path / "p.claw")
    schema = schemas.case_schema(policy=policy)
    facts = schema["properties"]["facts"]["properties"]
    assert facts["home_region"]["anyOf"][0] == {"type": "string",
                                                "enum": ["americas", "emea", "apac"]}
    assert facts["severance_paid"]["description"] == "How much severance was paid?"
    validator = jsonschema.Draft202012Validator(schema)
    case = {"case_id": "c", "as_of": "2024-06-30"}
    for value, ok in [({"home_region": "emea", "severance_paid": "10.00"}, True),
                      ({"home_region": "asia"}, False), ({"severance_paid": "ten"}, False),
                      ({"home_region": None}, True)]:
        assert (not list(validator.iter_errors({**case, "facts": value}))) is ok, value
    assert "home_region" not in json.dumps(schemas.case_schema())


def test_every_example_determination_is_valid_by_the_determination_schema():
    validator = jsonschema.Draft202012Validator(json.loads(DETERMINATION_SCHEMA.read_text()))
    checked = 0
    for policy_path in (QUALYS_2019, QUALYS):
        policy = compile_policy(policy_path)
        for path in EXAMPLE_CASES + REVISION_CASES:
            output = json.loads(render_json(evaluate(policy, read_case(path))))
            errors = list(validator.iter_errors(output))
            assert not errors, (path.name, errors[0].message)
            checked += 1
    assert checked == 2 * len(EXAMPLE_CASES + REVISION_CASES)
    for policy_path, path in COMPANY_CASES:  # the other companies' cases, by their own policy
        output = json.loads(render_json(evaluate(compile_policy(policy_path), read_case(path))))
        errors = list(validator.iter_errors(output))
        assert not errors, (path.name, errors[0].message)
    assert list(validator.iter_errors({**output, "surprise": 1}))


# ---------------------------------------------------------------- the patterns and the parsers

def _accepts(parse, value) -> bool:
    try:
        parse(value)
        return True
    except ValueError:
        return False


def _texts():
    """Texts around the edges of what a case's amounts, dates and months-days may be."""
    from clawpolicy.core.case import _SPACE

    spaces = [" ", "\t", "\u00a0", "\u3000", "\u2028", "\x1c", "\ufeff", "\u200b"]
    assert all(c.isspace() for c in spaces[:-2]) and not any(c.isspace() for c in spaces[-2:])
    amounts = ["0", "5", "+5", "-5", "-0", "-0.00", "-0_0", "0_", "1_000.50", "1.", ".5",
               "1e5", "0x1F", "١٥٠", "１５", "12.3.4", "", "+", "-"]
    dates = [f"{y:04d}-{m:02d}-{d:02d}" for y in (0, 1, 4, 100, 400, 1900, 2000, 2023, 2024,
                                                  9996, 9999)
             for m in range(0, 14) for d in (0, 1, 28, 29, 30, 31, 32)]
    dates += ["2024-6-30", "24-06-30", "2024/06/30", "٢٠٢٤-06-30", "2024-06-30T00:00"]
    month_days = [f"{m:02d}-{d:02d}" for m in range(0, 14) for d in range(0, 33)]
    month_days += ["2-28", "hello", "١٢-٣١", " 12-31", "12-31 "]
    padded = [f"{s}{t}" for s in spaces for t in ("5", "2024-06-30")] + \
             [f"{t}{s}" for s in spaces for t in ("5", "2024-06-30")]
    return _SPACE, amounts + padded, dates + padded, month_days


def test_the_schema_patterns_accept_what_the_reader_accepts_and_nothing_else():
    """Issue 16: the schema describes what the reader accepts, in both directions: ASCII
    digits only, the whitespace str.strip() takes off, a date of the calendar, and the
    fiscal year end's month and day."""
    from clawpolicy.core import case
    from clawpolicy.vocabulary.models import _month_day

    space, amounts, dates, month_days = _texts()
    assert set(re.findall(r"\\u([0-9a-f]{4})", space)) == {
        f"{ord(c):04x}" for c in map(chr, range(0x110000)) if c.isspace()}
    unsigned = case._DECIMAL_SCHEMA["anyOf"][1]["pattern"]
    signed = case._SIGNED_SCHEMA["anyOf"][1]["pattern"]
    for text in amounts:
        assert bool(re.search(unsigned, text)) == _accepts(case.parse_amount, text), text
        assert bool(re.search(signed, text)) == _accepts(case.parse_number, text), text
        if _accepts(case.parse_number, text):  # its short way for plain digits, the same
            assert repr(case.parse_number(text)) == repr(case._general_number(text)), text
    for text in dates:
        assert bool(re.search(case.DATE_SCHEMA["pattern"], text)) == \
            _accepts(case.parse_date, text), text
    for text in month_days:
        assert bool(re.search(case.MONTH_DAY_PATTERN, text)) == \
            _accepts(lambda v: _month_day(None, v), text), text


def test_the_schema_and_the_reader_agree_on_digits_and_the_fiscal_year_end(validator):
    base = {"case_id": "x", "as_of": "2024-06-30"}
    for patch, valid in [({"awards": [{"id": "a", "amount_awarded": "١٥٠"}]}, False),
                         ({"awards": [{"id": "a", "amount_awarded": " 150 "}]}, True),
                         ({"company": {"fiscal_year_end": "02-30"}}, False),
                         ({"company": {"fiscal_year_end": "hello"}}, False),
                         ({"company": {"fiscal_year_end": "02-29"}}, True),
                         ({"as_of": "2024-06-30 "}, True), ({"as_of": "2023-02-29"}, False)]:
        data = {**base, **patch}
        assert validator.is_valid(data) is valid, patch
        try:
            read_case_data(data)
            read = True
        except CaseError:
            read = False
        assert read is valid, patch
