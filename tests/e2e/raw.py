"""The real server on pipes, spoken to in raw JSON-RPC, for tests that send what a typed
client would refuse to (malformed params, hostile notifications).

`RawServer` answers the server's own requests as a client would, without ever applying an
edit, and keeps every response it reads by id, so a test can check that each request got
exactly one answer.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Self

MsgId = int | str


class RawServer:
    """The server on pipes, spoken to in raw JSON-RPC."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.next_id = 0
        self.answers: dict[MsgId, list[dict[str, Any]]] = {}
        """Every response read, by request id."""
        self.server_requests: list[dict[str, Any]] = []
        """Requests the server sent (each answered by `reply`)."""
        self.notifications: list[dict[str, Any]] = []

    @classmethod
    async def start(cls, env: dict[str, str], *args: str, stderr: bool = False) -> Self:
        """`python -m kimi_lsp *args` with stdin and stdout on pipes; stderr on a pipe too
        when asked (else discarded)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kimi_lsp", *args, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE if stderr else asyncio.subprocess.DEVNULL, env=env,
        )  # fmt: skip
        return cls(process)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def send_request(self, method: str, params: Any) -> int:
        """Send a request without waiting; returns its id."""
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    async def read(self) -> dict[str, Any]:
        """The next message; EOFError when the server closed its output."""
        assert self.process.stdout is not None
        length = 0
        while (line := await self.process.stdout.readline()).strip():
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if not length:
            raise EOFError("the server closed its output")
        return json.loads(await self.process.stdout.readexactly(length))  # type: ignore[no-any-return]

    async def pump(self) -> dict[str, Any]:
        """Read one message: answer it if it is a request, file it otherwise."""
        message = await self.read()
        if "method" in message and "id" in message:
            self.server_requests.append(message)
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": reply(message)})
        elif "method" in message:
            self.notifications.append(message)
        else:
            self.answers.setdefault(message.get("id"), []).append(message)
        return message

    async def answers_to(self, ids: list[int], timeout: float = 20) -> list[dict[str, Any]]:
        """The first answer to each of `ids`, reading until all have one."""
        async with asyncio.timeout(timeout):
            while any(i not in self.answers for i in ids):
                await self.pump()
        return [self.answers[i][0] for i in ids]

    async def request(self, method: str, params: Any, timeout: float = 20) -> dict[str, Any]:
        """Send a request and read until its answer arrives."""
        (answer,) = await self.answers_to([self.send_request(method, params)], timeout)
        return answer

    async def stop(self, timeout: float = 20) -> int:
        """shutdown, exit, read the output to its end; the exit code."""
        shutdown = await self.request("shutdown", None, timeout)
        assert shutdown.get("result", "missing") is None, shutdown
        self.notify("exit", None)
        async with asyncio.timeout(timeout):
            try:
                while True:
                    await self.pump()
            except (EOFError, asyncio.IncompleteReadError):
                pass
            return await self.process.wait()

    async def kill(self) -> None:
        if self.alive:
            self.process.kill()
        await self.process.wait()


def reply(request: dict[str, Any]) -> Any:
    """What a client that shows nothing and applies no edit answers the server."""
    params = request.get("params")
    if request["method"] == "workspace/applyEdit":
        return {"applied": False, "failureReason": "this test client applies no edits"}
    if request["method"] == "workspace/configuration" and isinstance(params, dict):
        return [None for _ in params.get("items") or []]
    return None  # showMessageRequest dismissed; progress create, (un)registerCapability


def assert_clean_log(log: Path) -> None:
    """The server logged no traceback and no internal error."""
    text = log.read_text(encoding="utf-8", errors="replace")
    bad = [
        line
        for line in text.splitlines()
        if "Traceback" in line or "internal error" in line or " CRITICAL " in line
    ]
    assert not bad, "\n".join(bad[:20])
