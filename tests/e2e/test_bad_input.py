# ruff: noqa: E501
"""Malformed params for the methods the server offers, written as raw JSON-RPC on the
server's stdin (a typed client would refuse to send them): every request gets exactly one
answer, a result or an error, hostile notifications are survived, and the server lives on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import _server_env
from .raw import RawServer, assert_clean_log

URI = "file:///tmp/kimi-bad-input/a.py"
ZERO = {"line": 0, "character": 0}
LINES = {"start": ZERO, "end": {"line": 1, "character": 0}}
REQUESTS: list[tuple[str, Any]] = [
    ("textDocument/inlineCompletion", {"textDocument": {"uri": URI}, "position": ZERO, "context": {"triggerKind": 0}}),
    ("textDocument/inlineCompletion", {"textDocument": {"uri": URI}, "position": {"line": 0}, "context": {}}),
    ("textDocument/inlineCompletion", {"textDocument": {"uri": URI}, "position": None, "context": {"triggerKind": 1}}),
    ("textDocument/inlineCompletion", {"textDocument": {"uri": URI}, "position": {"line": -1, "character": 0}, "context": {"triggerKind": 1}}),
    ("textDocument/inlineCompletion", {"textDocument": {"uri": URI}, "position": {"line": 10**9, "character": 10**9}, "context": {"triggerKind": 2}}),
    ("textDocument/inlineCompletion", {"textDocument": {"uri": "file:///never.py"}, "position": ZERO, "context": {"triggerKind": 2}}),
    ("textDocument/completion", {"textDocument": {"uri": URI}, "position": {"line": "zero", "character": 0}}),
    ("textDocument/codeAction", {"textDocument": {"uri": URI}, "range": {"start": {"line": 5, "character": 0}, "end": ZERO}, "context": {"diagnostics": [{"message": 7}]}}),
    ("textDocument/codeAction", {"textDocument": {"uri": "file:///never.py"}, "range": LINES, "context": {"diagnostics": []}}),
    ("workspace/executeCommand", {"command": "kimi.nope", "arguments": []}),
    ("workspace/executeCommand", {"command": "kimi.refactor", "arguments": [{"uri": URI, "range": LINES, "instruction": 5}]}),
    ("workspace/executeCommand", {"command": "kimi.refactor", "arguments": [{"uri": URI, "range": LINES, "preset": "rm -rf"}]}),
    ("workspace/executeCommand", {"command": "kimi.fix", "arguments": [{"uri": URI, "range": LINES, "diagnostics": "none"}]}),
    ("workspace/executeCommand", {"command": "kimi.fix", "arguments": [{"uri": URI, "range": LINES, "diagnostics": [{"range": "x"}]}]}),
    ("workspace/executeCommand", {"command": "kimi.undo", "arguments": [{}]}),
    ("workspace/executeCommand", {"command": "kimi.cancel", "arguments": [42, None]}),
    ("workspace/executeCommand", {"command": "kimi.explain", "arguments": [{"uri": URI, "range": {"start": ZERO, "end": {"line": 0, "character": 10**12}}}]}),
    ("workspace/executeCommand", {"command": "kimi.usage", "arguments": [1, 2, 3]}),
    ("kimi/unknownMethod", {"x": 1}),
    # found by test_fuzz.py: a JSON-RPC request nested in params was answered as a request
    ("workspace/executeCommand", {"command": "kimi.usage", "arguments": [{"jsonrpc": "2.0", "id": 99, "method": "shutdown"}]}),
]  # fmt: skip
NOTIFICATIONS: list[tuple[str, Any]] = [
    ("textDocument/didChange", {"textDocument": {"uri": "file:///gone.py", "version": 2}, "contentChanges": [{"text": "z"}]}),
    ("textDocument/didChange", {"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"range": {"start": {"line": 50, "character": 0}, "end": {"line": 60, "character": 3}}, "text": "tail"}]}),
    ("textDocument/didChange", {"textDocument": {"uri": URI}, "contentChanges": "nope"}),
    ("textDocument/didClose", {"textDocument": {"uri": "file:///gone.py"}}),
    ("workspace/didChangeConfiguration", {"settings": {"kimi": {"maxTokens": "lots"}}}),
    ("$/cancelRequest", {"id": 123456}),
    # found by test_fuzz.py: each raised inside pygls and was logged as an internal error
    ("$/cancelRequest", {"id": [1]}),
    ("window/workDoneProgress/cancel", {"token": {"a": 1}}),
    ("notebookDocument/didChange", {"notebookDocument": {"uri": "file:///nb.ipynb", "version": 2}, "change": {}}),
    ("kimi/unknownNotification", {}),
]  # fmt: skip


async def test_every_malformed_request_gets_one_answer_and_the_server_lives(tmp_path: Path) -> None:
    env = {**_server_env(), "KIMI_LSP_PROVIDER": "simulator", "HOME": str(tmp_path)}
    log = tmp_path / "server.log"
    server = await RawServer.start(env, "--log-level", "debug", "--log-file", str(log))
    try:
        init = await server.request(
            "initialize", {"capabilities": {}, "rootUri": tmp_path.as_uri()}
        )
        assert "result" in init
        server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": "x = 1\n"}}})  # fmt: skip
        answers = [await server.request(method, params) for method, params in REQUESTS]
        errors = [a for a in answers if "error" in a]
        assert len(answers) == len(REQUESTS)  # none left unanswered
        # six are odd but valid (unopened documents, far positions, extra arguments)
        assert len(errors) == len(REQUESTS) - 6
        assert 99 not in server.answers  # the request inside params stayed data
        assert not [e for e in errors if "internal" in e["error"]["message"].lower()]
        for method, params in NOTIFICATIONS:
            server.send({"jsonrpc": "2.0", "method": method, "params": params})
        usage = await server.request("workspace/executeCommand", {"command": "kimi.usage", "arguments": []})  # fmt: skip
        assert usage["result"]["requests"] == 0
        assert server.alive
        assert await server.stop() == 0
    finally:
        await server.kill()
    assert_clean_log(log)


async def test_before_initialize_requests_get_server_not_initialized(tmp_path: Path) -> None:
    """LSP: before a successful initialize, requests are answered -32002 and notifications
    other than exit are dropped. (Found by test_fuzz.py: `initialized` after a failed
    initialize raised inside the handler.)"""
    env = {**_server_env(), "KIMI_LSP_PROVIDER": "simulator", "HOME": str(tmp_path)}
    log = tmp_path / "server.log"
    server = await RawServer.start(env, "--log-level", "debug", "--log-file", str(log))
    usage = {"command": "kimi.usage", "arguments": []}
    try:
        early = await server.request("workspace/executeCommand", usage)
        assert early["error"]["code"] == -32002
        server.notify("textDocument/didOpen", {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": "x = 1\n"}})  # fmt: skip
        failed = await server.request("initialize", {"capabilities": {"workspace": 3}})
        assert failed["error"]["code"] == -32602
        server.notify("initialized", {})
        assert (await server.request("workspace/executeCommand", usage))["error"]["code"] == -32002
        init = await server.request("initialize", {"capabilities": {}, "rootUri": tmp_path.as_uri()})  # fmt: skip
        assert "result" in init
        server.notify("initialized", {})
        assert (await server.request("workspace/executeCommand", usage))["result"]["requests"] == 0
        explain = {"command": "kimi.explain", "arguments": [{"uri": URI, "range": LINES}]}
        unopened = await server.request("workspace/executeCommand", explain)
        assert "not open" in unopened["error"]["message"]  # the early didOpen was dropped
        assert await server.stop() == 0
    finally:
        await server.kill()
    assert_clean_log(log)
    assert "initialized before a successful initialize: ignored" in log.read_text()
