"""A writer that a process uses many times, taken in two ways: its reference (ours, in
Python) for the first uses, then orjson where it is installed, which writes the same bytes
in C. A process that writes little (a cold `check`) never imports orjson (about 1 ms); a
batch takes it after its first `warm` uses. Where orjson refuses a value, or is not
installed, the reference writes it: each user says what it refuses and holds the two to
the same bytes in its tests (the seal's canonical case, the determination's JSON)."""

from __future__ import annotations

from typing import Any

# The orjson module once imported, False where it is not installed, None before the first
# call of `orjson()`.
_orjson: Any = None


def orjson() -> Any:
    """The orjson module, imported at the first call, or False where it is not installed."""
    global _orjson
    if _orjson is None:
        try:
            import orjson as module
        except ImportError:
            module = False
        _orjson = module
    return _orjson


class Warm:
    """Which way one writer writes, by its mode: "auto", the reference for a process's first
    `warm` uses, then orjson; "fast", orjson from the first; "reference", always the
    reference."""

    __slots__ = ("mode", "warm", "count")

    def __init__(self, warm: int = 64):
        self.mode, self.warm, self.count = "auto", warm, 0

    def fast(self) -> Any:
        """The orjson module where this use is to take it, otherwise None (the reference
        writes it; the use is counted)."""
        if self.mode == "reference":
            return None
        if self.mode == "fast" or self.count >= self.warm:
            return orjson() or None
        self.count += 1
        return None

    def writing(self, mode: str) -> None:
        """Write from now on as `mode` says ("auto", "fast", "reference"), counted again
        from the first use."""
        assert mode in ("auto", "fast", "reference"), mode
        self.mode, self.count = mode, 0
