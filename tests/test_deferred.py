"""`core/deferred.py`: a class made by dataclass() on first use behaves, from its first use
on, exactly as the same class decorated by dataclass() at once; the syntax tree's classes
are such classes, and a run that only unpickles a policy makes none of them."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from dataclasses import field

import pytest

from clawpolicy.api import compile_policy
from clawpolicy.core.deferred import deferred
from clawpolicy.core.shipped import resolve_policy
from clawpolicy.syntax import ast
from tests.conftest import EXAMPLE_CASES, ROOT


def _pair(**params):
    """The same classes twice: deferred, and made by dataclass() at once."""
    def define(decorate):
        @decorate(frozen=True, **params)
        class Base:
            a: int
            b: str = "x"
            note: str = field(default="", compare=False, repr=False)

            def double(self) -> int:
                return 2 * self.a

        @decorate(frozen=True, **params)
        class Sub(Base):
            c: tuple = ()

        return Base, Sub

    return define(deferred), define(dataclasses.dataclass)


def _uses():
    """Each first use a caller can make of a dataclass, as a function of the class."""
    return [
        ("construct", lambda B, S: (S(1, "y", c=(2,)).a, S(1).c)),
        ("repr", lambda B, S: repr(S(1, "y", note="n", c=(3,))).split("Sub", 1)[1]),
        ("eq", lambda B, S: (S(1, "y", "n1") == S(1, "y", "n2"), S(1) == S(2), B(1) == S(1))),
        ("hash", lambda B, S: hash(S(1, "y")) == hash(S(1, "y", "other"))),
        ("frozen", lambda B, S: _raises(lambda: setattr(S(1), "a", 2))),
        ("delete", lambda B, S: _raises(lambda: delattr(S(1), "a"))),
        ("fields", lambda B, S: [f.name for f in dataclasses.fields(S)]),
        ("fields of an instance", lambda B, S: [f.name for f in dataclasses.fields(B(1))]),
        ("is_dataclass", lambda B, S: (dataclasses.is_dataclass(S), dataclasses.is_dataclass(B(1)))),
        ("replace", lambda B, S: dataclasses.replace(S(1, c=(1,)), a=5)),
        ("match", lambda B, S: _match(S(4, "z"))),
        ("method", lambda B, S: S(4).double()),
        ("base first", lambda B, S: (B(7), S(7))),
    ]


def _raises(action):
    try:
        action()
    except Exception as error:  # noqa: BLE001 - what it raises is what is compared
        return type(error).__name__
    return None


def _match(value):
    match value:
        case object(a=4, b="z"):
            return "keywords"
    return "none"


def _shown(result):
    return repr(result).replace("deferred", "").split(".<locals>.")[-1]


@pytest.mark.parametrize("use", _uses(), ids=[name for name, _ in _uses()])
def test_a_deferred_dataclass_behaves_as_the_dataclass_from_its_first_use(use):
    name, action = use
    (lazy_base, lazy_sub), (eager_base, eager_sub) = _pair()
    got = action(lazy_base, lazy_sub)
    expected = action(eager_base, eager_sub)
    assert _shown(got) == _shown(expected)
    # And again, now that both are made: the same.
    assert _shown(action(lazy_base, lazy_sub)) == _shown(expected)


def test_a_made_class_is_the_dataclass_with_no_stand_in_left():
    (lazy_base, lazy_sub), (eager_base, eager_sub) = _pair(kw_only=True)
    lazy_sub(a=1)
    for lazy, eager in ((lazy_base, eager_base), (lazy_sub, eager_sub)):
        assert sorted(set(lazy.__dict__) - {"__qualname__"}) == \
            sorted(set(eager.__dict__) - {"__qualname__"})
        assert lazy.__dataclass_params__.__repr__() == eager.__dataclass_params__.__repr__()


def test_an_unhashable_deferred_dataclass_says_so_as_a_dataclass_does():
    @deferred()
    class Mutable:
        a: int

    with pytest.raises(TypeError, match="unhashable type: 'Mutable'"):
        hash(Mutable(1))


def test_slots_are_refused():
    with pytest.raises(TypeError, match="slots"):
        deferred(slots=True)


def test_unpickling_a_checked_policy_makes_no_syntax_class(tmp_path):
    """What the cold `check` of a kept policy relies on: in a fresh process its nodes come
    back unpickled without dataclass() run on any syntax class; comparing two of them then
    makes their class, and they compare as the policy's own nodes do."""
    kept = tmp_path / "policy.pickle"
    policy = compile_policy(resolve_policy("qualys-2019"))
    kept.write_bytes(pickle.dumps(policy))
    script = """
import pickle, sys
from clawpolicy.core import deferred
from clawpolicy.syntax import ast
def pending():
    return sum(1 for c in deferred._PENDING if c.__module__ == ast.__name__)
before = pending()
one, two = (pickle.loads(open(sys.argv[1], "rb").read()) for _ in range(2))
unpickled = pending()
module = one.loaded.files[0][2]
same = module == two.loaded.files[0][2]
print(before, unpickled, pending() < unpickled, same, type(module).__name__)
"""
    done = subprocess.run([sys.executable, "-c", script, str(kept)], capture_output=True,
                          text=True, check=True)
    before, unpickled, made, same, kind = done.stdout.split()
    assert int(before) == int(unpickled) == sum(
        1 for c in vars(ast).values() if isinstance(c, type) and c.__module__ == ast.__name__
        and "__dataclass_params__" in c.__dict__)
    assert (made, same, kind) == ("True", "True", "Module")


def test_a_subclass_calling_super_reaches_the_owner_s_own_method():
    """Found by review: the stand-in looked the method up on the instance's class, so a
    subclass's own `__init__` calling `super().__init__` ran itself again."""
    (Base, _), (Plain, _) = _pair()

    def subclass(base):
        class Named(base):
            def __init__(self, name: str) -> None:
                super().__init__(a=len(name), b=name)
        return Named

    made, plain = subclass(Base)("four"), subclass(Plain)("four")
    assert (made.a, made.b) == (plain.a, plain.b) == (4, "four")


def test_a_library_policy_leaves_no_class_to_make_for_its_threads(tmp_path):
    """Found by review: threads sharing an unpickled policy could meet a syntax-tree class
    half made (`Binary() takes no arguments`). A library `Policy` makes them all first."""
    script = (
        "import pickle, clawpolicy\n"
        "from clawpolicy.core import deferred\n"
        f"policy = pickle.loads(open({str(tmp_path / 'p.pkl')!r}, 'rb').read())\n"
        "print(len(deferred._PENDING))\n")
    import clawpolicy
    (tmp_path / "p.pkl").write_bytes(pickle.dumps(clawpolicy.load_policy("qualys-2019")))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "0"


def test_a_cold_check_with_nothing_open_makes_none_of_the_values_it_never_compares(tmp_path):
    """The evaluator's value classes that a case with nothing open never compares, hashes
    or prints (a Money is made by its own __init__, an Unknown only where a fact is not
    known) stay unmade in the program's `check --format json` of a kept policy: dataclass()
    is not run on them at import (1.4 ms of a cold check for these nine)."""
    code = ("import runpy, sys\n"
            "sys.argv[0] = 'clawpolicy'\n"
            "try:\n    runpy.run_module('clawpolicy', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "from clawpolicy.core import deferred\n"
            "print(sorted(f'{c.__module__}.{c.__qualname__}' for c in deferred._PENDING),"
            " file=sys.stderr)")
    env = dict(os.environ, CLAWPOLICY_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", code, "check",
                            str(ROOT / "policies" / "qualys-2019.claw"), str(EXAMPLE_CASES[0]),
                            "--format", "json"], capture_output=True, text=True, check=True,
                           env=env, timeout=120) for _ in range(2)]
    pending = runs[1].stderr.strip().splitlines()[-1]
    for name in ("core.values.Unknown", "core.values.Money", "core.values.Absent",
                 "evaluate.env.Rec", "evaluate.tracking.Tracked", "evaluate.tracking.Scale",
                 "evaluate.tracking.Tracker", "revise.rules.Removed"):
        assert f"'clawpolicy.{name}'" in pending, (name, pending)
