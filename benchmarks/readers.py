"""Ways to read one JSON Lines case, side by side (issue 14, item 4: orjson with
pydantic-core, or msgspec, "whichever measures best"), on run.py's generated lines (single-award
seed 2025, mixed seed 2024), in one process, each the best of `--rounds` passes over the
lines, passes interleaved:

- **clawpolicy's reader** (`input.reader.read_data`): the json module's C scanner with
  hooks that keep each number exact (a `Decimal`, an exponent kept as text for the amount
  parser to refuse) and refuse a key given twice (CP0404), and the nesting and lone-surrogate
  scans where they can find something. The reference every other row is held to.
- **msgspec, with the duplicate check**: `msgspec.json.Decoder(float_hook=...)` keeps numbers
  as exactly, but keeps the last of two equal keys without a word, as orjson and
  pydantic-core do; what refuses them here is the cheapest sound check found: a line with no
  backslash and no space before a colon has exactly one `":` a key, so its count equals the
  keys the decoded mappings hold unless a key came twice; any other line, or a count that
  differs, goes to clawpolicy's reader (which names the key). Held to the reference on every
  line, and on a line with a key given twice.
- **msgspec alone**, **orjson alone**, **pydantic-core's `from_json`**: the decoding only,
  for scale; none refuses a key given twice, and the last two read every number with a
  fraction as a binary float (not an amount a case may hold).
- For scale beside them: the whole `parse_case` (read, validated, cross-referenced) and the
  case model's `model_validate` of the decoded mapping.

    .venv/bin/pip install msgspec orjson      # the rows of a library not installed are left out
    .venv/bin/python benchmarks/readers.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from generate import generate_list  # noqa: E402
from clawpolicy import vocabulary  # noqa: E402
from clawpolicy.core.diagnostics import DiagnosticError  # noqa: E402
from clawpolicy.input.reader import _json_fraction, parse_case, read_data  # noqa: E402

_SPACED_COLON = re.compile(rb'"[ \t\r\n]+:')


def _keys(value: Any) -> int:
    """How many keys the mappings of decoded JSON hold, all levels."""
    if isinstance(value, dict):
        return len(value) + sum(_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_keys(v) for v in value)
    return 0


def readers() -> dict[str, Callable[[bytes], Any]]:
    found: dict[str, Callable[[bytes], Any]] = {
        "clawpolicy's reader (json module, hooks)":
            lambda raw: read_data(raw, "cases.jsonl:1", True, one_line=True)}
    try:
        import msgspec
    except ImportError:
        msgspec = None
    if msgspec is not None:
        decoder = msgspec.json.Decoder(float_hook=_json_fraction)  # as the reader's
        reference = found["clawpolicy's reader (json module, hooks)"]

        def checked(raw: bytes) -> Any:
            try:
                data = decoder.decode(raw)
            except msgspec.DecodeError:
                return reference(raw)  # its message, located
            if b"\\" in raw or _SPACED_COLON.search(raw) or raw.count(b'":') != _keys(data):
                return reference(raw)
            return data
        found[f"msgspec {msgspec.__version__}, the duplicate check"] = checked
        found[f"msgspec {msgspec.__version__} alone"] = decoder.decode
    try:
        import orjson
    except ImportError:
        pass
    else:
        found[f"orjson {orjson.__version__} alone (floats)"] = orjson.loads
    import pydantic_core
    found[f"pydantic-core {pydantic_core.__version__} from_json (floats)"] = \
        pydantic_core.from_json
    return found


def _agree(name: str, read: Callable[[bytes], Any], lines: list[bytes]) -> None:
    """The msgspec reader with its check gives what clawpolicy's reader gives, and refuses a
    key given twice; the decoders alone are not held to it (they cannot be)."""
    if "duplicate check" not in name:
        return
    for raw in lines:
        assert read(raw) == read_data(raw, "x", True, one_line=True), raw
    twice = lines[0].replace(b'{"case_id":', b'{"as_of":"2024-01-01","case_id":', 1)
    assert twice != lines[0]
    try:
        read(twice)
    except DiagnosticError as error:
        assert "appears twice" in str(error.diagnostics[0].message), error
    else:
        raise AssertionError("a key given twice was taken")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    model = vocabulary.load().case_model
    print(f"clawpolicy from {common.source()}; Python {sys.version.split()[0]}")
    for label, (n, seed, most) in (("single-award, seed 2025", (75, 2025, 1)),
                                   ("mixed, seed 2024", (150, 2024, 20))):
        lines = [json.dumps(c, separators=(",", ":")).encode()
                 for c in generate_list(n, seed, 1, most)]
        rows = dict(readers())
        for name, read in rows.items():
            _agree(name, read, lines)
        decoded = [read_data(raw, "x", True, one_line=True) for raw in lines]
        rows["the whole parse_case (for scale)"] = \
            lambda raw: parse_case(raw, "cases.jsonl", is_json=True, line=1)
        it = iter(decoded * (args.rounds + 1))
        rows["the case model's model_validate (for scale)"] = \
            lambda raw: model.model_validate(next(it))
        best = {name: float("inf") for name in rows}
        for _ in range(args.rounds):
            for name, read in rows.items():
                started = time.perf_counter()
                for raw in lines:
                    read(raw)
                best[name] = min(best[name], time.perf_counter() - started)
        first = best["clawpolicy's reader (json module, hooks)"]
        print(f"\n{label}: {n} lines, {sum(map(len, lines)) // n} bytes a line; best of "
              f"{args.rounds}, us a line, and against clawpolicy's reader")
        for name, seconds in best.items():
            print(f"  {name:<55} {seconds / n * 1e6:8.1f} us  {seconds / first:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
