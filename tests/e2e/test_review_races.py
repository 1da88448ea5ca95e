"""Races and client quirks around a proposal landing: a reject or cancel while the
accept edit is on its way, typing in the proposal at that moment, clients that send the
whole text on every change, a quick fix on a file's last line, a new file revised."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import ToolCallSpec, Turn

from .conftest import range_of, session_of
from .editor import Editor
from .test_refactor import NEW, OLD, SOURCE, command, fenced, open_source, refactor


def editor_of(client: LanguageClient) -> Editor:
    return session_of(client).editor  # type: ignore[no-any-return]


def replaces_text(editor: Editor) -> bool:
    """Whether the edit that just arrived removes text (the accept edit; streamed edits
    only insert)."""
    changes = editor.edits[-1].edit.document_changes or []
    edit = (
        changes[0].edits[0] if changes and isinstance(changes[0], types.TextDocumentEdit) else None
    )
    return edit is not None and edit.range.start != edit.range.end


@pytest.mark.kimi_settings({"edits": {"review": False}})
@pytest.mark.parametrize("stop", ["kimi.reject", "kimi.cancel"])
async def test_a_stop_while_the_accept_edit_is_on_its_way_loses_nothing(
    client: LanguageClient, stop: str
) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(Turn(content=fenced(NEW), chunk_chars=12))
    uri = open_source(client, keep=None)
    sent: list[asyncio.Future[Any]] = []

    def stop_at_the_accept(ed: Editor, number: int) -> None:
        if not sent and replaces_text(ed):
            sent.append(asyncio.ensure_future(command(client, stop, {"uri": uri})))

    editor.before_edit = stop_at_the_accept
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    with contextlib.suppress(JsonRpcException):
        await sent[0]
    assert result["status"] == "applied"  # the stop came after the change had landed
    assert editor.text(uri) == SOURCE.replace(OLD, NEW)
    assert len(editor.edits) < 20  # no fight between two writers
    undone = await command(client, "kimi.undo", {"uri": uri})
    assert undone["status"] == "applied"
    assert editor.text(uri) == SOURCE


async def test_typing_in_the_proposal_while_the_accept_edit_is_on_its_way(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(Turn(content=fenced(NEW), chunk_chars=12))
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "proposed"
    editor.checks.clear()
    typed: list[bool] = []

    def rename_at_the_accept(ed: Editor, number: int) -> None:
        if not typed and replaces_text(ed):
            typed.append(True)
            at = ed.text(uri).index("squared = radius")
            ed.type(uri, at, at + len("squared"), "sq")

    editor.before_edit = rename_at_the_accept
    await command(client, "kimi.accept", {"uri": uri})
    assert editor.text(uri) == SOURCE.replace(OLD, NEW.replace("squared = radius", "sq = radius"))


async def test_whole_text_changes_are_followed_like_partial_ones(client: LanguageClient) -> None:
    """ycmd and ALE send the whole document on every change."""
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(Turn(content=fenced(NEW), chunk_chars=12))
    uri = open_source(client)
    await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    buffer = editor.buffers[uri]
    buffer.text = "# typed above\n" + buffer.text
    buffer.version += 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=buffer.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=buffer.text)],
        )
    )
    editor.checks.clear()
    accepted = await command(client, "kimi.accept", {"uri": uri})
    assert accepted["status"] == "applied"
    assert editor.text(uri) == "# typed above\n" + SOURCE.replace(OLD, NEW)


async def test_a_quick_fix_on_the_last_line_of_a_file_without_a_final_newline(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    editor = editor_of(client)
    text = "import os\nprint(os.sep)\nx = undefined_name"
    uri = open_source(client, text, "last.py", keep=None)
    diagnostic = types.Diagnostic(
        range=types.Range(
            start=types.Position(line=2, character=4), end=types.Position(line=2, character=18)
        ),
        message="undefined name 'undefined_name'",
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    fix = next(a for a in actions or [] if a.title.startswith("Kimi: Fix"))
    assert isinstance(fix, types.CodeAction)
    assert fix.command is not None
    session.sim.script(Turn(content=fenced("x = 1\n")))
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=fix.command.command, arguments=fix.command.arguments)
    )
    assert result["status"] == "proposed"
    await command(client, "kimi.accept", {"uri": uri})
    assert editor.text(uri) == "import os\nprint(os.sep)\nx = 1"


async def test_the_model_may_revise_a_file_it_created(client: LanguageClient) -> None:
    session = session_of(client)
    root = session.workspace

    def call(name: str, **arguments: Any) -> ToolCallSpec:
        return ToolCallSpec(name=name, arguments=json.dumps(arguments))

    session.sim.script(
        Turn(tool_calls=[call("create_file", path="pkg/new.py", content="x = 1\n")]),
        Turn(tool_calls=[call("edit_file", path="pkg/new.py", old_text="x = 1", new_text="x = 2")]),
        Turn(tool_calls=[call("create_file", path="pkg/new.py", content="y = 3\nx = 2\n")]),
        Turn(content="Created pkg/new.py."),
    )
    result = await command(client, "kimi.edit", {"instruction": "add pkg/new.py"})
    assert result["status"] == "proposed", result
    tool_answers = [m["content"] for r in session.sim.requests[1:] for m in r.body["messages"][-1:]]
    assert not any(a.startswith(("Refused", "Error")) for a in tool_answers), tool_answers
    await command(client, "kimi.accept", {"proposalId": result["proposalId"]})
    assert (root / "pkg" / "new.py").read_text() == "y = 3\nx = 2\n"


async def test_no_explain_action_on_a_blank_line(client: LanguageClient) -> None:
    text = "x = 1\n\n    \ny = 2\n"
    uri = open_source(client, text, "blank.py", keep=None)

    async def titles(line: int) -> list[str]:
        here = types.Range(
            start=types.Position(line=line, character=0), end=types.Position(line=line, character=0)
        )
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=here,
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        return [a.title for a in actions or []]

    assert "Kimi: Explain this line" in await titles(0)
    assert "Kimi: Explain this line" not in await titles(1)
    assert "Kimi: Explain this line" not in await titles(2)
