"""The API key never appears in anything the server writes: responses, messages, the
editor's log, or the log file at debug level, even when the API echoes it back."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Simulator, Turn

from .conftest import LOG_FILE, SIM_KEY, _server_env, open_doc, session_of
from .raw import RawServer

SOURCE = "def f(x):\n    return x + 1\n"
RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}


async def explain(client: LanguageClient, uri: str) -> object:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.explain", arguments=[{"uri": uri, "range": RANGE}])
    )


async def test_echoed_key_is_redacted_everywhere(client: LanguageClient) -> None:
    session = session_of(client)
    echo = f"Incorrect API key provided: {SIM_KEY}. Authorization: Bearer {SIM_KEY}"
    session.sim.script(
        Turn(status=500, error_message=echo),
        Turn(status=401, error_message=echo),
    )
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException) as caught:
        await explain(client, uri)
    assert "Incorrect API key provided" in str(caught.value)  # the API's words are shown
    assert SIM_KEY not in str(caught.value)
    assert SIM_KEY not in repr(caught.value.data)
    shown = [m.message for m in client.log_messages + client.messages]
    assert any("retry" in m for m in shown)
    assert not [m for m in shown if SIM_KEY in m]
    assert not [s for s in session.streams if SIM_KEY in repr(s)]
    log = LOG_FILE.read_text(encoding="utf-8")
    assert "retry 1" in log  # the file really holds this session's debug log
    assert SIM_KEY not in log


LEVELS = ["error", "warning", "info", "debug"]


class RecordingServer(RawServer):
    """A raw server whose every output message and all of stderr are kept for scanning."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        super().__init__(process)
        self.written: list[dict[str, Any]] = []
        self._stderr = asyncio.ensure_future(process.stderr.read()) if process.stderr else None

    async def read(self) -> dict[str, Any]:
        message = await super().read()
        self.written.append(message)
        return message

    async def stderr_text(self) -> str:
        assert self._stderr is not None
        async with asyncio.timeout(20):
            return (await self._stderr).decode("utf-8", "replace")


@pytest.mark.parametrize("to_file", [True, False], ids=["log-file", "stderr"])
@pytest.mark.parametrize("level", LEVELS)
async def test_nothing_the_server_writes_holds_the_key_at_any_level(
    level: str, to_file: bool, tmp_path: Path
) -> None:
    """The key in the environment, in initializationOptions (also as a wrong-typed value
    of another setting) and echoed by the API in errors: the protocol stream, stderr and
    the log file are scanned whole for it and for an Authorization header."""
    echo = f"Incorrect API key provided: {SIM_KEY}. Authorization: Bearer {SIM_KEY}"
    log_file = tmp_path / "server.log"
    args = ["--log-level", level, *(["--log-file", str(log_file)] if to_file else [])]
    env = {**_server_env(), "KIMI_LSP_API_KEY": SIM_KEY, "HOME": str(tmp_path)}
    async with Simulator(api_key=SIM_KEY) as sim:
        sim.script(
            Turn(status=500, error_message=echo),
            Turn(status=401, error_message=echo),
            Turn(reasoning=f"the key is {SIM_KEY}", content="It adds one."),
        )
        server = await RecordingServer.start(env, *args, stderr=True)
        try:
            options = {
                "kimi": {
                    "provider": "simulator",
                    "baseUrl": sim.base_url,
                    "apiKey": SIM_KEY,
                    "maxTokens": SIM_KEY,  # pasted into the wrong setting
                    "completion": {"apiKey": SIM_KEY},
                    "retry": {"maxRetries": 1, "baseDelaySeconds": 0.01},
                }
            }
            init = await server.request(
                "initialize",
                {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {},
                 "initializationOptions": options},
            )  # fmt: skip
            assert "result" in init
            server.notify("initialized", {})
            uri = (tmp_path / "a.py").as_uri()
            document = {"uri": uri, "languageId": "python", "version": 1, "text": SOURCE}
            server.notify("textDocument/didOpen", {"textDocument": document})
            command = {"command": "kimi.explain", "arguments": [{"uri": uri, "range": RANGE}]}
            failed = await server.request("workspace/executeCommand", command)
            assert "error" in failed
            assert "Incorrect API key provided" in failed["error"]["message"]
            explained = await server.request("workspace/executeCommand", command)
            assert explained["result"]["markdown"] == "It adds one."
            assert await server.stop() == 0
        finally:
            await server.kill()
        assert [r.status for r in sim.requests] == [500, 401, 200]
        assert all(r.headers.get("authorization") == f"Bearer {SIM_KEY}" for r in sim.requests)
    written = {
        "protocol": json.dumps(server.written),
        "stderr": await server.stderr_text(),
        "log file": log_file.read_text(encoding="utf-8") if to_file else "",
    }
    shown = [m["params"]["message"] for m in server.notifications if "message" in m["params"]]
    assert any("kimi.maxTokens" in m for m in shown)  # the bad setting was reported ...
    # info lines: in the log file, or (stderr keeps warnings once the editor gets
    # window/logMessage) in the protocol
    log = written["log file" if to_file else "protocol"]
    if level in ("info", "debug"):
        assert "initialized" in log  # ... and the log really holds this session
    for where, text in written.items():
        at = text.find(SIM_KEY)
        assert at == -1, f"the key appears in {where}: {text[max(0, at - 300) : at + 30]}"
        assert f"Bearer {SIM_KEY[:6]}" not in text, f"an Authorization header appears in {where}"


URL_PASSWORD = "urlPassw0rdQ7v9XmZp4"


async def start_raw(
    env: dict[str, str], tmp_path: Path, options: dict[str, Any]
) -> RecordingServer:
    log_file = tmp_path / "server.log"
    server = await RecordingServer.start(
        env, "--log-level", "debug", "--log-file", str(log_file), stderr=True
    )
    init = await server.request(
        "initialize",
        {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {},
         "initializationOptions": {"kimi": options}},
    )  # fmt: skip
    assert "result" in init
    server.notify("initialized", {})
    return server


async def test_credentials_in_the_base_url_never_reach_any_output(tmp_path: Path) -> None:
    """`kimi.baseUrl` with a user and password: every error, `window/logMessage`, stderr
    and the log file show the host, never the password."""
    env = {**_server_env(), "HOME": str(tmp_path)}
    async with Simulator(api_key=SIM_KEY) as sim:
        url = sim.base_url.replace("http://", f"http://alice:{URL_PASSWORD}@")
        server = await start_raw(env, tmp_path, {
            "baseUrl": url, "apiKey": SIM_KEY, "provider": "empiriolabs",
        })  # fmt: skip
        try:
            uri = (tmp_path / "a.py").as_uri()
            document = {"uri": uri, "languageId": "python", "version": 1, "text": SOURCE}
            server.notify("textDocument/didOpen", {"textDocument": document})
            command = {"command": "kimi.explain", "arguments": [{"uri": uri, "range": RANGE}]}
            failed = await server.request("workspace/executeCommand", command)
            assert "error" in failed
            assert "127.0.0.1" in failed["error"]["message"]
            assert await server.stop() == 0
        finally:
            await server.kill()
        # httpx sends a URL's user and password as Basic auth, which the simulator refuses
        assert [r.status for r in sim.requests] == [401]
    written = {
        "protocol": json.dumps(server.written),
        "stderr": await server.stderr_text(),
        "log file": (tmp_path / "server.log").read_text(encoding="utf-8"),
    }
    shown = [m["params"]["message"] for m in server.notifications if "message" in m["params"]]
    assert any("kimi.baseUrl" in m and "127.0.0.1" in m for m in shown)  # the mismatch warning
    assert "POST http://***@127.0.0.1" in written["log file"]  # the URL, shown redacted
    for where, text in written.items():
        at = text.find(URL_PASSWORD)
        assert at == -1, f"the URL password appears in {where}: {text[max(0, at - 200) : at + 30]}"


async def test_a_provider_key_never_reaches_a_foreign_ghost_text_host(tmp_path: Path) -> None:
    """EMPIRIOLABS_API_KEY is set and ghost text goes to another host: that host is never
    sent the key, and the user is told which setting to fill in."""
    provider_key = "empirioLabsKey5Tz8Qw2Lm7"
    env = {**_server_env(), "HOME": str(tmp_path), "EMPIRIOLABS_API_KEY": provider_key}
    async with Simulator(api_key=provider_key) as sim:
        server = await start_raw(env, tmp_path, {
            "completion": {"baseUrl": sim.base_url, "model": "kimi-k2-7-code", "debounceMs": 0},
        })  # fmt: skip
        try:
            uri = (tmp_path / "a.py").as_uri()
            text = "def add(a, b):\n    return "
            document = {"uri": uri, "languageId": "python", "version": 1, "text": text}
            server.notify("textDocument/didOpen", {"textDocument": document})
            answer = await server.request("textDocument/inlineCompletion", {
                "textDocument": {"uri": uri}, "position": {"line": 1, "character": 11},
                "context": {"triggerKind": 1},
            })  # fmt: skip
            assert await server.stop() == 0
        finally:
            await server.kill()
        assert sim.requests == []  # nothing was sent to the foreign host
    told = json.dumps(answer) + json.dumps(server.notifications)
    assert "kimi.completion.apiKey" in told
    assert provider_key not in json.dumps(server.written)
