"""Between clawpolicy's places (character offsets into a file's text) and the editor's (a
line and a column counted in the code units the client and server agreed on)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.workspace.position_codec import PositionCodec

from clawpolicy.core.diagnostics import Diagnostic
from clawpolicy.core.source import SourceFile, Span

_SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning}


def uri_of(path: str | Path) -> str:
    return Path(path).resolve().as_uri()


def path_of(uri: str) -> Path | None:
    """The file a `file:` URI names; None for any other (an unsaved, untitled buffer)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path)).resolve()


def offset_at(source: SourceFile, line: int, character: int) -> int:
    """The offset of a 0-based line and column (in characters) in the text."""
    lines = source.text.split("\n")
    line = min(line, len(lines) - 1)
    return sum(len(x) + 1 for x in lines[:line]) + min(character, len(lines[line]))


def position(codec: PositionCodec, source: SourceFile, offset: int) -> lsp.Position:
    line, col = source.line_col(offset)
    units = codec.client_num_units(source.line_text(line)[:col - 1])
    return lsp.Position(line=line - 1, character=units)


def range_of(codec: PositionCodec, span: Span) -> lsp.Range:
    return lsp.Range(start=position(codec, span.file, span.start),
                     end=position(codec, span.file, max(span.start, span.end)))


def location(codec: PositionCodec, span: Span) -> lsp.Location:
    return lsp.Location(uri=uri_of(span.file.name), range=range_of(codec, span))


def start_of(path: Path) -> lsp.Location:
    origin = lsp.Position(line=0, character=0)
    return lsp.Location(uri=uri_of(path), range=lsp.Range(start=origin, end=origin))


def diagnostic(codec: PositionCodec, d: Diagnostic) -> lsp.Diagnostic:
    """A diagnostic as the editor shows it: the message and its `help:` line, the code, and
    the place (the start of the file when the diagnostic names a file, not a place)."""
    if d.span is not None:
        where = range_of(codec, d.span)
    else:
        origin = lsp.Position(line=0, character=0)
        where = lsp.Range(start=origin, end=origin)
    message = f"{d.message}\nhelp: {d.help}"
    if d.span is None and d.where:
        message += f"\n--> {d.where}"
    return lsp.Diagnostic(range=where, message=message, code=d.code, source="clawpolicy",
                          severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error))
