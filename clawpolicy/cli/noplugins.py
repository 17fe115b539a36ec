"""pydantic's plugin lookup, where the environment turns plugins off, without importing
`importlib.metadata` (with `email`, `zipfile`, `csv`, `tempfile` ...: 9-10 ms of a cold
`check`'s CPU, a thirteenth of it, for a lookup that returns nothing).

pydantic imports its loader (`pydantic.plugin._loader`) on its first validator and asks it
for the plugins; the loader imports `importlib.metadata` at its top, even where
`PYDANTIC_DISABLE_PLUGINS` says to look for none. `install()` puts a stand-in under the
loader's name: asked for the plugins where the variable turns them all off, it answers none,
as the loader does; asked anything else (plugins wanted after all, or a name other than
`get_plugins`), it imports the loader itself and hands the question to it. If pydantic
stops importing the loader under that name, the stand-in is never read and nothing changes.

Only for the program (`clawpolicy.cli.main`), whose process runs no code but clawpolicy's."""

from __future__ import annotations

import importlib
import os
import sys
import types

_LOADER = "pydantic.plugin._loader"
# The values of PYDANTIC_DISABLE_PLUGINS for which pydantic's loader looks for no plugin.
_ALL_OFF = ("__all__", "1", "true")


def install() -> None:
    """The stand-in, where pydantic's loader is not imported yet."""
    if _LOADER not in sys.modules:
        sys.modules[_LOADER] = _StandIn(_LOADER)


def _loader() -> types.ModuleType:
    """pydantic's own loader, in place of the stand-in from now on."""
    module = sys.modules.get(_LOADER)
    if isinstance(module, _StandIn):
        del sys.modules[_LOADER]
    return importlib.import_module(_LOADER)


class _StandIn(types.ModuleType):
    @staticmethod
    def get_plugins():
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _ALL_OFF:
            return ()
        return _loader().get_plugins()

    def __getattr__(self, name: str):
        if name.startswith("__"):  # what the import system asks of any module (`__path__`)
            raise AttributeError(name)
        return getattr(_loader(), name)
