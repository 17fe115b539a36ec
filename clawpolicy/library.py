"""The library: what `import clawpolicy` offers to a program (docs/api.md).

    import clawpolicy
    policy = clawpolicy.load_policy("qualys-2019")         # a path, or a shipped policy's name
    determination = policy.evaluate({"case_id": "c-1", "as_of": "2024-06-30", ...})
    determination.outcome, determination.totals

A `Policy` is compiled (read, parsed, checked) once. It holds no state that an evaluation
changes, so one `Policy` may serve many threads at once; it pickles, as the checked policy
itself, for worker processes (see `Policy.__reduce__`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, Union

from clawpolicy import api
from clawpolicy import vocabulary as vocabularies
from clawpolicy.input.reader import LoadedCase
from clawpolicy.check.policy import CheckedPolicy
from clawpolicy.core import deferred
from clawpolicy.core.diagnostics import Diagnostic
from clawpolicy.core.shipped import resolve_policy
from clawpolicy.evaluate.determination import Determination

PolicyError = api.PolicyError
CaseError = api.CaseError

#: What `Policy.evaluate` and `read_case` take: a mapping of a case's fields (as a case file
#: holds them), the path of a case file (YAML or JSON), or a case already read.
CaseInput = Union[Mapping[str, Any], str, "os.PathLike[str]", LoadedCase]


class Policy:
    """A policy, read and checked once, ready to evaluate cases.

    Safe to share between threads: evaluating a case changes nothing in the policy (the
    only cache, the revisions composed per sub-set of participants, is filled with the same
    value whichever thread fills it first). Picklable, for worker processes: see
    `__reduce__`."""

    def __init__(self, checked: CheckedPolicy, path: Path,
                 vocabulary_path: str | None = None) -> None:
        # The classes made by dataclass() on first use (core/deferred.py) are made now, in
        # one thread: threads that share this policy never meet one half made.
        deferred.make_all()
        self._checked = checked
        self._path = path
        self._vocabulary_path = vocabulary_path

    @property
    def name(self) -> str:
        """The policy's name, as its `policy "..."` header gives it."""
        return self._checked.header.name

    @property
    def sha256(self) -> str:
        """The hash of every file of the policy, as each determination reports it."""
        return self._checked.loaded.sha256

    @property
    def path(self) -> Path:
        """The policy file this policy was read from."""
        return self._path

    @property
    def checked(self) -> CheckedPolicy:
        """The checked policy, for the stages of `clawpolicy.api`."""
        return self._checked

    @property
    def vocabulary(self) -> vocabularies.Vocabulary:
        """The case vocabulary the policy was checked against, and its cases are read with."""
        return self._checked.vocabulary

    def __repr__(self) -> str:
        return f"Policy({self.name!r}, path={str(self._path)!r}, sha256={self.sha256[:12]})"

    def read_case(self, case: CaseInput, name: str | None = None) -> LoadedCase:
        """Read and validate a case with this policy's vocabulary (see `read_case`)."""
        return read_case(case, name, self.vocabulary)

    def evaluate(self, case: CaseInput, name: str | None = None) -> Determination:
        """The reasoned determination of this policy for one case.

        `case` is a mapping of the case's fields, the path of a case file, or a case read
        with `read_case`. `name` names a mapping in error messages (default: its
        `case_id`). Raises `CaseError` if the case is invalid (`.diagnostics` says where
        and why), `PolicyError` if the policy cannot decide it."""
        return api.evaluate(self._checked, self.read_case(case, name))

    def evaluate_many(self, cases: Iterable[CaseInput],
                      errors: Literal["raise", "yield"] = "raise"
                      ) -> Iterator[Determination | CaseError]:
        """Determinations one by one, in the order of `cases`, as they are consumed: a
        generator, so a long or endless iterable is never held in memory.

        `errors="raise"` (the default) stops at the first invalid case with its
        `CaseError`; `errors="yield"` yields the `CaseError` in the case's place and goes
        on. Mappings are named in messages by their `case_id`, else by their position
        (`cases[3]`)."""
        if errors not in ("raise", "yield"):
            raise ValueError(f"errors must be 'raise' or 'yield', not {errors!r}")
        for index, case in enumerate(cases):
            name = f"cases[{index}]" if isinstance(case, Mapping) and not isinstance(
                case.get("case_id"), str) else None
            try:
                if not isinstance(case, _CASE_TYPES):
                    raise _not_a_case(case, f"cases[{index}]")
                yield self.evaluate(case, name)
            except CaseError as error:
                if errors == "raise":
                    raise
                yield error

    def __reduce__(self):
        # Pickled as the checked policy itself (its AST, the checker's tables, the
        # vocabulary: see CheckedPolicy.__reduce__), never as a path to read again: an
        # unpickled policy needs no file and decides as this one does. Its compiled forms
        # are built again on first use.
        return (Policy, (self._checked, self._path, self._vocabulary_path))


_CASE_TYPES = (Mapping, str, os.PathLike, LoadedCase)


def _not_a_case(case: Any, where: str) -> CaseError:
    """An item of `evaluate_many` that is no case at all: a CaseError in its place, so that
    `errors="yield"` goes on past it as past any other invalid case."""
    return CaseError([Diagnostic(
        "CP0405", f"a case is a mapping of its fields, the path of a case file or a case read "
        f"with `read_case`, not {type(case).__name__}",
        "give each case as a mapping (its `case_id:`, `as_of:` ...) or a path", where=where)])


def load_policy(path: str | os.PathLike[str],
                vocabulary: str | os.PathLike[str] | None = None) -> Policy:
    """Read and check a policy once: a `.claw` file, or the name of a shipped policy
    (`clawpolicy.shipped_policies()`) when no file of that name exists.

    `vocabulary`: the path of another case vocabulary (docs/vocabulary.md); the shipped
    one by default. Raises `PolicyError`, whose `.diagnostics` locate every error."""
    resolved = resolve_policy(path)
    vocabulary_path = str(Path(vocabulary).resolve()) if vocabulary is not None else None
    words = vocabularies.load(vocabulary_path) if vocabulary_path else None
    return Policy(api.compile_policy(resolved, words), resolved, vocabulary_path)


def read_case(case: CaseInput, name: str | None = None,
              vocabulary: vocabularies.Vocabulary | None = None) -> LoadedCase:
    """Read and validate one case: a mapping of its fields, or the path of a YAML or JSON
    case file. Amounts are `Decimal`, `int` or decimal strings; dates `datetime.date` or
    `YYYY-MM-DD` strings. A binary `float` is refused, since it cannot hold an amount
    exactly. Raises `CaseError`, whose `.diagnostics` locate every problem."""
    if isinstance(case, LoadedCase):
        return case
    if isinstance(case, Mapping):
        return api.read_case_data(case, name, vocabulary)
    if isinstance(case, (str, os.PathLike)):
        return api.read_case(case, vocabulary)
    raise TypeError(f"a case is a mapping of its fields or the path of a case file, not "
                    f"{type(case).__name__}")
