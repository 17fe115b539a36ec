"""The language server for editors (`clawpolicy lsp`): diagnostics as you type, hover, go to
definition, references, completion and formatting. It needs the `lsp` extra (pygls)."""

from __future__ import annotations

import importlib

INSTALL = "pip install 'clawpolicy[lsp]'"


def available() -> bool:
    """Whether the language server's own dependencies are installed."""
    try:
        for name in ("pygls", "lsprotocol"):
            importlib.import_module(name)
    except ImportError:
        return False
    return True


def serve() -> int:
    """Run the server until the client says exit; the exit code the protocol asks for."""
    from clawpolicy.lsp.server import serve as run

    return run()
