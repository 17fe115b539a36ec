"""No input ever ends in anything but a determination or clean diagnostics.

Random text, mutations of the shipped policies and case files, raw bytes (a BOM, CRLF,
bytes that are not UTF-8), huge and tiny numbers, deep nesting and very long lines go
through every stage: loading, checking, reading cases, evaluating, rendering, and the
command itself. The only exception allowed out of a stage is DiagnosticError. JSON Lines
batches and batch folders mutated byte by byte must give one line for each case they hold.

The CI profile is bounded and deterministic (11,000 examples in all); a longer one runs by
hand: CLAWPOLICY_FUZZ=long .venv/bin/pytest tests/test_fuzz.py (ten times as many, random)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from clawpolicy.api import PolicyError, compile_policy, evaluate
from clawpolicy.input.reader import parse_case
from clawpolicy.check.checker import check
from clawpolicy.cli import app
from clawpolicy.core.diagnostics import DiagnosticError, render_all
from clawpolicy.syntax.load import LoadedPolicy, read_source
from clawpolicy.render import json as json_render
from clawpolicy.render import layout
from clawpolicy.core.source import SourceFile
from clawpolicy.syntax.lower import lower
from clawpolicy.syntax.parse import parse
from clawpolicy.tools.fmt import format_file
from tests.conftest import EXAMPLE_CASES, POLICIES, QUALYS, QUALYS_2019, REVISION_CASES
from tests.strategies import SCALE, fuzzed



POLICY_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(POLICIES.rglob("*.claw"))]
CASE_TEXTS = [p.read_bytes() for p in EXAMPLE_CASES + REVISION_CASES]
TOKENS = ["policy", "end", "define", "condition", "scope", "recoverable", "remedy", "revision",
          "clause", "quote", "requires", "as", "is", "shall", "may", "recover", "up", "to",
          "and", "or", "not", "in", "any", "(", ")", "{", "}", ",", ".", "=", "<", "+", "-",
          "award", "participant", "restatement", "amount_paid", "3 years", "2019-02-08",
          '"text"', "'x'", "150000", "#", "\n", " ", "x", "include", '"../../etc/passwd"',
          "apply", "applies to", "combine with", "other", "for", "where", "satisfies",
          "9" * 40, "0." + "0" * 40 + "1", "\ufeff", "\r\n", "\\", '"', "é", "\u0000"]


def _mutate(text: str, rng: random.Random, edits: int) -> str:
    for _ in range(edits):
        if not text:
            text = rng.choice(TOKENS)
        i, j = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        match rng.randrange(5):
            case 0:
                text = text[:i] + text[j:]                      # delete a span
            case 1:
                text = text[:i] + text[i:j] * 2 + text[j:]      # duplicate a span
            case 2:
                text = text[:i] + rng.choice(TOKENS) + text[i:]  # insert a token
            case 3:
                k = rng.randrange(len(text) + 1)
                text = text[:i] + text[k:k + (j - i)] + text[j:]  # replace with another span
            case 4:
                text = text[:i] + text[i:j][::-1] + text[j:]    # reverse a span
    return text


def _policy_stages(text: str, tmp: Path) -> None:
    """Parse, lower, check and, when it checks, evaluate the shipped examples and format it."""
    source = SourceFile("fuzz.claw", text)
    try:
        module = lower(parse(source), source)
        policy = check(LoadedPolicy(tmp, (("fuzz.claw", source, module),)))
    except DiagnosticError as error:
        render_all(error.diagnostics)
        return
    for case_bytes in CASE_TEXTS[:3]:
        try:
            determination = evaluate(policy, parse_case(case_bytes, "case.yaml"))
        except DiagnosticError as error:
            render_all(error.diagnostics)
            continue
        json_render.render(determination)
        layout.text(determination)
        layout.markdown(determination)


@fuzzed(4100)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_random_token_soup_never_crashes(tmp_path_factory, text):
    _policy_stages(text, tmp_path_factory.getbasetemp())


@fuzzed(500)
@given(st.integers(0, len(POLICY_TEXTS) - 1), st.integers(0, 2**32), st.integers(1, 6))
def test_mutated_policies_never_crash(tmp_path_factory, which, seed, edits):
    text = _mutate(POLICY_TEXTS[which], random.Random(seed), edits)
    _policy_stages(text, tmp_path_factory.getbasetemp())


@fuzzed(2000)
@given(st.integers(0, len(CASE_TEXTS) - 1), st.integers(0, 2**32), st.integers(1, 6))
def test_mutated_case_files_never_crash(qualys_revised, which, seed, edits):
    raw = CASE_TEXTS[which].decode("utf-8")
    text = _mutate(raw, random.Random(seed), edits)
    for is_json in (False, True):
        try:
            loaded = parse_case(text.encode("utf-8", "surrogatepass"), "case.yaml", is_json)
            json_render.render(evaluate(qualys_revised, loaded))
        except DiagnosticError as error:
            render_all(error.diagnostics)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**40, 10**40), st.text(max_size=30),
              st.sampled_from(["2024-02-29", "2023-02-29", "0001-01-01", "9999-12-31",
                               "1e5", "NaN", "0.000000000000000000000000000000001",
                               "-5", "99999999999999999999999999999999999"])),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=20)


@fuzzed(400)
@given(st.integers(0, len(CASE_TEXTS) - 1), st.data())
def test_cases_with_any_value_in_any_field_never_crash(qualys_revised, which, data):
    case = yaml.safe_load(CASE_TEXTS[which])
    case.pop("expect", None)
    # Replace a few values, at any depth, with anything JSON can hold.
    for _ in range(data.draw(st.integers(1, 4))):
        target, key = case, None
        while True:
            keys = list(target) if isinstance(target, dict) else list(range(len(target)))
            if not keys:
                key = None
                break
            key = data.draw(st.sampled_from(keys))
            if not isinstance(target[key], (dict, list)) or data.draw(st.booleans()):
                break
            target = target[key]
        if key is not None:
            target[key] = data.draw(JSON_VALUES)
    raw = json.dumps(case, default=str).encode("utf-8")
    try:
        json_render.render(evaluate(qualys_revised, parse_case(raw, "case.json", True)))
    except DiagnosticError as error:
        render_all(error.diagnostics)


@fuzzed(3300)
@given(st.binary(max_size=300), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]),
       st.booleans())
def test_raw_bytes_never_crash(tmp_path_factory, payload, prefix, crlf):
    raw = prefix + (payload.replace(b"\n", b"\r\n") if crlf else payload)
    for is_json in (False, True):
        try:
            parse_case(raw, "case.yaml", is_json)
        except DiagnosticError:
            pass
    path = tmp_path_factory.mktemp("bytes") / "p.claw"
    path.write_bytes(raw)
    try:
        compile_policy(path)
        format_file(path)
    except DiagnosticError:
        pass


@fuzzed(100)
@given(st.integers(0, 3), st.integers(1, 400), st.integers(0, 2**32))
def test_the_command_never_shows_a_traceback(tmp_path_factory, shape, size, seed):
    """Deep nesting, long lines, empty files and CRLF, through `clawpolicy check`."""
    rng = random.Random(seed)
    folder = tmp_path_factory.mktemp("cli")
    policy, case = folder / "p.claw", folder / "c.yaml"
    base = QUALYS_2019.read_text()
    match shape:
        case 0:
            policy.write_text(base + "\ndefine deep as " + "not " * size + "true end\n")
        case 1:
            policy.write_text(base + "\ndefine wide as " + " + ".join(["1"] * size) + " end\n")
        case 2:
            policy.write_text(base.replace("\n", "\r\n"))
        case 3:
            policy.write_text(_mutate(base, rng, 3))
    case.write_bytes(rng.choice(CASE_TEXTS)[: rng.choice([0, 10, 10**6])])
    shutil_source = POLICIES / "sources"
    (folder / "sources").mkdir(exist_ok=True)
    for f in shutil_source.iterdir():
        (folder / "sources" / f.name).write_bytes(f.read_bytes())
    result = CliRunner().invoke(app, ["check", str(policy), str(case), "-f", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code in (0, 3, 4), result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- batches, byte by byte

BYTES = [b"\n", b"\r\n", b"\xff", b"\xfe\xff", b"\x00", b"{", b"}", b"[", b"]", b'"', b"\\",
         b'"\\ud800"', b"9" * 5000, b"NaN", b"\xef\xbb\xbf", b"\xe9", b"  ", b"\t", b",", b":",
         "١٥٠".encode(), b"!!int 0x1F", b"<<: ", b"*a", b"&a ", b"---\n", b"[" * 70]
JSON_LINES = [json.dumps({k: v for k, v in yaml.load(text, Loader=yaml.BaseLoader).items()
                          if k != "expect"}).encode() for text in CASE_TEXTS]


def _mutate_bytes(raw: bytes, rng: random.Random, edits: int) -> bytes:
    for _ in range(edits):
        i, j = sorted(rng.randrange(len(raw) + 1) for _ in range(2))
        match rng.randrange(4):
            case 0:
                raw = raw[:i] + raw[j:]
            case 1:
                raw = raw[:i] + raw[i:j] * 2 + raw[j:]
            case 2:
                raw = raw[:i] + rng.choice(BYTES) + raw[i:]
            case 3:
                raw = raw[:i] + bytes([rng.randrange(256)]) + raw[i + 1:]
    return raw


def _check_lines(lines: list[str], count: int) -> None:
    """As many lines out as cases in, each one JSON object, none an internal error."""
    assert len(lines) == count
    for line in lines:
        line.encode("utf-8")  # valid UTF-8
        data = json.loads(line)
        assert "outcome" in data or [e["code"] for e in data["errors"]] != ["CP0900"], data


@fuzzed(400)
@given(st.lists(st.integers(0, len(JSON_LINES) - 1), min_size=1, max_size=6),
       st.integers(0, 2**32), st.integers(1, 8))
def test_mutated_json_lines_batches_give_one_line_for_each_line(tmp_path_factory, qualys_revised,
                                                                which, seed, edits):
    from clawpolicy import batch

    raw = _mutate_bytes(b"\n".join(JSON_LINES[i] for i in which) + b"\n", random.Random(seed),
                        edits)
    path = tmp_path_factory.mktemp("jsonl") / "cases.jsonl"
    path.write_bytes(raw)
    lines = raw.split(b"\n")
    lines[0] = lines[0].removeprefix(b"\xef\xbb\xbf")
    count = sum(1 for line in lines if line.strip())
    _check_lines([batch.determine_one(item, qualys_revised)[0]
                  for item in batch.items(str(path))], count)


@fuzzed(200)
@given(st.lists(st.tuples(st.integers(0, len(CASE_TEXTS) - 1),
                          st.sampled_from([".yaml", ".YAML", ".yml", ".json", ".Json"])),
                min_size=1, max_size=5), st.integers(0, 2**32), st.integers(0, 6))
def test_mutated_batch_folders_give_one_line_for_each_case_file(tmp_path_factory,
                                                                qualys_revised, files, seed,
                                                                edits):
    from clawpolicy import batch

    rng = random.Random(seed)
    folder = tmp_path_factory.mktemp("folder")
    for n, (which, suffix) in enumerate(files):
        raw = JSON_LINES[which] if suffix.lower() == ".json" else CASE_TEXTS[which]
        (folder / f"case{n}{suffix}").write_bytes(_mutate_bytes(raw, rng, edits))
    _check_lines([batch.determine_one(item, qualys_revised)[0]
                  for item in batch.items(str(folder))], len(files))


def test_the_ci_profile_runs_at_least_ten_thousand_examples():
    """Read from the tests' own settings (ten times as many under CLAWPOLICY_FUZZ=long)."""
    counts = [test._hypothesis_internal_use_settings.max_examples
              for test in globals().values() if hasattr(test, "hypothesis")]
    assert len(counts) == 8 and sum(counts) == 11_000 * SCALE


@pytest.mark.parametrize("path", [QUALYS, QUALYS_2019])
def test_shipped_policies_pass_every_stage(path, tmp_path):
    text = read_source(path, str(path), None).text
    try:
        _policy_stages(text, path.parent)
    except PolicyError as error:  # includes the policy's own files only in the loader path
        pytest.fail(render_all(error.diagnostics))
