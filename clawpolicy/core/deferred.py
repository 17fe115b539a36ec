"""Dataclasses made on first use: `@deferred(frozen=True)` is `@dataclass(frozen=True)`, run
when the class is first used as a dataclass rather than when it is defined.

`dataclasses.dataclass` writes and compiles the methods of each class (`__init__`,
`__repr__`, `__eq__`, `__hash__`, `__setattr__` ...) when its module is imported: about 0.4 ms
for a frozen class, 15 ms for the policy's syntax tree alone, on every start. A run that only
reads a kept, checked policy (check/cache.py) unpickles its nodes, which calls none of them.

So the decorator leaves, in place of each name `dataclass` would add, a stand-in that, on
first use, runs `dataclass` on the class (with exactly the parameters given), then does what
was asked of the real thing: constructing an instance, comparing, hashing, `repr`,
assigning to a frozen field (refused as a dataclass refuses it), `dataclasses.fields`,
`is_dataclass`, `replace`, a `match` pattern's `__match_args__`. After that the class is the
dataclass `dataclass` makes, with no trace of the stand-ins. Unpickling sets an instance's
`__dict__` without calling any of them, so a class whose instances are only unpickled and
read is never made. Only for classes `dataclass` changes in place (no `slots=True`).

A class is made under a lock, but a thread that looks one of its methods up while another
thread is making it may find the method of `object` for an instant: the first use of a class
belongs to one thread. The library's `Policy`, which may serve many threads at once, makes
every class still pending when it is made (`make_all`), so no thread meets one."""

from __future__ import annotations

import dataclasses
import sys
import threading
from typing import Any

# What dataclass() may add to a class: methods, then class attributes.
_METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__") + (
    ("__replace__",) if sys.version_info >= (3, 13) else ())
_ATTRIBUTES = ("__dataclass_fields__", "__dataclass_params__", "__match_args__")

# The classes not made yet: their dataclass() parameters and the stand-ins put on them.
_PENDING: dict[type, tuple[dict[str, Any], tuple[str, ...]]] = {}
# Making a class makes its bases first (dataclass() reads their fields), under the same lock.
_LOCK = threading.RLock()


def deferred(**params: Any):
    """`dataclasses.dataclass(**params)`, run on the class's first use as a dataclass."""
    if params.get("slots"):
        raise TypeError("a deferred dataclass cannot have slots: dataclass() would replace "
                        "the class")

    def wrap(cls: type) -> type:
        installed = tuple(name for name in _METHODS + _ATTRIBUTES if name not in cls.__dict__)
        for name in installed:
            setattr(cls, name, _method(cls, name) if name in _METHODS else _Attribute(cls, name))
        _PENDING[cls] = (params, installed)
        return cls

    return wrap


def make(cls: type) -> None:
    """Run dataclass() on `cls` now, if it has not been run yet."""
    with _LOCK:
        pending = _PENDING.pop(cls, None)
        if pending is None:
            return
        params, installed = pending
        for name in installed:
            delattr(cls, name)  # the class as written, which dataclass() then completes
        dataclasses.dataclass(cls, **params)


def make_all() -> None:
    """Run dataclass() on every class not made yet."""
    with _LOCK:
        while _PENDING:
            make(next(iter(_PENDING)))


def _method(owner: type, name: str):
    def stand_in(self, *args, **kwargs):
        make(owner)
        # The owner's own method now (or what it inherits), not a subclass's override that
        # reached this one through super().
        real = getattr(owner, name)
        if real is None:  # __hash__ = None: what hash() says of an unhashable instance
            raise TypeError(f"unhashable type: {type(self).__name__!r}")
        return real(self, *args, **kwargs)

    stand_in.__name__ = stand_in.__qualname__ = name
    return stand_in


class _Attribute:
    """A class attribute dataclass() sets, read on the class or on an instance."""

    def __init__(self, owner: type, name: str) -> None:
        self.owner, self.name = owner, name

    def __get__(self, instance: object, cls: type | None = None) -> Any:
        make(self.owner)
        return getattr(cls if instance is None else type(instance), self.name)
