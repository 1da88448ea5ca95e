"""Documents, shutdown and the built-in simulator provider, through the real server."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Simulator, Turn

from .conftest import SIM_KEY, _server_env, open_doc, position, session_of
from .raw import RawServer, assert_clean_log


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


# ---- the end of a session, in raw JSON-RPC (LSP: shutdown, then exit) ----------------------

USAGE = {"command": "kimi.usage", "arguments": []}
INVALID_REQUEST = -32600
ORIGIN = {"line": 0, "character": 0}


def opened(uri: str, text: str) -> dict[str, Any]:
    return {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}


async def raw_server(tmp_path: Path, *, initialize: bool = True, **caps: Any) -> RawServer:
    """The server on pipes, logging to `tmp_path/server.log`, initialized unless asked."""
    env = {**_server_env(), "KIMI_LSP_PROVIDER": "simulator", "HOME": str(tmp_path)}
    log = tmp_path / "server.log"
    server = await RawServer.start(env, "--log-level", "debug", "--log-file", str(log))
    if initialize:
        init = await server.request(
            "initialize", {"capabilities": caps, "rootUri": tmp_path.as_uri()}
        )
        assert "result" in init, init
        server.notify("initialized", {})
    return server


def is_begin(notification: dict[str, Any]) -> bool:
    value = notification.get("params", {}).get("value")
    return notification["method"] == "$/progress" and value.get("kind") == "begin"


async def exit_code(server: RawServer, timeout: float = 20) -> int:
    """Read the server's output to its end; the process's exit code."""
    async with asyncio.timeout(timeout):
        try:
            while True:
                await server.pump()
        except (EOFError, asyncio.IncompleteReadError):
            pass
        return await server.process.wait()


@pytest.mark.parametrize("ending", ["exit", "end of input"])
@pytest.mark.parametrize("initialize", [True, False], ids=["initialized", "uninitialized"])
async def test_exit_without_shutdown_ends_with_code_1(
    tmp_path: Path, initialize: bool, ending: str
) -> None:
    """LSP: the exit code is 0 if a shutdown request came first, else 1; a client that
    goes away without either is not a clean end either."""
    server = await raw_server(tmp_path, initialize=initialize)
    try:
        if initialize:
            assert "result" in await server.request("workspace/executeCommand", USAGE)
        if ending == "exit":
            server.notify("exit", None)
        else:
            assert server.process.stdin is not None
            server.process.stdin.close()
        assert await exit_code(server) == 1
    finally:
        await server.kill()
    assert_clean_log(tmp_path / "server.log")


@pytest.mark.parametrize("ending", ["exit", "end of input"])
async def test_after_shutdown_the_exit_code_is_0_even_uninitialized(
    tmp_path: Path, ending: str
) -> None:
    server = await raw_server(tmp_path, initialize=False)
    try:
        assert (await server.request("shutdown", None)).get("result", "missing") is None
        if ending == "exit":
            server.notify("exit", None)
        else:
            assert server.process.stdin is not None
            server.process.stdin.close()
        assert await exit_code(server) == 0
    finally:
        await server.kill()


async def test_requests_after_shutdown_get_invalid_request(tmp_path: Path) -> None:
    """From the moment `shutdown` is received, every request but `exit` is answered
    InvalidRequest (a second `shutdown` too), once, and the server still exits with 0."""
    server = await raw_server(tmp_path)
    uri = (tmp_path / "a.py").as_uri()
    server.notify("textDocument/didOpen", opened(uri, "x = 1\n"))
    try:
        shutdown = server.send_request("shutdown", None)
        racing = server.send_request("workspace/executeCommand", USAGE)  # before its answer
        first, second = await server.answers_to([shutdown, racing], timeout=10)
        assert first.get("result", "missing") is None, first
        assert second["error"]["code"] == INVALID_REQUEST, second
        doc, empty = {"textDocument": {"uri": uri}}, {"start": ORIGIN, "end": ORIGIN}
        later = [
            ("workspace/executeCommand", USAGE),
            ("textDocument/completion", {**doc, "position": ORIGIN}),
            ("textDocument/codeAction", {**doc, "range": empty, "context": {"diagnostics": []}}),
            ("shutdown", None),
            ("kimi/unknownMethod", {}),
        ]
        for method, params in later:
            answer = await server.request(method, params, timeout=10)
            assert answer["error"]["code"] == INVALID_REQUEST, (method, answer)
            assert "shut" in answer["error"]["message"], answer
        server.notify("exit", None)
        assert await exit_code(server) == 0
        assert all(len(answers) == 1 for answers in server.answers.values())
    finally:
        await server.kill()
    assert_clean_log(tmp_path / "server.log")


async def test_notifications_after_shutdown_are_ignored(tmp_path: Path) -> None:
    """After `shutdown`, notifications other than `exit` are not acted on, even while the
    shutdown is still cancelling a command: a configuration change sent right behind it
    does not make the server ask for the settings again."""
    async with Simulator(api_key=SIM_KEY) as sim:
        env = {**_server_env(), "HOME": str(tmp_path)}
        log = tmp_path / "server.log"
        server = await RawServer.start(env, "--log-level", "debug", "--log-file", str(log))
        options = {"kimi": {"provider": "simulator", "baseUrl": sim.base_url, "apiKey": SIM_KEY}}
        caps = {"workspace": {"configuration": True}, "window": {"workDoneProgress": True}}
        try:
            init = await server.request(
                "initialize",
                {
                    "capabilities": caps,
                    "rootUri": tmp_path.as_uri(),
                    "initializationOptions": options,
                },
            )
            assert "result" in init, init
            server.notify("initialized", {})
            async with asyncio.timeout(20):  # `initialized` asks for the settings once
                while not any(
                    r["method"] == "workspace/configuration" for r in server.server_requests
                ):
                    await server.pump()
            uri = (tmp_path / "a.py").as_uri()
            server.notify("textDocument/didOpen", opened(uri, "x = 1\n"))
            sim.script(Turn(reasoning="r", content="never", ttft=30))
            line = {"start": ORIGIN, "end": {"line": 1, "character": 0}}
            command = {"command": "kimi.explain", "arguments": [{"uri": uri, "range": line}]}
            explain = server.send_request("workspace/executeCommand", command)
            async with asyncio.timeout(20):  # the command is running once its progress began
                while not any(is_begin(n) for n in server.notifications):
                    await server.pump()
            asked = len(server.server_requests)
            shutdown = server.send_request("shutdown", None)  # cancels the explain, then answers
            server.notify(
                "workspace/didChangeConfiguration", {"settings": {"kimi": {"maxTokens": 99}}}
            )
            server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            answers = await server.answers_to([explain, shutdown], timeout=20)
            assert answers[0]["error"]["code"] == -32800  # RequestCancelled
            assert answers[1].get("result", "missing") is None, answers[1]
            server.notify("exit", None)
            assert await exit_code(server) == 0
            assert [r["method"] for r in server.server_requests[asked:]] == []
        finally:
            await server.kill()
    assert_clean_log(log)
