"""Documents, shutdown and the built-in simulator provider, through the real server."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn

from .conftest import open_doc, position, session_of


def sent_selection(client: LanguageClient, index: int = 0) -> str:
    user = session_of(client).sim.requests[index].body["messages"][-1]["content"]
    match = re.search(r"<selection>\n(.*)\n</selection>", user, re.S)
    assert match
    return match.group(1)


async def explain_range(client: LanguageClient, uri: str, rng: dict[str, Any]) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.explain", arguments=[{"uri": uri, "range": rng}])
    )


async def test_incremental_changes_use_lsp_line_breaks(client: LanguageClient) -> None:
    """Form feeds and U+2028 are not line breaks in LSP; pygls alone would misplace edits."""
    session = session_of(client)
    text = "a = 1\x0cb = 2\nc = '\u2028'\nd = 4\n"
    uri = open_doc(client, "ff.py", text)
    insert = position(text, text.index("d = 4"), session.encoding)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(**insert), end=types.Position(**insert)),
                    text="x = 0\n",
                )
            ],
        )
    )
    after = text.replace("d = 4", "x = 0\nd = 4")
    start = after.index("x = 0")
    rng = {
        "start": position(after, start, session.encoding),
        "end": position(after, start + 5, session.encoding),
    }
    await explain_range(client, uri, rng)
    assert sent_selection(client) == "x = 0"


async def test_change_to_an_unopened_document_is_ignored(client: LanguageClient) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri="file:///never-opened.py", version=2
            ),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="x")],
        )
    )
    usage = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.usage", arguments=[])
    )
    assert usage["requests"] == 0
    assert client.messages == []  # no "Error in server" popup


async def test_shutdown_during_explain_answers_both(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="slow " * 50, content="never", chunk_delay=0.5))
    uri = open_doc(client, "a.py", "x = 1\n")
    rng = {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}
    task = asyncio.ensure_future(explain_range(client, uri, rng))
    await session.sim.wait_for_requests(1)
    session.shut_down = True
    assert await client.shutdown_async(None) is None
    with pytest.raises(JsonRpcRequestCancelled):
        await task
    await session.sim.wait_for_disconnect(0)
    assert len(session.sim.requests) == 1  # not retried against a closed client


@pytest.mark.kimi_settings({"provider": "simulator", "baseUrl": None, "apiKey": None})
async def test_simulator_provider_starts_the_built_in_simulator(client: LanguageClient) -> None:
    session = session_of(client)
    text = "def total(xs):\n    return sum(xs)\n"
    uri = open_doc(client, "t.py", text)
    result = await explain_range(
        client, uri, {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
    )
    assert "total" in result["markdown"]
    assert session.sim.requests == []  # answered by the server's own simulator


async def status(client: LanguageClient) -> dict[str, Any]:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.status", arguments=[])
    )
    assert isinstance(result, dict)
    return result


async def test_status_returns_to_idle_after_work(client: LanguageClient) -> None:
    """kimi.status counts live work; after an explain, a cancelled explain and ghost text,
    the server is back to the tasks it had at rest (nothing left running)."""
    session = session_of(client)
    text = "def f(x):\n    return x\n"
    uri = open_doc(client, "s.py", text)
    session.sim.script(Turn(reasoning="r", content="Returns x."))
    line = {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}
    assert (await explain_range(client, uri, line))["markdown"] == "Returns x."
    idle = await status(client)  # after a first command: start-up work is over
    assert idle["openDocuments"] == 1
    assert idle["commandsRunning"] == 0
    assert idle["memoryMb"] > 10
    session.sim.script(Turn(reasoning="r", content="slow", ttft=30))
    slow = asyncio.ensure_future(explain_range(client, uri, line))
    await session.sim.wait_for_requests(2)
    busy = await status(client)
    assert busy["commandsRunning"] == 1
    assert busy["tasks"] > idle["tasks"]
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.cancel", arguments=[])
    )
    with pytest.raises(JsonRpcException, match="cancelled"):
        await slow
    session.sim.script(Turn(reasoning="r", content="<completion>x</completion>"))
    await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=10),
            context=types.InlineCompletionContext(
                trigger_kind=types.InlineCompletionTriggerKind.Invoked
            ),
        )
    )
    after = await status(client)
    assert after["commandsRunning"] == 0
    assert after["ghostTextRequests"] == 0
    # Cleanup after an answer (closing a stream, ending progress) may still be finishing:
    # ask until the count is back, for at most 5 s; a leaked task never leaves.
    async with asyncio.timeout(5):
        while after["tasks"] != idle["tasks"]:
            await asyncio.sleep(0.05)
            after = await status(client)
