"""The seal of a determination: the fingerprints of what it was made from (the policy with
its includes, the case in a canonical form) and the versions of the engine and of the case
vocabulary, so that anyone holding the policy and the case can make it again and compare the
bytes (`clawpolicy verify`). A reproducibility check, not a signature."""

from __future__ import annotations

import hashlib
import json
from typing import Any, get_args, get_origin

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import installed, warm
from clawpolicy.evaluate.determination import Seal

# The field of a case file that the determination does not read: `expect:` is for
# `clawpolicy test` (which `check` leaves unread).
_NOT_SEALED = ("expect",)
_EXCLUDED = frozenset(_NOT_SEALED)
# `json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`, its encoder
# made once (json.dumps makes one a call with these arguments).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)

# How the canonical bytes are written once the case is dumped (core/warm.py): a process's
# first cases by the json module's encoder (the reference), then by orjson, which writes the
# same bytes in a tenth of the time (keys sorted by code point, text as itself with the same
# escapes) and refuses, so that the reference writes it, what it would write otherwise or
# not at all: an integer past 64 bits, a key that is not a text, a lone surrogate. A float
# it would write otherwise (`1e-05` is its `0.00001`) is looked for first, where a float can
# be: under a field of type Any. tests/test_seal.py holds the two to the same bytes.
WAY = warm.Warm()
writing = WAY.writing


def canonical_case(case: Any) -> bytes:
    """The case as its validated model holds it, written one way: keys sorted, no
    whitespace, amounts as exact decimal strings, dates as ISO dates. Key order, YAML versus
    JSON, comments and quoting do not change it; a changed fact does."""
    data = case.model_dump(mode="json", by_alias=True, exclude=_EXCLUDED)
    orjson = WAY.fast()
    if orjson and not _floats(type(case), data):
        try:
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        except TypeError:  # orjson's refusals, above: the reference writes it
            pass
    return reference(data)


def reference(data: Any) -> bytes:
    """The canonical bytes of a case as `model_dump(mode="json")` gives it, as the json
    module writes them: what the seal is defined by."""
    return _CANONICAL.encode(data).encode("utf-8")


# For each case model class, the fields that can hold a float once dumped: the fields of type
# Any (the value as given), and the records that hold such a field, with whether they are a
# list of them.
_ANY: dict[type, tuple[tuple[str, Any], ...]] = {}


def _floats(cls: type, data: Any) -> bool:
    """Whether a float is in `data` (the dump of a model of `cls`) where one can be."""
    plan = _ANY.get(cls)
    if plan is None:
        plan = _any_fields(cls)
    for key, inner in plan:
        value = data.get(key)
        if value is None:
            continue
        if inner is None:
            if _has_float(value):
                return True
        else:
            for item in (value if type(value) is list else (value,)):
                if type(item) is dict and _floats(inner, item):
                    return True
    return False


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def _any_fields(cls: type) -> tuple[tuple[str, Any], ...]:
    _ANY[cls] = ()  # (the vocabulary refuses a record that holds itself: crosscheck)
    found = []
    for name, field in cls.model_fields.items():
        if name in _EXCLUDED:
            continue
        key = field.serialization_alias or field.alias or name
        kinds = _kinds(field.annotation)
        if Any in kinds:
            found.append((key, None))
        for model in kinds - {Any}:
            if _any_fields(model):
                found.append((key, model))
    _ANY[cls] = plan = tuple(found)
    return plan


def _kinds(annotation: Any) -> set:
    """Any (a float too), and the model classes, that an annotation can hold (in a list, a
    union; a mapping holding either is Any)."""
    if annotation is Any or annotation is float:
        return {Any}
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return {annotation}
    found: set = set()
    for arg in get_args(annotation):
        found |= _kinds(arg)
    # A mapping's values are looked at whole: its dump cannot be told from a record's.
    return {Any} if found and get_origin(annotation) is dict else found


def case_sha256(case: Any) -> str:
    return hashlib.sha256(canonical_case(case)).hexdigest()


def engine_version() -> str:
    """The version of the clawpolicy installed (`clawpolicy.__version__`, which this layer
    may not import): the distribution's metadata, written from the same pyproject.toml, or
    "unreleased" (a checkout never installed); kept between runs (core/installed.py)."""
    return installed.version()


def seal(policy: CheckedPolicy, case: Any) -> Seal:
    return Seal._make(policy_sha256=policy.loaded.sha256, case_sha256=case_sha256(case),
                engine_version=engine_version(),
                vocabulary_version=policy.vocabulary.declarations.format_version)
