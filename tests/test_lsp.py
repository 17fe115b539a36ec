"""The language server, driven over standard input and output by a real LSP client
(pytest-lsp), on the shipped policy: policies/qualys.claw, which includes the 2019 text and
three revisions. One server serves the whole module; each test opens what it needs and closes
it again, and changes reach only the server's copy of a file, never the disk."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from clawpolicy.syntax.tokens import STRING_SCOPES
from tests.conftest import POLICIES, ROOT

QUALYS = POLICIES / "qualys.claw"
QUALYS_2019 = POLICIES / "qualys-2019.claw"
SOX = POLICIES / "revisions" / "sox-304.claw"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# The tests that talk to the server share its event loop.
on_server = pytest.mark.asyncio(loop_scope="module")


SERVER = ClientServerConfig([sys.executable, "-m", "clawpolicy", "lsp"], server_env=ENV)


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=ROOT.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=ROOT.as_uri(), name="clawpolicy")]))
    yield
    await lsp_client.shutdown_session()
    assert defects(lsp_client) == []


# ---------------------------------------------------------------- helpers

def uri(path: Path) -> str:
    return path.resolve().as_uri()


def defects(client: LanguageClient) -> list[str]:
    """What the server logged of its own failures (a handler that raised)."""
    return [m.message for m in client.log_messages if m.type == lsp.MessageType.Error]


async def settled(client: LanguageClient) -> None:
    """Wait until the server has handled every message sent so far (it answers requests in
    order, after publishing the diagnostics of the changes before them), and check that no
    handler failed on the way."""
    await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri(QUALYS)),
        position=lsp.Position(line=0, character=0)))
    assert defects(client) == []


def open_file(client: LanguageClient, path: Path, text: str | None = None) -> str:
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri(path), language_id="clawpolicy", version=1,
                                           text=text)))
    return text


def close_file(client: LanguageClient, path: Path) -> None:
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri(path))))


def replace_text(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))


def position_of(text: str, needle: str, nth: int = 0, shift: int = 1) -> lsp.Position:
    """The position `shift` characters into the nth occurrence of `needle`."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    offset += shift
    line = text.count("\n", 0, offset)
    return lsp.Position(line=line, character=offset - (text.rfind("\n", 0, offset) + 1))


async def hover_text(client: LanguageClient, path: Path, at: lsp.Position) -> str | None:
    found = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri(path)), position=at))
    return found.contents.value if found is not None else None


def line_of(location: lsp.Location) -> str:
    path = Path(location.uri.removeprefix("file://"))
    return path.read_text(encoding="utf-8").splitlines()[location.range.start.line]


# ---------------------------------------------------------------- the command

def test_without_the_extra_it_says_what_to_install_and_exits_2():
    hide = ("import sys; sys.modules['pygls'] = None; from clawpolicy.cli import main; "
            "sys.argv = ['clawpolicy', 'lsp']; main()")
    run = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True,
                         env=ENV, timeout=60)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr == ("error: the language server needs its extra: "
                          "pip install 'clawpolicy[lsp]'\n")


def _session(messages: list[dict]) -> subprocess.CompletedProcess:
    """Run the server on `messages`, standard input left open after them, as an editor does."""
    server = subprocess.Popen([sys.executable, "-m", "clawpolicy", "lsp"], env=ENV,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    server.stdin.flush()
    stop = threading.Timer(60, server.kill)  # a server that never ends fails, not hangs
    stop.start()
    try:
        out, err = server.stdout.read(), server.stderr.read()
        server.wait()
    finally:
        stop.cancel()
        server.kill()
        server.stdin.close()
    return subprocess.CompletedProcess(server.args, server.returncode, out, err.decode())


START = [{"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None,
                                                      "capabilities": {}}},
         {"method": "initialized", "params": {}}]


def test_a_session_ends_with_0_after_shutdown_then_exit_and_1_on_exit_alone():
    clean = _session([*START, {"id": 2, "method": "shutdown"}, {"method": "exit"}])
    assert (clean.returncode, clean.stderr) == (0, "")
    assert b'{"id": 2, "jsonrpc": "2.0", "result": null}' in clean.stdout
    abrupt = _session([*START, {"method": "exit"}])
    assert (abrupt.returncode, abrupt.stderr) == (1, "")


# ---------------------------------------------------------------- diagnostics

@on_server
async def test_a_change_that_breaks_a_name_is_reported_with_its_code_and_cleared_when_fixed(
        client: LanguageClient):
    text = open_file(client, QUALYS)
    sox = open_file(client, SOX)
    await settled(client)
    assert list(client.diagnostics[uri(QUALYS)]) == []
    assert list(client.diagnostics[uri(SOX)]) == []

    broken = sox.replace("restatement.due_to_misconduct)\nend",
                         "restatement.due_to_misconduc)\nend", 1)
    assert broken != sox
    replace_text(client, SOX, broken, 2)
    await settled(client)
    (found,) = client.diagnostics[uri(SOX)]
    assert found.code == "CP0202"
    assert found.severity == lsp.DiagnosticSeverity.Error
    assert found.source == "clawpolicy"
    assert found.message == (
        "the restatement has no fact `due_to_misconduc`\n"
        "help: did you mean `due_to_misconduct`? expected one of: material, kind, "
        "required_date, due_to_misconduct, cause")
    assert found.range.start == position_of(broken, "due_to_misconduc)\nend", shift=0)
    assert list(client.diagnostics[uri(QUALYS)]) == []  # the error is in the included file

    replace_text(client, SOX, sox, 3)
    await settled(client)
    assert list(client.diagnostics[uri(SOX)]) == []
    close_file(client, SOX)
    close_file(client, QUALYS)
    assert text


@on_server
async def test_includes_resolve_beside_the_unsaved_file_and_columns_count_utf16(
        client: LanguageClient, tmp_path: Path):
    root = write_policy(tmp_path, 'include "parts/base.claw"\n')
    unsaved = EMOJI_POLICY.replace("\n\n", '\ninclude "parts/missing.claw"\n\n', 1)
    open_file(client, root, unsaved)
    await settled(client)
    (missing,) = client.diagnostics[uri(root)]
    assert missing.code == "CP0110"
    assert missing.message.startswith("the included file `parts/missing.claw` does not exist")
    assert missing.range.start == lsp.Position(line=1, character=0)

    unsaved = unsaved.replace('include "parts/missing.claw"\n', "")
    replace_text(client, root, unsaved, 2)
    await settled(client)
    (unknown,) = client.diagnostics[uri(root)]
    assert unknown.code == "CP0201"
    # The emoji is one character but two UTF-16 code units, as the editor counts them.
    assert unknown.range == lsp.Range(start=lsp.Position(line=5, character=18),
                                      end=lsp.Position(line=5, character=31))

    base = open_file(client, tmp_path / "parts" / "base.claw")
    fixed = unsaved.replace("no_such_thing", "participant.work_location")
    replace_text(client, root, fixed, 3)
    await settled(client)
    assert list(client.diagnostics[uri(root)]) == []
    (target,) = await definition(client, root, position_of(fixed, "parts/base.claw"))
    assert target.uri == uri(tmp_path / "parts" / "base.claw")
    close_file(client, tmp_path / "parts" / "base.claw")
    close_file(client, root)
    assert base


EMOJI_POLICY = ('include "parts/base.claw"\n\ncondition smiles\n  clause "C"\n  quote "x"\n'
                '  requires "\U0001F600" = no_such_thing\nend\n')


def write_policy(folder: Path, text: str) -> Path:
    """A policy in `folder` whose root file holds `text` and includes the corpus base."""
    (folder / "parts").mkdir()
    (folder / "parts" / "base.claw").write_text(
        (ROOT / "tests" / "bad_policies" / "_base.claw").read_text(encoding="utf-8"),
        encoding="utf-8")
    (folder / "root.claw").write_text(text, encoding="utf-8")
    return folder / "root.claw"


def _root_within(path: Path, top: Path | None, seconds: float = 20) -> Path:
    """The policy root the server finds for `path`, reading files as it does; fails rather
    than hang when a read blocks."""
    from clawpolicy.lsp.analysis import root_of
    from clawpolicy.lsp.server import PolicyServer

    found: list[Path] = []
    read = functools.partial(PolicyServer().read, {})
    search = threading.Thread(target=lambda: found.append(root_of(path, read, top)),
                              daemon=True)
    search.start()
    search.join(seconds)
    assert found, "the search for the policy's root blocked"
    return found[0]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_the_including_policy_is_found_whatever_its_line_ends(tmp_path: Path, line_end):
    # A lone CR ends a line for the loader (syntax.load.line_feeds): for the search for the
    # file that includes this one too, or a revision is analysed as a policy of its own.
    (tmp_path / "revisions").mkdir()
    revision = tmp_path / "revisions" / "r.claw"
    revision.write_text("revision r\nend\n", encoding="utf-8")
    root = tmp_path / "root.claw"
    root.write_bytes(line_end.join(['policy "P"', "end", 'include "revisions/r.claw"', ""])
                     .encode("utf-8"))
    assert _root_within(revision.resolve(), tmp_path) == root.resolve()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_beside_or_above_a_policy_file_is_passed_over(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe.claw")
    (tmp_path / "sub").mkdir()
    os.mkfifo(tmp_path / "sub" / "other.claw")
    (tmp_path / "device.claw").symlink_to("/dev/zero")
    policy = tmp_path / "sub" / "p.claw"
    policy.write_text('policy "P"\n  effective 2020-01-01\nend\n', encoding="utf-8")
    (tmp_path / "outer.claw").write_text('include "sub/p.claw"\n', encoding="utf-8")
    assert _root_within(policy, None) == tmp_path / "outer.claw"


def test_the_search_for_an_including_policy_stops_at_the_project_or_workspace_top(
        tmp_path: Path):
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (tmp_path / "outer.claw").write_text('include "project/sub/p.claw"\n', encoding="utf-8")
    policy = project / "sub" / "p.claw"
    policy.write_text('policy "P"\n  effective 2020-01-01\nend\n', encoding="utf-8")
    assert _root_within(policy, None) == tmp_path / "outer.claw"
    assert _root_within(policy, project) == policy  # the workspace's folder is the top
    (project / ".git").mkdir()
    assert _root_within(policy, None) == policy  # so is a repository's
    assert _root_within(policy, tmp_path) == tmp_path / "outer.claw"  # inside the workspace


@pytest.mark.parametrize("editor, encoding, column", [
    ("neovim@v0.11.0", "utf-8", 20), ("emacs", "utf-32", 17)])
@on_server
async def test_columns_count_in_the_encoding_the_editor_and_server_agree_on(
        editor: str, encoding: str, column: int, tmp_path: Path):
    root = write_policy(tmp_path, EMOJI_POLICY)
    other = await SERVER.start()
    try:
        agreed = await other.initialize_session(lsp.InitializeParams(
            capabilities=pytest_lsp.client_capabilities(editor)))
        assert agreed.capabilities.position_encoding == encoding
        open_file(other, root)
        await settled(other)
        (unknown,) = other.diagnostics[uri(root)]
        assert (unknown.code, unknown.range.start.character) == ("CP0201", column)
    finally:
        await other.shutdown_session()
        await other.stop()


@on_server
async def test_a_syntax_error_is_a_diagnostic_and_the_features_still_answer(
        client: LanguageClient):
    sox = open_file(client, SOX)
    half = sox.replace("  replace scope incentive\n", "  replace scope incentive\n  requires (\n",
                       1)
    replace_text(client, SOX, half, 2)
    await settled(client)
    (found,) = client.diagnostics[uri(SOX)]
    assert found.code == "CP0101"
    assert await hover_text(client, SOX, position_of(half, "requires (")) is None
    items = await complete(client, SOX, position_of(half, "restatement.due_to_misconduct",
                                                    shift=len("restatement.")))
    assert "material" in [i.label for i in items]
    close_file(client, SOX)
    await settled(client)
    assert list(client.diagnostics[uri(SOX)]) == []


@on_server
async def test_a_lint_warning_keeps_its_code_and_warning_severity(client: LanguageClient):
    text = open_file(client, QUALYS_2019)
    unused = text + "\ndefine never_used\n  as 1\nend\n"
    replace_text(client, QUALYS_2019, unused, 2)
    await settled(client)
    (found,) = client.diagnostics[uri(QUALYS_2019)]
    assert (found.code, found.severity) == ("CP1001", lsp.DiagnosticSeverity.Warning)
    assert found.range.start == position_of(unused, "never_used", shift=0)
    close_file(client, QUALYS_2019)


@on_server
async def test_halves_of_the_policy_never_bring_the_server_down(client: LanguageClient):
    text = QUALYS_2019.read_text(encoding="utf-8")
    open_file(client, QUALYS_2019)
    for version, cut in enumerate(range(137, len(text), len(text) // 9), start=2):
        replace_text(client, QUALYS_2019, text[:cut], version)
        end = position_of(text[:cut] + "\n", "\n", nth=text[:cut].count("\n"), shift=0)
        await hover_text(client, QUALYS_2019, end)
        await complete(client, QUALYS_2019, end)
        await settled(client)
        # Without its header, the file's errors are the including policy's (qualys.claw).
        codes = [d.code for path in (QUALYS_2019, QUALYS)
                 for d in client.diagnostics.get(uri(path), [])]
        assert all(c.startswith("CP") for c in codes), cut
        # No error only where the half is itself a whole policy (a cut after its remedies).
        assert codes or _checks_clean(text[:cut]), cut
    close_file(client, QUALYS_2019)


def _checks_clean(text: str) -> bool:
    import tempfile

    from clawpolicy.api import PolicyError, compile_policy

    with tempfile.TemporaryDirectory() as folder:  # beside the sources the header names
        (Path(folder) / "sources").symlink_to(QUALYS_2019.parent / "sources")
        path = Path(folder) / "half.claw"
        path.write_text(text, encoding="utf-8")
        try:
            compile_policy(path)
        except PolicyError:
            return False
    return True


# ---------------------------------------------------------------- hover

@on_server
async def test_hover_on_a_rule_shows_its_clause_quote_and_source_sentence(
        client: LanguageClient):
    text = open_file(client, QUALYS_2019)
    shown = await hover_text(client, QUALYS_2019,
                             position_of(text, "condition within_three_years_of_filing",
                                         shift=len("condition ") + 3))
    assert shown.startswith("**condition** `within_three_years_of_filing`")
    assert "clause: Condition (3)" in shown
    assert "> no more than three (3) years have elapsed" in shown
    assert "encodes sentence" in shown and "of qualys-clawback-policy-2019.txt" in shown
    assert shown.endswith("revised by `rule_10d1` (replace as `within_lookback_fiscal_years`), "
                          "`sox_304` (replace as `received_within_12_month_window`)")
    close_file(client, QUALYS_2019)


@on_server
async def test_hover_on_a_fact_shows_its_type_and_its_question(client: LanguageClient):
    text = open_file(client, QUALYS_2019)
    shown = await hover_text(client, QUALYS_2019,
                             position_of(text, "restatement.material", shift=14))
    assert shown == ("**case fact** `restatement.material`: boolean, may be unknown\n\n"
                     "asks: Is the restatement material?")
    shown = await hover_text(client, QUALYS_2019, position_of(text, "s.original_filing_date",
                                                              shift=4))
    assert shown.startswith("**case fact** `statements[].original_filing_date`: date")
    assert "asks: When were the {statement} statements first filed with the SEC?" in shown
    close_file(client, QUALYS_2019)


@on_server
async def test_hover_on_a_definition_shows_its_value(client: LanguageClient):
    sox = open_file(client, SOX)
    shown = await hover_text(client, SOX, position_of(sox, "define sox_trigger", shift=9))
    assert shown.startswith("**define** `sox_trigger`: boolean")
    assert ("```claw\nrestatement is present and restatement.material and "
            "resulted_from_misconduct\n```") in shown
    close_file(client, SOX)


# ---------------------------------------------------------------- definition, references

async def definition(client: LanguageClient, path: Path, at: lsp.Position):
    return await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri(path)), position=at))


@on_server
async def test_go_to_definition_of_an_include_a_definition_and_a_revised_rule(
        client: LanguageClient):
    text = open_file(client, QUALYS)
    sox = open_file(client, SOX)
    (target,) = await definition(client, QUALYS, position_of(text, "revisions/sox-304.claw"))
    assert target.uri == uri(SOX) and target.range.start.line == 0

    (target,) = await definition(client, SOX, position_of(sox, "scope incentive", shift=8))
    assert target.uri == uri(QUALYS_2019)
    assert line_of(target) == "scope incentive"

    (target,) = await definition(client, SOX, position_of(
        sox, "remove condition would_have_been_less", shift=20))
    assert line_of(target) == "condition would_have_been_less"

    revised = await definition(client, SOX, position_of(sox, "revision sox_304", shift=10))
    assert [line_of(t).split()[-1] for t in revised] == [
        "granted_on_or_after_effective_date", "incentive", "would_have_been_less",
        "within_three_years_of_filing", "committee_finds_fault_and_repayment_due",
        "permitted_by_law", "recoverable_compensation", "stock_sale_profits", "repay"]
    close_file(client, SOX)
    close_file(client, QUALYS)


@on_server
async def test_references_of_a_rule_reach_into_the_revisions(client: LanguageClient):
    text = open_file(client, QUALYS)
    base = open_file(client, QUALYS_2019)
    found = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri(QUALYS_2019)),
        position=position_of(base, "condition material_restatement", shift=12),
        context=lsp.ReferenceContext(include_declaration=True)))
    files = sorted(Path(f.uri).name for f in found)
    assert files[0] == "qualys-2019.claw"
    assert any(name.endswith(".claw") and name != "qualys-2019.claw" for name in files)
    for place in found:
        assert "material_restatement" in line_of(place)
    close_file(client, QUALYS_2019)
    close_file(client, QUALYS)
    assert text


# ---------------------------------------------------------------- completion, formatting

async def complete(client: LanguageClient, path: Path, at: lsp.Position):
    found = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri(path)), position=at))
    return found.items if found is not None else []


@on_server
async def test_completion_offers_the_fields_of_the_record_before_the_dot(
        client: LanguageClient):
    text = open_file(client, QUALYS_2019)
    # In the definition's expression (the comments above it name the fact too).
    typing = text.replace("as participant.section16_officer", "as participant.", 1)
    replace_text(client, QUALYS_2019, typing, 2)
    items = await complete(client, QUALYS_2019,
                           position_of(typing, "as participant.", shift=len("as participant.")))
    by_label = {i.label: i for i in items}
    assert {"section16_officer", "executive_officer", "positions"} <= set(by_label)
    assert by_label["section16_officer"].detail == "boolean, may be unknown"
    assert by_label["section16_officer"].documentation.startswith("Is (or was) the participant")

    statement = await complete(client, QUALYS_2019,
                               position_of(typing, "s.restated", shift=len("s.")))
    assert "original_filing_date" in {i.label for i in statement}

    expression = {i.label for i in await complete(client, QUALYS_2019,
                                                  position_of(typing, "as participant.",
                                                              shift=3))}
    assert {"restatement", "award", "material_restatement", "effective_date", "min"} \
        <= expression  # after `as`: what an expression may start with, no block's words
    assert not {"condition", "requires"} & expression
    line_start = {i.label for i in await complete(client, QUALYS_2019,
                                                  position_of(typing, "  as participant.",
                                                              shift=2))}
    assert {"condition", "requires", "restatement", "award"} <= line_start
    close_file(client, QUALYS_2019)


@on_server
async def test_positions_in_a_file_whose_lines_end_with_a_lone_cr_are_right(
        client: LanguageClient):
    # The parser reads a lone CR as a line break, and so does the editor (LSP counts \r as
    # one): a diagnostic, hover, go-to-definition and completion land where they do in the
    # same text with LF.
    text = QUALYS_2019.read_text(encoding="utf-8") + "\ndefine never_used\n  as 1\nend\n"
    open_file(client, QUALYS_2019, text.replace("\n", "\r"))
    await settled(client)
    (found,) = client.diagnostics[uri(QUALYS_2019)]
    assert (found.code, found.range.start) == ("CP1001", position_of(text, "never_used",
                                                                     shift=0))
    shown = await hover_text(client, QUALYS_2019,
                             position_of(text, "restatement.material", shift=14))
    assert shown.startswith("**case fact** `restatement.material`: boolean")
    (target,) = await definition(client, QUALYS_2019, position_of(
        text, "section16_roles", nth=1, shift=3))
    assert target.range.start == position_of(text, "define section16_roles",
                                             shift=len("define "))
    typing = text.replace("as participant.section16_officer", "as participant.", 1)
    replace_text(client, QUALYS_2019, typing.replace("\n", "\r"), 2)
    items = await complete(client, QUALYS_2019,
                           position_of(typing, "as participant.", shift=len("as participant.")))
    assert "section16_officer" in {i.label for i in items}
    close_file(client, QUALYS_2019)


COMPLETING = ('policy "U"\n  effective 2019-02-08\nend\n\ndefine threshold\n  clause "T"\n'
              '  quote "q"\n  as 5 USD\nend\n\ncondition c\n  clause "C"\n  quote "q"\n'
              '  requires findings is known\nend\n')


def test_completion_where_an_expression_starts_offers_what_can_stand_there(tmp_path: Path):
    from clawpolicy.lsp.analysis import analyse
    from clawpolicy.lsp.complete import complete as completions

    path = tmp_path / "p.claw"
    path.write_text(COMPLETING, encoding="utf-8")
    analysis = analyse(path, {}, None)

    def labels(text: str, needle: str, shift: int) -> set[str]:
        return {i.label for i in completions(analysis, text, text.index(needle) + shift)}

    start = labels(COMPLETING, "findings is", 0)
    assert {"findings", "award", "restatement", "threshold", "not", "any", "effective_date",
            "min", "true"} <= start
    assert not start & {"policy", "condition", "end", "clause", "requires", "USD", "years"}
    typing = COMPLETING.replace("findings is known", "threshold < fi")
    assert "findings" in labels(typing, "< fi", 4) and "condition" not in labels(
        typing, "< fi", 4)
    assert labels(COMPLETING, "is known", 3) == {"known", "unknown", "present", "absent"}
    line_start = labels(COMPLETING, "  requires", 2)  # a line's first word: the block's words
    assert {"requires", "clause", "end", "findings"} <= line_start


@on_server
async def test_formatting_returns_the_whole_document_as_fmt_writes_it(client: LanguageClient):
    text = open_file(client, QUALYS_2019)
    untidy = text.replace("  requires restatement is present",
                          "      requires   restatement   is present", 1)
    assert untidy != text
    replace_text(client, QUALYS_2019, untidy, 2)
    params = lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri(QUALYS_2019)),
        options=lsp.FormattingOptions(tab_size=2, insert_spaces=True))
    (edit,) = await client.text_document_formatting_async(params)
    assert edit.new_text == text
    assert edit.range.start == lsp.Position(line=0, character=0)
    assert edit.range.end == lsp.Position(line=untidy.count("\n"), character=0)
    replace_text(client, QUALYS_2019, text, 3)
    assert list(await client.text_document_formatting_async(params)) == []
    close_file(client, QUALYS_2019)


# ---------------------------------------------------------------- the TextMate grammar

def test_the_committed_textmate_grammar_is_the_generated_one():
    from clawpolicy.tools import textmate

    committed = (ROOT / textmate.GRAMMAR_FILE).read_text(encoding="utf-8")
    assert committed == textmate.render(), \
        "regenerate it: python -m clawpolicy.tools.textmate --write"


def test_every_word_of_the_grammar_is_in_the_token_lists():
    from clawpolicy.syntax.parse import grammar_text
    from clawpolicy.syntax.tokens import all_words

    literals = set(re.findall(r'"([A-Za-z_]+)"', grammar_text()))
    assert literals and literals - set(all_words()) == set()


def _textmate_tokens(text: str) -> list[tuple[str, str]]:
    """The scoped tokens an editor's TextMate engine finds, line by line: at each place the
    pattern that matches earliest wins (the first listed, on a tie); a string runs from its
    opening quote to the closing one, over lines."""
    from clawpolicy.tools import textmate

    patterns = [(re.compile(p.get("match") or p["begin"]), p) for p in
                textmate.grammar()["patterns"]]
    found: list[tuple[str, str]] = []
    string: tuple[str, str] | None = None  # the quote, the text so far
    for line in text.split("\n"):
        i = 0
        while i < len(line) or (string and i == len(line)):
            if string is not None:
                j = i
                while j < len(line) and line[j] != string[0]:
                    j += 2 if line[j] == "\\" else 1
                if j >= len(line):
                    string = (string[0], string[1] + line[i:] + "\n")
                    break
                found.append((string[1] + line[i:j + 1], STRING_SCOPES[string[0]]))
                string, i = None, j + 1
                continue
            matches = [(m.start(), n, m, p) for n, (r, p) in enumerate(patterns)
                       if (m := r.search(line, i))]
            if not matches:
                break
            _, _, m, p = min(matches, key=lambda x: x[:2])
            if "begin" in p:
                string = (m.group(), m.group())
            else:
                found.append((m.group(), p["name"]))
            i = max(m.end(), i + 1)
    return found


def test_the_textmate_grammar_and_the_pygments_lexer_colour_the_policies_alike():
    from pygments.token import Error, String

    from clawpolicy.highlight import ClawPolicyLexer, _token_type
    from clawpolicy.syntax.tokens import RULES

    scopes = {_token_type(r.pygments): r.scope for r in RULES}
    scopes |= {String.Double: STRING_SCOPES['"'], String.Single: STRING_SCOPES["'"]}
    texts = {str(path): path.read_text(encoding="utf-8")
             for path in sorted(POLICIES.rglob("*.claw"))}
    for doc in sorted((ROOT / "docs").glob("*.md")):
        blocks = re.findall(r"^```claw\n(.*?)^```", doc.read_text(encoding="utf-8"),
                            re.MULTILINE | re.DOTALL)
        texts |= {f"{doc.name} block {n}": block for n, block in enumerate(blocks)}
    assert len(texts) > 20
    for path, text in texts.items():
        tokens = list(ClawPolicyLexer().get_tokens_unprocessed(text))
        if any(kind is Error for _, kind, _ in tokens):
            continue  # a quotation never closed: TextMate runs it to the end, Pygments not
        pygments = [(value, scopes[kind]) for _, kind, value in tokens if scopes[kind]]
        assert _textmate_tokens(text) == pygments, path


def test_the_vscode_extension_uses_the_generated_grammar_and_starts_the_server():
    import json

    from clawpolicy.tools import textmate

    folder = ROOT / "editors"
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    (grammar,) = package["contributes"]["grammars"]
    assert (folder / grammar["path"]).resolve() == (ROOT / textmate.GRAMMAR_FILE).resolve()
    assert grammar["scopeName"] == textmate.grammar()["scopeName"]
    (language,) = package["contributes"]["languages"]
    assert language["extensions"] == [".claw"] and grammar["language"] == language["id"]
    settings = json.loads((folder / language["configuration"]).read_text(encoding="utf-8"))
    assert settings["comments"]["lineComment"] == "#"
    command = package["contributes"]["configuration"]["properties"]["clawpolicy.command"]
    assert command["default"] == ["clawpolicy", "lsp"]
    client = (folder / package["main"]).read_text(encoding="utf-8")
    assert 'getConfiguration("clawpolicy").get("command")' in client
