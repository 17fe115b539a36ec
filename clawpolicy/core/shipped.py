"""The policies and examples shipped with clawpolicy, found by name.

In an installed wheel they live inside the package (`clawpolicy/shipped/`, put there by the
build, see pyproject.toml); in a checkout, beside the package (`policies/`, `examples/`).
A shipped policy's name is its file name without `.claw` (`qualys-2019`). A name resolves to
the shipped file only when no file of that name exists where the user stands: a file of the
user's own always wins."""

from __future__ import annotations

from pathlib import Path

SUFFIX = ".claw"
# The package's own folder, which `importlib.resources.files("clawpolicy")` gives for a
# package installed as files (importing `importlib.resources` costs 0.9 ms, and 0.5 ms more
# for `zipfile`, on every command that reads no shipped file).
PACKAGE = Path(__file__).parents[1]


def _folder(name: str) -> Path | None:
    packaged = PACKAGE / "shipped" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    return checkout if checkout.is_dir() else None


def policies_folder() -> Path | None:
    """Where the shipped policies are, or None if this installation has none."""
    return _folder("policies")


def examples_folder() -> Path | None:
    """Where the shipped example cases are, or None if this installation has none."""
    return _folder("examples")


def policies() -> dict[str, Path]:
    """Every shipped policy by name, in name order. Only the policies at the top of the
    folder: the files under `revisions/` are parts that a policy includes."""
    folder = policies_folder()
    if folder is None:
        return {}
    return {path.name.removesuffix(SUFFIX): path
            for path in sorted(folder.glob(f"*{SUFFIX}")) if path.is_file()}


def resolve_policy(path: str | Path) -> Path:
    """`path` itself if a file (or anything) exists there; else the shipped policy of that
    name (with or without `.claw`); else `path` unchanged, so that reading it reports the
    missing file in the user's own words."""
    given = Path(path)
    if given.exists() or len(given.parts) != 1:
        return given
    return policies().get(given.name.removesuffix(SUFFIX), given)
