"""The YAML of a case file, built from the parser's events by a reader of our own.

Only what a case needs is read, and nothing is guessed: mappings, lists, text, `true` and
`false`, plain decimal integers and `null`. There are no anchors or aliases (so no alias
bombs), no tag but `!!str` (and `!!map`, `!!seq`), so `!!int 0x1F` or `!!bool yes` cannot go
around the rules for numbers and booleans, no merge keys (`<<`), no binary floats (a number
with a fraction stays the text written, for the case model's exact parser), no timestamps,
keys are the text written, a key given twice is an error, text must be valid Unicode, and
nothing nests deeper than MAX_DEPTH. The events come from libyaml where it is installed (it
is fast); when libyaml finds an error, the file is read again with PyYAML's own parser, whose
result, data or error, is the answer, so the words of an error and what is accepted do not
depend on whether libyaml is there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from yaml import events as ev

from clawpolicy.input.limits import _INT_DIGITS, MAX_DEPTH, Position, ReadError

__all__ = ["MAX_DEPTH", "Position", "ReadError", "read_yaml"]

_STR = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = {ev.MappingStartEvent: "tag:yaml.org,2002:map",
                    ev.SequenceStartEvent: "tag:yaml.org,2002:seq"}
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
# Plain decimal integers only: YAML 1.1 would read 017 as octal, 0x1F as hex, 1:30 as 90.
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")
_FEATURE_HELP = ("use plain values: text, numbers, dates, true/false, null, lists and "
                 "mappings")


def read_yaml(text: str, positions: dict[str, Position]) -> Any:
    """The data of a YAML case file; `positions` receives where each field's key stands."""
    fast = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None
    if fast is not None:
        try:
            return _Builder(fast(text), positions).document()
        except yaml.YAMLError:
            positions.clear()  # libyaml found an error: the reference parser words it
    return _Builder(yaml.SafeLoader(text), positions).document()


@dataclass
class _Open:
    """A mapping or list being read."""

    value: dict | list
    path: str
    depth: int
    key: str | None = None          # a mapping's key read, its value not yet
    seen: set = field(default_factory=set)


class _Builder:
    def __init__(self, parser: Any, positions: dict[str, Position]):
        self.parser = parser
        self.positions = positions

    def document(self) -> Any:
        try:
            return self._document()
        finally:
            self.parser.dispose()

    def _document(self) -> Any:
        self.parser.get_event()                                  # stream start
        start = self.parser.get_event()
        if isinstance(start, ev.StreamEndEvent):
            raise ReadError("CP0405", "the case file is empty",
                            "a case needs at least `case_id:` and `as_of:`")
        data = self._node()
        self.parser.get_event()                                  # document end
        after = self.parser.get_event()
        if not isinstance(after, ev.StreamEndEvent):
            raise ReadError("CP0401", "the case file is not valid YAML: it holds a second "
                            "document (---)", "a case file holds one case", after.start_mark)
        return data

    def _node(self) -> Any:
        """Read one node and everything under it, without recursion."""
        stack: list[_Open] = []
        while True:
            event = self.parser.get_event()
            if isinstance(event, ev.MappingEndEvent | ev.SequenceEndEvent):
                value: Any = stack.pop().value
            else:
                if stack and isinstance(stack[-1].value, dict) and stack[-1].key is None:
                    self._key(stack[-1], event)
                    continue
                path, depth = self._place(stack, event)
                if depth > MAX_DEPTH and isinstance(event, tuple(_COLLECTION_TAGS)):
                    raise ReadError("CP0405", "the case file nests deeper than a case can",
                                    f"a case nests a few levels deep (at most {MAX_DEPTH}); "
                                    "check the file", event.start_mark)
                _no_anchor(event)
                if isinstance(event, ev.ScalarEvent):
                    value = self._scalar(event)
                else:
                    self._collection_tag(event)
                    empty: dict | list = {} if isinstance(event, ev.MappingStartEvent) else []
                    stack.append(_Open(empty, path, depth))
                    continue
            if not stack:
                return value
            top = stack[-1]
            if isinstance(top.value, dict):
                top.value[top.key] = value
                top.key = None
            else:
                top.value.append(value)

    def _place(self, stack: list[_Open], event: Any) -> tuple[str, int]:
        if not stack:
            return "", 0
        top = stack[-1]
        if isinstance(top.value, dict):
            return (f"{top.path}.{top.key}" if top.path else top.key), top.depth + 1
        path = f"{top.path}[{len(top.value)}]"
        mark = event.start_mark
        self.positions[path] = Position(mark.line + 1, mark.column + 1)
        return path, top.depth + 1

    def _key(self, top: _Open, event: Any) -> None:
        mark = event.start_mark
        _no_anchor(event)
        if not isinstance(event, ev.ScalarEvent):
            raise ReadError("CP0405", "a key in a case file must be a plain word",
                            "write keys as plain words, e.g. `amount_paid:`", mark)
        if event.tag is None and event.implicit[0] and event.value == "<<":
            raise ReadError("CP0401", "the case file uses a YAML feature a case may not "
                            "(the merge key <<)", "write each field out in the mapping it belongs to", mark)
        self._no_tag(event, mark)
        key = self._text(event.value, mark)  # a key is the text written: `1:` is "1"
        if key in top.seen:
            raise ReadError("CP0404", f"the key `{key}` appears twice in one mapping",
                            "keep one of them: a case never silently drops a fact", mark)
        top.seen.add(key)
        top.key = key
        self.positions[f"{top.path}.{key}" if top.path else key] = \
            Position(mark.line + 1, mark.column + 1)

    def _scalar(self, event: Any) -> Any:
        mark = event.start_mark
        self._no_tag(event, mark)
        value = self._text(event.value, mark)
        if event.tag is not None or not event.implicit[0]:
            return value                                         # quoted, or !!str: text
        if value in _NULL:
            return None
        if value in _BOOL:
            return _BOOL[value]
        if _INT.fullmatch(value):
            digits = value.replace("_", "")
            return int(digits) if len(digits) <= _INT_DIGITS else Decimal(digits)
        return value

    def _no_tag(self, event: Any, mark: Any) -> None:
        if event.tag is not None and event.tag != _STR:
            raise ReadError("CP0401", "the case file uses a YAML feature a case may not "
                            f"({_shown_tag(event.tag)})", _FEATURE_HELP, mark)

    def _collection_tag(self, event: Any) -> None:
        if event.tag is not None and event.tag != _COLLECTION_TAGS[type(event)]:
            raise ReadError("CP0401", "the case file uses a YAML feature a case may not "
                            f"({_shown_tag(event.tag)})", _FEATURE_HELP, event.start_mark)

    @staticmethod
    def _text(value: str, mark: Any) -> str:
        bad = _SURROGATE.search(value)
        if bad:
            raise ReadError("CP0412", "the case file holds text that is not valid Unicode: "
                            f"a lone surrogate, \\u{ord(bad.group()):04x}",
                            "write the character itself, or a surrogate pair that makes one",
                            mark)
        return value


def _no_anchor(event: Any) -> None:
    """An alias (`*name`), and an anchor (`&name`) even with no alias naming it: a case
    file writes each value out where it belongs."""
    if isinstance(event, ev.AliasEvent):
        raise ReadError("CP0401", "the case file is not valid YAML: anchors and aliases "
                        "(&name, *name) are not allowed in a case file",
                        "check the YAML syntax at that place", event.start_mark)
    if getattr(event, "anchor", None) is not None:
        raise ReadError("CP0401", "the case file is not valid YAML: anchors and aliases "
                        "(&name, *name) are not allowed in a case file",
                        "give the value without its anchor "
                        f"(&{_shown_tag(event.anchor)}): a case file writes each value out "
                        "where it belongs", event.start_mark)


def _shown_tag(tag: str) -> str:
    return tag if len(tag) <= 80 else tag[:80] + "…"
