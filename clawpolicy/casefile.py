"""Reading case files: YAML or JSON, into `Case`, with every problem located.

YAML is read with a loader of our own making: only the plain data types (no object tags), no
anchors or aliases (so no alias bombs), no binary floats (a decimal stays exact), `true`/`false`
as the only booleans, and a duplicate key is an error rather than a silent overwrite."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from clawpolicy import vocabulary as vocabularies
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError

MAX_CASE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _CaseLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # type: ignore[override]
        # An alias can make a small file expand to an enormous one; a case needs none.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (*name) are not allowed in a case file",
                event.start_mark)
        return super().compose_node(parent, index)


# Only `true` and `false` are booleans (YAML 1.1 would read `no` or `on` as one); a number
# with a fraction or exponent, an integer with a leading zero, and a date stay text for the
# case model's own parsers.
_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:float",
                           "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in _CaseLoader.yaml_implicit_resolvers.items()
}
_CaseLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", yaml.resolver.re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))
# Plain decimal integers only: YAML 1.1 would read 017 as octal, 0x1F as hex, 1:30 as 90.
_CaseLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", yaml.resolver.re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"),
    list("-+0123456789"))


@dataclass(frozen=True)
class Position:
    line: int
    col: int


@dataclass(frozen=True)
class LoadedCase:
    """A validated case, with where each of its fields stands in the file."""

    case: Any  # a model of the case vocabulary it was read with
    name: str
    positions: dict[str, Position]

    def where(self, path: str) -> str:
        return _where(self.name, self.positions, path)


def load_case(path: str | Path, display: str | None = None,
              vocabulary: vocabularies.Vocabulary | None = None) -> LoadedCase:
    """Read and validate one case file against a case vocabulary (the shipped one by
    default), or raise DiagnosticError naming every problem."""
    name = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise DiagnosticError([Diagnostic(
            "CP0401", f"cannot read the case file: {error.strerror or error}",
            "give the path of a readable YAML or JSON case file", where=name)]) from None
    return parse_case(raw, name, is_json=str(path).lower().endswith(".json"),
                      vocabulary=vocabulary)


def parse_case(raw: bytes, name: str, is_json: bool = False, line: int | None = None,
               vocabulary: vocabularies.Vocabulary | None = None) -> LoadedCase:
    """A case from bytes. `line`: the case is that one line of a JSON Lines file `name`."""
    if line is not None:
        name = f"{name}:{line}"
    if len(raw) > MAX_CASE_BYTES:
        raise _one(name, "CP0402", f"the case file is larger than {MAX_CASE_BYTES} bytes",
                   "split the case, or check that this is the right file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _one(name, "CP0403", f"the case file is not UTF-8 text (byte {error.start})",
                   "save the case file as UTF-8") from None
    positions: dict[str, Position] = {}
    data = _read_json(text, name, line is not None) if is_json else \
        _read_yaml(text, name, positions)
    if not isinstance(data, dict):
        raise _one(name, "CP0405", "a case file holds one mapping of fields at its top",
                   "start with `case_id:` and `as_of:`, as in docs/cases.md")
    return LoadedCase(validate_case(data, name, positions, vocabulary), name, positions)


def validate_case(data: dict, name: str, positions: dict[str, Position] | None = None,
                  vocabulary: vocabularies.Vocabulary | None = None) -> Any:
    positions = positions if positions is not None else {}
    vocabulary = vocabulary or vocabularies.load()
    model = vocabulary.case_model
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


# ---------------------------------------------------------------- readers

def _read_json(text: str, name: str, one_line: bool = False) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
        result: dict = {}
        for key, value in pairs:
            if key in result:
                raise _one(name, "CP0404", f"the key `{key}` appears twice in one mapping",
                           "keep one of them: a case never silently drops a fact")
            result[key] = value
        return result

    try:
        return json.loads(text, parse_float=_json_fraction, object_pairs_hook=no_duplicates,
                          parse_constant=_no_constant)
    except _NotANumber as error:
        raise _one(name, "CP0401", f"the case file holds `{error}`, which is not a number a "
                   "case may hold", "expected amounts as decimal numbers, e.g. 150000.00") from None
    except json.JSONDecodeError as error:
        # One line of JSON Lines is named `file:line` already: add the column only.
        place = f"{name}:{error.colno}" if one_line else f"{name}:{error.lineno}:{error.colno}"
        raise _one(place, "CP0401",
                   f"the case file is not valid JSON: {error.msg}",
                   "check the JSON syntax at that place") from None
    except RecursionError:
        raise _one(name, "CP0405", "the case file nests deeper than a case can",
                   "a case nests a few levels deep; check the file") from None


class _NotANumber(ValueError):
    pass


def _no_constant(word: str) -> Any:
    raise _NotANumber(word)


def _json_fraction(text: str) -> Decimal | str:
    # An exponent stays text, so the amount parser refuses it as it does in YAML.
    return text if "e" in text.lower() else Decimal(text)


def _read_yaml(text: str, name: str, positions: dict[str, Position]) -> Any:
    try:
        loader = _CaseLoader(text)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow
        line, col = _line_col(text, error.position)
        raise _one(f"{name}:{line}:{col}", "CP0401", "the case file is not valid YAML: it "
                   f"holds the character {error.character!r}, which YAML does not allow",
                   "check the YAML syntax at that place") from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        raise _one(where, "CP0401", f"the case file is not valid YAML: {error.problem}",
                   "check the YAML syntax at that place") from None
    except yaml.YAMLError as error:
        raise _one(name, "CP0401", f"the case file is not valid YAML: {error}",
                   "check the YAML syntax") from None
    except RecursionError:
        raise _one(name, "CP0405", "the case file nests deeper than a case can",
                   "a case nests a few levels deep; check the file") from None
    finally:
        loader.dispose()
    if node is None:
        raise _one(name, "CP0405", "the case file is empty",
                   "a case needs at least `case_id:` and `as_of:`")
    return _construct(loader, node, "", name, positions, 0)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _construct(loader: _CaseLoader, node: yaml.Node, path: str, name: str,
               positions: dict[str, Position], depth: int) -> Any:
    mark = node.start_mark
    where = f"{name}:{mark.line + 1}:{mark.column + 1}"
    if depth > MAX_DEPTH:
        raise _one(where, "CP0405", "the case file nests deeper than a case can",
                   "a case nests a few levels deep; check the file")
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise _one(where, "CP0401", f"the case file uses a YAML feature a case may not "
                   f"({node.tag})", "use plain values: text, numbers, dates, true/false, "
                   "null, lists and mappings")
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _one(where, "CP0405", "a key in a case file must be a plain word",
                           "write keys as plain words, e.g. `amount_paid:`")
            key = loader.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key)
            child = f"{path}.{key}" if path else key
            key_mark = key_node.start_mark
            if key in result:
                raise _one(f"{name}:{key_mark.line + 1}:{key_mark.column + 1}", "CP0404",
                           f"the key `{key}` appears twice in one mapping",
                           "keep one of them: a case never silently drops a fact")
            positions[child] = Position(key_mark.line + 1, key_mark.column + 1)
            result[key] = _construct(loader, value_node, child, name, positions, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            positions[child] = Position(item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_construct(loader, item, child, name, positions, depth + 1))
        return items
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.constructor.ConstructorError, ValueError, TypeError):
        raise _one(where, "CP0401", f"the case file uses a YAML feature a case may not "
                   f"({node.tag})", "use plain values: text, numbers, dates, true/false, "
                   "null, lists and mappings") from None
    if not isinstance(value, (str, int, bool)) and value is not None:
        raise _one(where, "CP0401", "the case file uses a YAML feature a case may not",
                   "use plain values: text, numbers, dates, true/false, null, lists and mappings")
    return value


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
        return Diagnostic("CP0409", f"`{path}` cannot be {error.get('input')!r}",
                          f"expected {expected}", where=where)
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    value = error.get("input")
    shown = f"`{path}` cannot be {value!r}" if isinstance(value, (str, int, bool, Decimal)) \
        else f"`{path}` is not valid"
    if message.startswith("expected"):
        return Diagnostic("CP0410", shown, message, where=where)
    return Diagnostic("CP0410", f"{shown}: {message}", _help_for(kind), where=where)


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
