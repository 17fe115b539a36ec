"""clawpolicy: a policy language and interpreter for executive-compensation clawback policies.

The library (docs/api.md)::

    import clawpolicy

    policy = clawpolicy.load_policy("qualys-2019")   # a .claw path, or a shipped policy's name
    determination = policy.evaluate("case.yaml")    # a path, a mapping, or a read case
    print(determination.outcome, determination.totals)
    print(clawpolicy.to_json(determination))        # the contract's JSON, byte for byte

Importing `clawpolicy` is light: the parser, the checker and pydantic load on first use."""

from __future__ import annotations

# `typing` alone would make `import clawpolicy` ten times slower: type checkers read the
# names below, Python does not.
TYPE_CHECKING = False

__version__ = "0.1.0"

__all__ = [
    "CaseError", "Determination", "LoadedCase", "Policy", "PolicyError", "load_policy",
    "read_case", "shipped_examples", "shipped_policies", "to_json",
]

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from clawpolicy.api import CaseError, PolicyError
    from clawpolicy.input.reader import LoadedCase
    from clawpolicy.evaluate.determination import Determination
    from clawpolicy.library import Policy, load_policy, read_case

# Each public name, and the module that defines it (imported when the name is first used).
_WHERE = {
    "CaseError": "clawpolicy.api", "PolicyError": "clawpolicy.api",
    "LoadedCase": "clawpolicy.input.reader",
    "Determination": "clawpolicy.evaluate.determination",
    "Policy": "clawpolicy.library", "load_policy": "clawpolicy.library",
    "read_case": "clawpolicy.library",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'clawpolicy' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__ + ["__version__"])


def shipped_policies() -> dict[str, Path]:
    """The policies shipped with clawpolicy, by name (`qualys-2019`), each with its path.
    `load_policy` and every command accept the name where no file of that name exists."""
    from clawpolicy.core.shipped import policies

    return policies()


def shipped_examples() -> list[Path]:
    """The example case files shipped with clawpolicy (YAML, each with its `expect:`), in
    path order; none where this installation ships none."""
    from clawpolicy.core.shipped import examples_folder

    folder = examples_folder()
    return sorted(folder.rglob("*.yaml")) if folder else []


def to_json(determination: Determination) -> str:
    """A determination as the JSON object of the case-file contract, exactly as
    `clawpolicy check --format json` prints it."""
    from clawpolicy.render.json import render

    return render(determination)
