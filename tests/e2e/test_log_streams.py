"""Where the real server's log goes (issue 16): editors file a server's stderr as errors
(Neovim's lsp.log marks each line `[ERROR]`), so once the editor receives
`window/logMessage`, stderr carries warnings and errors only; `--log-file` still gets
every record at the chosen level; the editor gets each record as one line."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from kimi_lsp.simulator import Simulator, Turn

from .conftest import SIM_KEY, _server_env
from .raw import RawServer

SOURCE = "def f(x):\n    return x + 1\n"
RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
LEVEL = re.compile(r"^\S+ \S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) ", re.M)


class StderrServer(RawServer):
    """A raw server whose stderr is read whole."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        super().__init__(process)
        self._stderr = asyncio.ensure_future(process.stderr.read()) if process.stderr else None

    async def stderr_text(self) -> str:
        assert self._stderr is not None
        async with asyncio.timeout(20):
            return (await self._stderr).decode("utf-8", "replace")

    def log_messages(self) -> list[str]:
        return [
            m["params"]["message"] for m in self.notifications if m["method"] == "window/logMessage"
        ]


async def run_session(tmp_path: Path, *args: str) -> tuple[StderrServer, str]:
    """Initialize as Neovim, make a warning, retries (info) and requests (debug), stop."""
    async with Simulator(api_key=SIM_KEY) as sim:
        sim.script(Turn(status=500), Turn(content="It adds one."))
        server = await StderrServer.start(
            {**_server_env(), "HOME": str(tmp_path)}, *args, stderr=True
        )
        try:
            options: dict[str, Any] = {
                "kimi": {
                    "provider": "simulator",
                    "baseUrl": sim.base_url,
                    "apiKey": SIM_KEY,
                    "retry": {"maxRetries": 1, "baseDelaySeconds": 0.01},
                }
            }
            init = await server.request(
                "initialize",
                {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {},
                 "clientInfo": {"name": "Neovim", "version": "0.11.4"},
                 "initializationOptions": options},
            )  # fmt: skip
            assert "result" in init
            server.notify("initialized", {})
            uri = (tmp_path / "a.py").as_uri()
            server.notify(  # a change to a document that is not open: a warning
                "textDocument/didChange",
                {"textDocument": {"uri": uri + "x", "version": 2}, "contentChanges": []},
            )
            document = {"uri": uri, "languageId": "python", "version": 1, "text": SOURCE}
            server.notify("textDocument/didOpen", {"textDocument": document})
            command = {"command": "kimi.explain", "arguments": [{"uri": uri, "range": RANGE}]}
            explained = await server.request("workspace/executeCommand", command)
            assert explained["result"]["markdown"] == "It adds one."
            assert await server.stop() == 0
        finally:
            await server.kill()
    return server, await server.stderr_text()


@pytest.mark.parametrize("level", ["info", "debug"])
async def test_stderr_keeps_warnings_once_the_editor_gets_the_log(
    tmp_path: Path, level: str
) -> None:
    server, stderr = await run_session(tmp_path, "--log-level", level)
    assert set(LEVEL.findall(stderr)) == {"WARNING"}, stderr
    assert "which is not open: ignored" in stderr
    shown = server.log_messages()
    assert any("kimi-lsp initialized for Neovim" in m for m in shown)
    assert any("retry 1" in m for m in shown)
    assert any("which is not open" in m for m in shown)
    assert all("\n" not in m for m in shown)


async def test_a_log_file_keeps_every_record_at_its_level(tmp_path: Path) -> None:
    log_file = tmp_path / "server.log"
    args = ("--log-level", "debug", "--log-file", str(log_file))
    server, stderr = await run_session(tmp_path, *args)
    assert LEVEL.findall(stderr) == []
    written = log_file.read_text(encoding="utf-8")
    assert {"DEBUG", "INFO", "WARNING"} <= set(LEVEL.findall(written))
    assert "kimi-lsp initialized for Neovim" in written
    assert SIM_KEY not in written + stderr + json.dumps(server.notifications)
