"""The seal of a determination: the fingerprints of what it was made from (the policy with
its includes, the case in a canonical form) and the versions of the engine and of the case
vocabulary, so that anyone holding the policy and the case can make it again and compare the
bytes (`clawpolicy verify`). A reproducibility check, not a signature."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import installed
from clawpolicy.evaluate.determination import Seal

# The field of a case file that the determination does not read: `expect:` is for
# `clawpolicy test` (which `check` leaves unread).
_NOT_SEALED = ("expect",)
_EXCLUDED = frozenset(_NOT_SEALED)
# `json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`, its encoder
# made once (json.dumps makes one a call with these arguments).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_case(case: Any) -> bytes:
    """The case as its validated model holds it, written one way: keys sorted, no
    whitespace, amounts as exact decimal strings, dates as ISO dates. Key order, YAML versus
    JSON, comments and quoting do not change it; a changed fact does."""
    data = case.model_dump(mode="json", by_alias=True, exclude=_EXCLUDED)
    return _CANONICAL.encode(data).encode("utf-8")


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
