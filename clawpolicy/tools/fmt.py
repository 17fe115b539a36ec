"""`clawpolicy fmt`: one canonical layout for policy files, comments kept."""

from __future__ import annotations

from pathlib import Path

from clawpolicy.syntax.load import read_source
from clawpolicy.syntax.lower import lower
from clawpolicy.syntax.parse import parse
from clawpolicy.syntax.printer import format_module


def format_file(path: Path) -> tuple[str, str]:
    """(the file as it is, the file formatted); raises DiagnosticError if it does not parse."""
    source = read_source(path, str(path), None)
    return source.text, format_module(lower(parse(source), source), source)
