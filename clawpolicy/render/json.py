"""The contract's JSON object: fixed key order, two-space indent, UTF-8, a final newline.

Written straight from the models' fields by `written`: the same bytes as pydantic-core's
`model_dump_json(by_alias=True)` (each model's fields in their order, an `_optional` field
left out where it is None, recorded reasons written first, the same escapes of control
characters, non-ASCII text as itself, `":"` and `","` on one line, `": "` and a two-space
indent otherwise), without a Python call per model into pydantic's wrap serializer and
without building the models' serialization schemas (a cold `check` does not need them).
`PYDANTIC` writes through `model_dump_json` instead: tests/test_json_writer.py compares the
two byte for byte on the examples and on generated cases.

Once a process has written its first determinations (a batch), orjson writes them (`_fast`):
each model handed to it as its `__dict__` (or a copy without the fields left out), in C
from there, where the writer above makes a Python call per value; the same bytes (the same
escapes, keys in the same order, two-space indent), tested against both writers above."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from json.encoder import encode_basestring  # the json module's C encoder, non-ASCII kept
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from clawpolicy.core import warm
from clawpolicy.evaluate.determination import Determination
from clawpolicy.evaluate.reasons import write

# Write through pydantic-core's serializer (`model_dump_json`), the reference.
PYDANTIC = False
# Which writer `written` uses (core/warm.py), as seal.py's canonical bytes: our own (`_line`,
# `_plain`) for a process's first determinations, so that a single `check` does not import
# orjson, then orjson where installed (`_fast`). tests/test_json_writer.py holds them to the
# same bytes.
WAY = warm.Warm()
writing = WAY.writing


def render(determination: Determination) -> str:
    if PYDANTIC:
        return determination.model_dump_json(by_alias=True, indent=2) + "\n"
    return written(determination, indent=True) + "\n"


def render_line(determination: Determination, source: str | None = None) -> str:
    """The same object on one line, for JSON Lines; with `source` (where the case came from:
    `FILE:LINE` of a JSON Lines input, or a case file's name) first, so every line of a
    batch, determined or not, names its input."""
    line = determination.model_dump_json(by_alias=True) if PYDANTIC else written(determination)
    if source is None:
        return line
    # The object's own keys follow `source`: its opening brace is replaced by the key.
    # (`json.dumps(source, ensure_ascii=False)`, without making an encoder a line)
    return '{"source":' + encode_basestring(source) + "," + line[1:]


def written(model: BaseModel, indent: bool = False) -> str:
    """A model as pydantic-core writes it: on one line, or indented by two spaces a level."""
    if WAY.fast():
        fast = _fast(model, indent)
        if fast is not None:
            return fast
    if indent:
        return to_json(_plain(model), indent=2).decode()
    out: list[str] = []
    _line(model, out)
    return "".join(out)


# Each model class's fields in their order, (name, key, key as JSON with its colon, left out
# where None),
# and whether it records reasons.
_Plan = tuple[tuple[tuple[str, str, str, bool], ...], bool]
_FIELDS: dict[type, _Plan] = {}


def _fields(cls: type) -> _Plan:
    optional = set(getattr(cls, "_optional", ()))
    found = tuple((name, key, encode_basestring(key) + ":", name in optional)
                  for name, f in cls.model_fields.items()
                  for key in (f.serialization_alias or f.alias or name,))
    _FIELDS[cls] = plan = (found, bool(getattr(cls, "_reasons", ())))
    return plan


def _line(value: Any, out: list[str]) -> None:
    """`value` written onto `out`: a model's fields of text, null and truth values written
    in its own loop (most of a determination's values), the others by a call each."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif kind is bool:
        out.append("true" if value else "false")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        out.append("[")
        for item in value:
            _line(item, out)
            out.append(",")
        out[-1] = "]"
    elif isinstance(value, BaseModel):
        fields, reasons = _FIELDS.get(kind) or _fields(kind)
        if reasons:
            write(value)
        data = value.__dict__
        out.append("{")
        start = len(out)
        append = out.append
        for name, _, key, optional in fields:
            item = data[name]
            if item is None:
                if optional:
                    continue
                append(key)
                append("null")
            elif type(item) is str:
                append(key)
                append(encode_basestring(item))
            else:
                append(key)
                _line(item, out)
            append(",")
        if len(out) == start:
            append("}")
        else:
            out[-1] = "}"
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        out.append("{")
        for key, item in value.items():
            out.append(encode_basestring(key))
            out.append(":")
            _line(item, out)
            out.append(",")
        out[-1] = "}"
    else:  # a number, or a value of an `Any` field: as pydantic-core infers it
        out.append(to_json(value).decode())


def _plain(value: Any) -> Any:
    """A model as plain dictionaries and lists (as `model_dump` gives it), for
    pydantic-core's writer of plain data (`to_json`), which indents as it does for models."""
    kind = type(value)
    if kind is list:
        return [_plain(item) for item in value]
    plan = _FIELDS.get(kind)
    if plan is None:
        if not isinstance(value, BaseModel):
            return value
        plan = _fields(kind)
    fields, reasons = plan
    if reasons:
        write(value)
    data = value.__dict__
    return {key: _plain(data[name]) for name, key, _, optional in fields
            if not (optional and data[name] is None)}


def _fast(model: BaseModel, indent: bool) -> str | None:
    """`model` written by orjson, or None where it is not installed or refuses a value (an
    integer past 64 bits, a lone surrogate): the writer above writes it then."""
    orjson = warm.orjson()
    if not orjson:
        return None
    try:
        return orjson.dumps(model, default=_object,
                            option=orjson.OPT_INDENT_2 if indent else 0).decode()
    except TypeError:  # orjson.JSONEncodeError
        return None


def _object(value: Any) -> Any:
    """What orjson writes for a value it does not know: a model as a mapping of its keys (see
    `_mapping`); a decimal (under a field of type Any) as pydantic-core writes it, a text;
    anything else is refused, and the writer above writes it."""
    convert = _MAPPINGS.get(type(value))
    if convert is None:
        if type(value) is Decimal:
            return warm.orjson().Fragment(to_json(value))
        if not isinstance(value, BaseModel):
            raise TypeError(type(value))
        convert = _mapping(type(value))
    return convert(value)


# What a field of type Any (a value as given) may hold for orjson to write it as
# pydantic-core does; a float is refused (`1e-05` is orjson's `0.00001`), so is a moment in
# time (a zone written otherwise) and whatever else is not here.
_GIVEN = frozenset({str, bool, int, type(None), Decimal, dt.date})


def _given(value: Any) -> Any:
    """A value under a field of type Any, checked (see `_GIVEN`): itself, or TypeError."""
    kind = type(value)
    if kind is list or kind is tuple:
        for item in value:
            _given(item)
    elif kind is dict:
        for item in value.values():
            _given(item)
    elif kind not in _GIVEN:
        raise TypeError(kind)
    return value


_MAPPINGS: dict[type, Any] = {}


def _mapping(cls: type) -> Any:
    """How orjson is given a model of `cls`: its `__dict__` itself where it writes as it
    holds (its fields in their order, keyed by their names), else a copy without the
    optional fields that are None; a field of type Any (a value as given) or with an alias
    by the general plan. Its recorded reasons are written first (a reason's field that is
    not a text)."""
    fields, has_reasons = _FIELDS.get(cls) or _fields(cls)
    reasons = tuple(cls._reasons) if has_reasons else ()
    optional = tuple(name for name, _, _, left_out in fields if left_out)
    anys = frozenset(name for name, f in cls.model_fields.items() if f.annotation is Any)
    general = anys or any(name != key for name, key, _, _ in fields)

    def convert(value: Any) -> Any:
        data = value.__dict__
        for name in reasons:
            if type(data[name]) is not str:
                write(value)
                break
        if general:
            return {key: _given(data[name]) if name in anys else data[name]
                    for name, key, _, left_out in fields
                    if not (left_out and data[name] is None)}
        out = data
        for name in optional:
            if data[name] is None:
                if out is data:
                    out = data.copy()
                del out[name]
        return out

    _MAPPINGS[cls] = convert
    return convert
