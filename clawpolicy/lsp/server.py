"""`clawpolicy lsp`: the language server, over standard input and output.

Each open file belongs to a policy: the topmost file that includes it, or the file itself
when nothing does. On every change each open policy is read, linted and checked again (some
40 ms for the shipped one) and its diagnostics published, each file's by the policy it
belongs to. No request fails on a half-typed file: what does not parse gives its syntax error
as a diagnostic, and the features answer from what does."""

from __future__ import annotations

import functools
import os
import sys
import traceback
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from clawpolicy import __version__
from clawpolicy.core.diagnostics import Diagnostic, DiagnosticError
from clawpolicy.syntax.load import line_feeds, unsaved
from clawpolicy.lsp import positions
from clawpolicy.lsp.analysis import Analysis, analyse, read_policy_text, root_of
from clawpolicy.lsp.complete import complete
from clawpolicy.lsp.hover import hover
from clawpolicy.lsp.index import Occurrence, Symbol, build
from clawpolicy.core.source import SourceFile
from clawpolicy.tools.fmt import format_file


class PolicyServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("clawpolicy", __version__)
        self.analyses: dict[Path, Analysis] = {}
        self.published: dict[Path, set[Path]] = {}  # by root: the files it published for
        self.shut_down = False  # the client asked to shut down (before it says exit)

    # ------------------------------------------------------------ documents
    def texts(self) -> dict[Path, str]:
        """The text of every open file, by resolved path."""
        found = {}
        for document in self.workspace.text_documents.values():
            path = positions.path_of(document.uri)
            if path is not None:
                found[path] = document.source
        return found

    def read(self, texts: dict[Path, str], path: Path) -> str | None:
        if path in texts:
            return texts[path]
        return read_policy_text(path)

    def root(self, path: Path, texts: dict[Path, str]) -> Path:
        top = positions.path_of(self.workspace.root_uri) if self.workspace.root_uri else None
        return root_of(path, functools.partial(self.read, texts), top)

    def refresh(self) -> None:
        """Analyse every policy an open file belongs to, and publish its diagnostics."""
        texts = self.texts()
        roots = {self.root(p, texts) for p in texts if p.suffix == ".claw"}
        for gone in set(self.analyses) - roots:
            del self.analyses[gone]
            for path in self.published.pop(gone, set()):
                self.publish(path, [])
        for root in sorted(roots):
            self.analyses[root] = self.analysed(root, texts)
            self.publish_for(self.analyses[root], texts)

    def analysed(self, root: Path, texts: dict[Path, str]) -> Analysis:
        previous = self.analyses.get(root)
        try:
            return analyse(root, texts, previous)
        except Exception as error:  # a defect of clawpolicy: say so where it shows
            self.log(traceback.format_exc())
            defect = Diagnostic(
                "CP0900", f"internal error: {type(error).__name__}: {error}",
                "this is a defect of clawpolicy, not of your files; please report it with the "
                "policy", where=str(root))
            return Analysis(root, [defect], [], previous.stale if previous else {}, None,
                            build([]))

    def publish_for(self, analysis: Analysis, texts: dict[Path, str]) -> None:
        by_file: dict[Path, list[Diagnostic]] = {p: [] for p, _, _ in analysis.files}
        for d in analysis.diagnostics:
            path = Path(d.span.file.name).resolve() if d.span is not None else analysis.root
            by_file.setdefault(path, []).append(d)
        before = self.published.get(analysis.root, set())
        mine = {p for p in set(by_file) | before
                if p.suffix != ".claw" or self.root(p, texts) == analysis.root}
        for path in sorted(mine):
            self.publish(path, by_file.get(path, []))
        self.published[analysis.root] = mine

    def publish(self, path: Path, diagnostics: list[Diagnostic]) -> None:
        codec = self.workspace.position_codec
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=positions.uri_of(path),
            diagnostics=[positions.diagnostic(codec, d) for d in diagnostics]))

    def log(self, message: str) -> None:
        self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error,
                                                     message=message))

    # ------------------------------------------------------------ requests
    def place(self, document: lsp.TextDocumentIdentifier, at: lsp.Position
              ) -> tuple[Analysis, Path, int] | None:
        """The analysis of the policy a file belongs to, the file, and the offset of a
        position in it; None if the file is not a policy file on disk."""
        path = positions.path_of(document.uri)
        if path is None:
            return None
        texts = self.texts()
        root = self.root(path, texts)
        if root not in self.analyses:
            self.analyses[root] = self.analysed(root, texts)
        analysis = self.analyses[root]
        source = analysis.source(path)
        if source is None:
            return analysis, path, -1
        where = self.workspace.get_text_document(document.uri).position_from_client_units(at)
        return analysis, path, positions.offset_at(source, where.line, where.character)

    def occurrence(self, document, at) -> tuple[Analysis, Occurrence] | None:
        found = self.place(document, at)
        if found is None or found[2] < 0:
            return None
        analysis, path, offset = found
        occurrence = analysis.index.at(path, offset)
        return (analysis, occurrence) if occurrence is not None else None


def _guarded(handler):
    """A handler that logs a defect of its own and answers nothing, rather than fail."""
    @functools.wraps(handler)
    def guarded(server: PolicyServer, params):
        try:
            return handler(server, params)
        except Exception:  # noqa: BLE001 - an editor's request must never bring it down
            server.log(traceback.format_exc())
            return None
    return guarded


def make_server() -> PolicyServer:
    server = PolicyServer()

    @server.feature(lsp.SHUTDOWN)
    def on_shutdown(ls: PolicyServer, params) -> None:
        ls.shut_down = True

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @_guarded
    def changed(ls: PolicyServer, params) -> None:
        ls.refresh()

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @_guarded
    def on_hover(ls: PolicyServer, params: lsp.HoverParams) -> lsp.Hover | None:
        found = ls.occurrence(params.text_document, params.position)
        if found is None:
            return None
        analysis, occurrence = found
        text = hover(analysis, occurrence)
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
                         range=positions.range_of(ls.workspace.position_codec,
                                                  occurrence.span))

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    @_guarded
    def on_definition(ls: PolicyServer, params: lsp.DefinitionParams
                      ) -> list[lsp.Location] | None:
        found = ls.occurrence(params.text_document, params.position)
        if found is None or found[1].symbol is None:
            return None
        analysis, occurrence = found
        return definitions(analysis, occurrence, ls.workspace.position_codec) or None

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    @_guarded
    def on_references(ls: PolicyServer, params: lsp.ReferenceParams
                      ) -> list[lsp.Location] | None:
        found = ls.occurrence(params.text_document, params.position)
        if found is None:
            return None
        analysis, occurrence = found
        index, codec = analysis.index, ls.workspace.position_codec
        if occurrence.symbol is not None:
            places = index.references(occurrence.symbol)
            declared = index.declarations.get(occurrence.symbol)
            if params.context.include_declaration and declared is not None:
                places = [declared, *places]
        else:
            places = index.fact_reads(occurrence.fact)
        return [positions.location(codec, o.span) for o in places] or None

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION,
                    lsp.CompletionOptions(trigger_characters=["."]))
    @_guarded
    def on_completion(ls: PolicyServer, params: lsp.CompletionParams
                      ) -> lsp.CompletionList | None:
        path = positions.path_of(params.text_document.uri)
        document = ls.workspace.get_text_document(params.text_document.uri)
        analysis = None
        if path is not None:
            root = ls.root(path, ls.texts())
            analysis = ls.analyses.get(root)
        where = document.position_from_client_units(params.position)
        text = line_feeds(document.source)
        offset = positions.offset_at(SourceFile("", text), where.line, where.character)
        return lsp.CompletionList(is_incomplete=False,
                                  items=complete(analysis, text, offset))

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    @_guarded
    def on_formatting(ls: PolicyServer, params: lsp.DocumentFormattingParams
                      ) -> list[lsp.TextEdit] | None:
        path = positions.path_of(params.text_document.uri)
        if path is None:
            return None
        document = ls.workspace.get_text_document(params.text_document.uri)
        try:
            with unsaved(ls.texts()):
                _, formatted = format_file(path)
        except DiagnosticError:
            return None  # it does not parse: the diagnostics say where
        if formatted == document.source:
            return []
        lines = document.lines
        end = lsp.Position(line=len(lines), character=0)
        if lines and not lines[-1].endswith("\n"):
            end = lsp.Position(line=len(lines) - 1, character=ls.workspace.position_codec
                               .client_num_units(lines[-1]))
        start = lsp.Position(line=0, character=0)
        return [lsp.TextEdit(range=lsp.Range(start=start, end=end), new_text=formatted)]

    return server


def definitions(analysis: Analysis, occurrence: Occurrence, codec) -> list[lsp.Location]:
    """Where a name is declared: an include's file, a rule's or a fact's declaration; from a
    revision's name, the rules it changes."""
    symbol, index = occurrence.symbol, analysis.index
    if symbol.kind == "file":
        return [positions.start_of(Path(symbol.name))]
    if symbol.kind == "revision" and occurrence.declares:
        targets = [index.declarations.get(Symbol("rule", c.target))
                   for c in occurrence.node.changes]
        return [positions.location(codec, o.span) for o in targets if o is not None]
    declared = index.declarations.get(symbol)
    return [positions.location(codec, declared.span)] if declared is not None else []


def serve() -> int:
    """Serve on standard input and output until the client says exit (or goes away); the
    exit code the protocol asks for: 0 when it asked to shut down first, 1 otherwise."""
    server = make_server()
    # pygls closes the output it writes to when the client says exit: give it its own handle
    # on standard output, so the command's own closing (a flush) still finds its stream open.
    try:
        output = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    except (AttributeError, OSError, ValueError):  # an output with no file behind it
        output = None
    try:
        server.start_io(sys.stdin.buffer, output)
    finally:
        if output is not None and not output.closed:
            output.close()
    return 0 if server.shut_down else 1
