"""Reading case files: YAML or JSON, into `Case`, with every problem located.

One strict reader for everything a case file says (yamlevents.py for YAML, the JSON reader
here held to the same rules): only a regular file, read no further than its size limit
allows; UTF-8 text; no YAML feature a case does not need; no key given twice; text that is
valid Unicode; nothing nested deeper than MAX_DEPTH; numbers kept exact for the case model's
own parsers, which take ASCII digits only."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clawpolicy import vocabulary as vocabularies
from clawpolicy.input.limits import _INT_DIGITS, MAX_DEPTH, Position
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.core.source import TooLarge, printable, read_regular

MAX_CASE_BYTES = 10 * 1024 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")
# Decoded UTF-8 holds no surrogate: in JSON text one can only come from an escape such as
# \ud800. Text without one of these needs no walk over its values (a superset: an escaped
# backslash before `ud8` is walked too, and found clean).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# A JSON string (skipped whole, brackets in it included) or a bracket.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"),
         (b"\xfe\xff", "UTF-16"), (b"\xff\xfe", "UTF-16"))

__all__ = ["MAX_CASE_BYTES", "MAX_DEPTH", "LoadedCase", "Position", "check_text", "load_case",
           "parse_case", "read_data", "read_file", "validate_case"]


@dataclass(frozen=True)
class LoadedCase:
    """A validated case, with where each of its fields stands in the file."""

    case: Any  # a model of the case vocabulary it was read with
    name: str
    positions: dict[str, Position]
    # The fields as the file held them, before validation: what a what-if (`check
    # --assume`) changes and validates again.
    data: dict | None = field(default=None, compare=False, repr=False)

    def where(self, path: str) -> str:
        return _where(self.name, self.positions, path)


def load_case(path: str | Path, display: str | None = None,
              vocabulary: vocabularies.Vocabulary | None = None,
              expectation: bool = True) -> LoadedCase:
    """Read and validate one case file against a case vocabulary (the shipped one by
    default), or raise DiagnosticError naming every problem. `expectation`: validate the
    `expect:` block (`clawpolicy test`), or leave it unread (`check`)."""
    name = printable(display or str(path))
    return parse_case(_read_bytes(path, name), name, is_json=_is_json(path),
                      vocabulary=vocabulary, expectation=expectation)


def read_file(path: str | Path) -> Any:
    """The data of a case file (or an expectation file) by the strict rules, unvalidated."""
    name = printable(str(path))
    return read_data(_read_bytes(path, name), name, _is_json(path))


def _is_json(path: str | Path) -> bool:
    return str(path).lower().endswith(".json")


def _read_bytes(path: str | Path, name: str) -> bytes:
    try:
        return read_regular(path, MAX_CASE_BYTES)
    except OSError as error:
        raise _one(name, "CP0401", f"cannot read the case file: {error.strerror or error}",
                   "give the path of a readable YAML or JSON case file") from None
    except TooLarge:
        raise _too_large(name) from None


def parse_case(raw: bytes, name: str, is_json: bool = False, line: int | None = None,
               vocabulary: vocabularies.Vocabulary | None = None,
               expectation: bool = True) -> LoadedCase:
    """A case from bytes. `line`: the case is that one line of a JSON Lines file `name`."""
    if line is not None:
        name = f"{name}:{line}"
    if len(raw) > MAX_CASE_BYTES:
        raise _too_large(name)
    positions: dict[str, Position] = {}
    data = read_data(raw, name, is_json, positions, one_line=line is not None)
    if not isinstance(data, dict):
        raise _one(name, "CP0405", "a case file holds one mapping of fields at its top",
                   "start with `case_id:` and `as_of:`, as in docs/cases.md")
    return LoadedCase(validate_case(data, name, positions, vocabulary, expectation), name,
                      positions, data)


def read_data(raw: bytes, name: str, is_json: bool = False,
              positions: dict[str, Position] | None = None, one_line: bool = False) -> Any:
    """The data of a case file's bytes, by the strict rules above, before any field is
    validated; `positions` receives where each field's key stands (YAML only)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            raise _one(name, "CP0403", f"the case file is {encoding} text, not UTF-8 (it starts "
                       f"with a {encoding} byte-order mark)", "save the case file as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _one(name, "CP0403", f"the case file is not UTF-8 text (byte {error.start})",
                   "save the case file as UTF-8") from None
    if is_json:
        return _read_json(text, name, one_line)
    return _read_yaml(text, name, positions if positions is not None else {})


def validate_case(data: dict, name: str, positions: dict[str, Position] | None = None,
                  vocabulary: vocabularies.Vocabulary | None = None,
                  expectation: bool = True) -> Any:
    positions = positions if positions is not None else {}
    vocabulary = vocabulary or vocabularies.load()
    model = vocabulary.case_model
    if not expectation and "expect" in data:
        # `check` leaves the expectation to `clawpolicy test`, which validates it.
        data = {key: value for key, value in data.items() if key != "expect"}
    try:
        case = model.model_validate(data)
    except ValidationError as error:
        diagnostics = [_field_diagnostic(name, positions, e, model) for e in error.errors()]
        raise DiagnosticError(_unique(diagnostics)) from None
    problems = vocabulary.cross_reference_errors(case)
    if problems:
        raise DiagnosticError([
            Diagnostic("CP0406", message, help, where=_where(name, positions, path))
            for path, message, help in problems])
    return case


def _too_large(name: str) -> DiagnosticError:
    return _one(name, "CP0402", f"the case file is larger than {MAX_CASE_BYTES} bytes",
                "split the case, or check that this is the right file")


# ---------------------------------------------------------------- readers

def _read_json(text: str, name: str, one_line: bool = False) -> Any:
    _check_json_depth(text, name, one_line)
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses a byte-order mark left
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        data = _DECODER.decode(text)
    except _Twice as error:
        raise _one(name, "CP0404", f"the key `{printable(error.args[0])}` appears twice in "
                   "one mapping", "keep one of them: a case never silently drops a fact"
                   ) from None
    except _NotANumber as error:
        raise _one(name, "CP0401", f"the case file holds `{error}`, which is not a number a "
                   "case may hold", "expected amounts as decimal numbers, e.g. 150000.00") from None
    except json.JSONDecodeError as error:
        # One line of JSON Lines is named `file:line` already: add the column only.
        place = f"{name}:{error.colno}" if one_line else f"{name}:{error.lineno}:{error.colno}"
        raise _one(place, "CP0401",
                   f"the case file is not valid JSON: {error.msg}",
                   "check the JSON syntax at that place") from None
    if _SURROGATE_ESCAPE.search(text):
        check_text(data, name)
    return data


def _check_json_depth(text: str, name: str, one_line: bool) -> None:
    """The nesting limit of the YAML reader, before the JSON is parsed (so that its parser
    never recurses past it), located at the bracket that goes too deep."""
    if text.count("[") + text.count("{") <= MAX_DEPTH + 1:
        return  # too few brackets (in strings or not) to nest too deep: nothing to locate
    if _nests_within(text):
        return
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH + 1:  # the top object is the first bracket
                line, col = _line_col(text, token.start())
                raise _too_deep(f"{name}:{col}" if one_line else f"{name}:{line}:{col}")
        elif bracket in "]}":
            depth -= 1


def _nests_within(text: str) -> bool:
    """True where the text's brackets are known to nest no deeper than the limit, found
    without a step of Python for each string (the scan above takes one; a case of many
    awards holds hundreds): in a text with no backslash and an even number of quotes, every
    quote opens or closes a string, as the scan's tokens have it, so the brackets outside
    strings are those between the pieces' every other quote; with both kinds of bracket
    taken as one (the scan counts them alike), taking away each adjacent pair of an opening
    and a closing bracket peels one level of nesting, and where the brackets pair up the
    number of peels is the scan's greatest depth. False (the scan decides, and locates)
    wherever this cannot say: any backslash, an odd number of quotes, brackets that do not
    pair up, or a nesting deeper than the limit."""
    if "\\" in text or text.count('"') % 2:
        return False
    outside = "".join(text.split('"')[0::2]).encode("utf-8", "surrogatepass")
    brackets = outside.translate(_ONE_KIND, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH + 1):  # the top object's bracket and MAX_DEPTH levels below
        if not brackets:
            return True
        peeled = brackets.replace(b"[]", b"")
        if peeled == brackets:
            return False
        brackets = peeled
    return not brackets


_ONE_KIND = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def check_text(data: Any, name: str) -> None:
    """Text (keys included) that is valid Unicode, as the YAML reader requires as it reads:
    for JSON, and for a case given as a mapping (api.read_case_data), whose lone surrogate
    would otherwise reach the determination's hash and fail there as no CaseError.

    The walk is bounded as the file readers are: a mapping or list nested more than
    MAX_DEPTH levels below the top is refused (CP0405), and so is one that holds itself (a
    mapping built in Python can: `f["self"] = f`), which would otherwise be walked, and
    validated, without end. A mapping or list held in several places is walked once for
    the shallowest of them, so that sharing never multiplies the work."""
    walked: dict[int, int] = {}  # id of a mapping or list -> the least depth it was walked at
    stack: list[tuple[Any, str, int, tuple]] = [(data, "", 0, ())]
    while stack:
        value, path, depth, above = stack.pop()
        if isinstance(value, str):
            _valid_unicode(value, name, path)
            continue
        if not isinstance(value, (Mapping, list, tuple)):
            continue
        mine = id(value)
        for held, where in above:
            if held == mine:
                raise _one(f"{name}: {printable(path)}", "CP0405", "the case holds itself: "
                           f"`{printable(path)}` is `{printable(where) or 'the case'}`, "
                           "which holds it", "a case is a tree of mappings and lists: none "
                           "may hold itself; give this field a value of its own")
        if depth > MAX_DEPTH:
            raise _too_deep(f"{name}: {printable(path)}")
        if walked.get(mine, depth + 1) <= depth:
            continue
        walked[mine] = depth
        below = above + ((mine, path),)
        if isinstance(value, Mapping):
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if isinstance(key, str):
                    _valid_unicode(key, name, child)
                stack.append((item, child, depth + 1, below))
        else:
            stack.extend((item, f"{path}[{i}]", depth + 1, below)
                         for i, item in enumerate(value))


def _valid_unicode(text: str, name: str, path: str) -> None:
    bad = _SURROGATE.search(text)
    if bad:
        raise _one(f"{name}: {printable(path)}", "CP0412", "the case file holds text that is "
                   f"not valid Unicode: a lone surrogate, \\u{ord(bad.group()):04x}",
                   "write the character itself, or a surrogate pair that makes one")


def _too_deep(where: str) -> DiagnosticError:
    return _one(where, "CP0405", "the case file nests deeper than a case can",
                f"a case nests a few levels deep (at most {MAX_DEPTH}); check the file")


class _NotANumber(ValueError):
    pass


class _Twice(ValueError):
    """A key given twice in one mapping (the key)."""


def _no_constant(word: str) -> Any:
    raise _NotANumber(word)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _Twice(key)
        result[key] = value
    return result


def _json_fraction(text: str) -> Decimal | str:
    # An exponent stays text, so the amount parser refuses it as it does in YAML.
    return text if "e" in text.lower() else Decimal(text)


def _json_integer(text: str) -> int | Decimal:
    # Python's int() refuses more than 4300 digits; a Decimal keeps any integer exact.
    return int(text) if len(text) <= _INT_DIGITS else Decimal(text)


# `json.loads(text, **these)` made once (json.loads makes a decoder a call with hooks: 1.4 us).
_DECODER = json.JSONDecoder(parse_float=_json_fraction, parse_int=_json_integer,
                            object_pairs_hook=_no_duplicates, parse_constant=_no_constant)


def _read_yaml(text: str, name: str, positions: dict[str, Position]) -> Any:
    import yaml  # here, not above: a JSON case never loads YAML

    from clawpolicy.input.yamlevents import ReadError, read_yaml

    try:
        return read_yaml(text, positions)
    except ReadError as error:
        where = f"{name}:{error.place.line}:{error.place.col}" if error.place else name
        raise _one(where, error.code, error.message, error.help) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line, col = _line_col(text, error.position)
        raise _one(f"{name}:{line}:{col}", "CP0401", "the case file is not valid YAML: it "
                   f"holds the character {error.character!r}, which YAML does not allow",
                   "check the YAML syntax at that place") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise _one(where, "CP0401", f"the case file is not valid YAML: {error.problem}",
                   "check the YAML syntax at that place") from None
    except yaml.YAMLError as error:
        raise _one(name, "CP0401", f"the case file is not valid YAML: {error}",
                   "check the YAML syntax") from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# ---------------------------------------------------------------- messages

def _one(where: str, code: str, message: str, help: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(code, message, help, where=where)])


def path_of(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _where(name: str, positions: dict[str, Position], path: str) -> str:
    # The field's own line, or the nearest enclosing one that the file has.
    probe = path
    while probe:
        if probe in positions:
            p = positions[probe]
            return f"{name}:{p.line}:{p.col}: {path}"
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return f"{name}: {path}" if path else name


def _field_diagnostic(name: str, positions: dict[str, Position], error: dict,
                      case_model: Any) -> Diagnostic:
    loc = tuple(error["loc"])
    kind = error["type"]
    path = path_of(loc)
    where = _where(name, positions, path)
    if kind == "missing":
        return Diagnostic("CP0407", f"`{path}` is required", f"add `{loc[-1]}:` to the case",
                          where=where)
    if kind == "extra_forbidden":
        import difflib

        parent = _model_at(case_model, loc[:-1])
        names = list(parent.model_fields) if parent else []
        allowed = ", ".join(names) if names else "the fields of docs/cases.md"
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        return Diagnostic("CP0408", f"unknown field `{loc[-1]}`",
                          f"{hint}expected one of: {allowed} (extra facts go under `facts:`)",
                          where=where)
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        return Diagnostic("CP0409", f"`{path}` cannot be {_brief(error.get('input'))}",
                          f"expected {expected}", where=where)
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    value = error.get("input")
    shown = f"`{path}` cannot be {_brief(value)}" if isinstance(value, (str, int, bool, Decimal)) \
        else f"`{path}` is not valid"
    if message.startswith("expected"):
        return Diagnostic("CP0410", shown, message, where=where)
    return Diagnostic("CP0410", f"{shown}: {message}", _help_for(kind), where=where)


def _brief(value: Any) -> str:
    """A value as a message shows it: whole when short, its start and its length when not."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 40:
        return f"a number of {len(str(abs(value)))} digits"
    shown = repr(value)
    if len(shown) <= 60:
        return shown
    if isinstance(value, Decimal):
        return f"a number of {len(value.as_tuple().digits)} digits"
    return f"{shown[:40]}…' ({len(str(value))} characters)"


def _help_for(kind: str) -> str:
    if kind in ("list_type",):
        return "expected a list, e.g. [financial_results]"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "expected a mapping of fields"
    if kind in ("string_type",):
        return "expected a text"
    return "see docs/cases.md for what this field holds"


def _model_at(case_model: Any, loc: tuple):
    """The model class reached by following `loc` from the case, for listing allowed fields."""
    import typing

    model: Any = case_model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        annotation = field.annotation
        model = None
        stack = [annotation]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and hasattr(t, "model_fields"):
                model = t
                break
            stack.extend(typing.get_args(t))
        if model is None:
            return None
    return model if hasattr(model, "model_fields") else None


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen, result = set(), []
    for d in diagnostics:
        key = (d.where, d.message)
        if key not in seen:
            seen.add(key)
            result.append(d)
    return result
