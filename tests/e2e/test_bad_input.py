# ruff: noqa: E501
"""Malformed params for the methods the server offers, written as raw JSON-RPC on the
server's stdin (a typed client would refuse to send them): every request gets exactly one
answer, a result or an error, hostile notifications are survived, and the server lives on.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from .conftest import _server_env

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
]  # fmt: skip
NOTIFICATIONS: list[tuple[str, Any]] = [
    ("textDocument/didChange", {"textDocument": {"uri": "file:///gone.py", "version": 2}, "contentChanges": [{"text": "z"}]}),
    ("textDocument/didChange", {"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"range": {"start": {"line": 50, "character": 0}, "end": {"line": 60, "character": 3}}, "text": "tail"}]}),
    ("textDocument/didChange", {"textDocument": {"uri": URI}, "contentChanges": "nope"}),
    ("textDocument/didClose", {"textDocument": {"uri": "file:///gone.py"}}),
    ("workspace/didChangeConfiguration", {"settings": {"kimi": {"maxTokens": "lots"}}}),
    ("$/cancelRequest", {"id": 123456}),
]  # fmt: skip


class RawServer:
    """The server on pipes, spoken to in raw JSON-RPC."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        length = 0
        while (line := await self.process.stdout.readline()).strip():
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(await self.process.stdout.readexactly(length))  # type: ignore[no-any-return]

    async def request(self, method: str, params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        async with asyncio.timeout(20):
            while True:
                message = await self.read()
                if message.get("id") == self.next_id and "method" not in message:
                    return message
                if "method" in message and "id" in message:  # a request from the server
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})


async def test_every_malformed_request_gets_one_answer_and_the_server_lives(tmp_path: Path) -> None:
    env = {**_server_env(), "KIMI_LSP_PROVIDER": "simulator", "HOME": str(tmp_path)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kimi_lsp", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env,
    )  # fmt: skip
    server = RawServer(process)
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
        # five are odd but valid (unopened documents, far positions, extra arguments)
        assert len(errors) == len(REQUESTS) - 5
        assert not [e for e in errors if "internal" in e["error"]["message"].lower()]
        for method, params in NOTIFICATIONS:
            server.send({"jsonrpc": "2.0", "method": method, "params": params})
        usage = await server.request("workspace/executeCommand", {"command": "kimi.usage", "arguments": []})  # fmt: skip
        assert usage["result"]["requests"] == 0
        assert process.returncode is None
    finally:
        process.kill()
        await process.wait()
