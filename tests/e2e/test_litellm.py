"""kimi-lsp behind a real LiteLLM proxy, as a team runs it (docs/teams.md).

The proxy (PyPI `litellm[proxy]`, in its own venv `.venv-litellm`, installed by
`make litellm`) runs on 127.0.0.1 with the configuration docs/teams.md gives, and forwards
to a standalone simulator. Through it: an explain with a tool loop whose reasoning is
replayed, a streamed rewrite, ghost text, a 429 whose Retry-After LiteLLM forwards as
`llm_provider-retry-after`, and a key the proxy does not know.

Without `.venv-litellm` the tests are skipped, except under CI=true, where that is a
failure: CI installs the proxy itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import CONFIG, LOG_FILE, capabilities
from .editor import Editor

REPO = Path(__file__).resolve().parents[2]
LITELLM = REPO / ".venv-litellm" / "bin" / "litellm"
MASTER_KEY = "sk-team-masterQ7v9XmZp4Lw8"
"""The proxy's master key: what a user's editor sends in this test."""
UPSTREAM_KEY = "upstreamKey5Tz8Qw2Lm7Rk3"
"""The provider key only the proxy holds."""
MODEL = "kimi-k2-7-code"

CONFIG_YAML = """\
model_list:
  - model_name: {model}
    litellm_params:
      model: openai/{model}
      api_base: {upstream}
      api_key: os.environ/KIMI_UPSTREAM_KEY
litellm_settings:
  num_retries: 0
  request_timeout: 600
router_settings:
  num_retries: 0
  disable_cooldowns: true
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not start within 120 s:\n{log.read_text()[-3000:]}")


@dataclass
class Proxy:
    url: str
    upstream: str

    def reset(self) -> None:
        httpx.post(f"{self.upstream}/_simulator/reset", timeout=10).raise_for_status()

    def script(self, *turns: dict[str, Any]) -> None:
        answer = httpx.post(f"{self.upstream}/_simulator/script", json=list(turns), timeout=10)
        assert answer.status_code == 200, answer.text

    def requests(self) -> list[dict[str, Any]]:
        answer = httpx.get(f"{self.upstream}/_simulator/requests", timeout=10)
        return [r for r in answer.json() if r["path"].endswith("/chat/completions")]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    if not LITELLM.exists():
        reason = f"the LiteLLM proxy is not installed ({LITELLM}); run `make litellm`"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must run it")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("litellm")
    sim_port, proxy_port = _free_port(), _free_port()
    upstream = f"http://127.0.0.1:{sim_port}"
    (folder / "config.yaml").write_text(CONFIG_YAML.format(model=MODEL, upstream=upstream + "/v1"))
    env = {
        **os.environ,
        "KIMI_UPSTREAM_KEY": UPSTREAM_KEY,
        "LITELLM_MASTER_KEY": MASTER_KEY,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no download of the price list
        "LITELLM_TELEMETRY": "False",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    env.pop("DATABASE_URL", None)
    logs = [folder / "simulator.log", folder / "litellm.log"]
    commands = [
        [sys.executable, "-m", "kimi_lsp", "simulator", "--port", str(sim_port),
         "--api-key", UPSTREAM_KEY],
        [str(LITELLM), "--config", str(folder / "config.yaml"), "--host", "127.0.0.1",
         "--port", str(proxy_port), "--num_workers", "1"],
    ]  # fmt: skip
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for command, log in zip(commands, logs, strict=True):
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
                )
        _wait_for(f"{upstream}/_simulator/requests", processes[0], "the simulator", logs[0])
        proxy_url = f"http://127.0.0.1:{proxy_port}"
        _wait_for(f"{proxy_url}/health/liveliness", processes[1], "LiteLLM", logs[1])
        yield Proxy(url=proxy_url + "/v1", upstream=upstream)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class Team:
    proxy: Proxy
    editor: Editor
    workspace: Path
    messages: list[str] = field(default_factory=list)


@pytest_lsp.fixture(config=CONFIG)
async def client(
    lsp_client: LanguageClient, proxy: Proxy, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[LanguageClient]:
    proxy.reset()
    marker = request.node.get_closest_marker("kimi_settings")
    editor = Editor(lsp_client, "vscode", "utf-16")
    team = Team(proxy=proxy, editor=editor, workspace=tmp_path)

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    async def on_apply_edit(
        params: types.ApplyWorkspaceEditParams,
    ) -> types.ApplyWorkspaceEditResult:
        return await editor.handle_apply_edit(params)

    @lsp_client.feature("kimi/stream")
    def on_stream(params: Any) -> None:
        pass

    @lsp_client.feature("kimi/proposal")
    def on_proposal(params: Any) -> None:
        pass

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def on_code_lens_refresh(params: None) -> None:
        pass

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        pass

    lsp_client.team = team  # type: ignore[attr-defined]
    options = {
        "provider": "openai-compatible",
        "baseUrl": proxy.url,
        "model": MODEL,
        "apiKey": MASTER_KEY,
        "retry": {"maxRetries": 2, "baseDelaySeconds": 0.01, "maxDelaySeconds": 0.05},
        "completion": {"debounceMs": 0},
        **(marker.args[0] if marker else {}),
    }
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities("vscode"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            initialization_options={"kimi": options},
        )
    )
    yield lsp_client
    editor.forever.set()
    await lsp_client.shutdown_session()


def team_of(client: LanguageClient) -> Team:
    return client.team  # type: ignore[attr-defined, no-any-return]


def open_file(client: LanguageClient, name: str, text: str) -> str:
    team = team_of(client)
    path = team.workspace / name
    path.write_text(text, encoding="utf-8")
    team.editor.open(path.as_uri(), text)
    return path.as_uri()


def whole(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    return {"start": {"line": 0, "character": 0},
            "end": {"line": len(lines) - 1, "character": len(lines[-1])}}  # fmt: skip


async def command(client: LanguageClient, name: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(arguments))
    )


SOURCE = "from helpers import scale\n\n\ndef area(r):\n    return scale(r) * 3.14159\n"


async def test_explain_with_a_tool_loop_replays_the_reasoning(client: LanguageClient) -> None:
    team = team_of(client)
    (team.workspace / "helpers.py").write_text("def scale(x):\n    return x * x\n")
    thought = "I should read helpers.py to see what scale does."
    team.proxy.script(
        {"reasoning": thought,
         "tool_calls": [{"name": "read_file", "arguments": '{"path": "helpers.py"}'}]},
        {"reasoning": "scale squares its argument.",
         "content": "It computes the area of a circle of radius r."},
    )  # fmt: skip
    uri = open_file(client, "shapes.py", SOURCE)
    result = await command(client, "kimi.explain", {"uri": uri, "range": whole(SOURCE)})
    assert result["markdown"] == "It computes the area of a circle of radius r."
    first, second = team.proxy.requests()
    assert first["status"] == 200
    assert second["status"] == 200
    assert first["headers"]["authorization"] == f"Bearer {UPSTREAM_KEY}"
    replayed = [m for m in second["body"]["messages"] if m["role"] == "assistant"]
    assert replayed[0]["reasoning_content"] == thought
    assert replayed[0]["tool_calls"][0]["function"]["name"] == "read_file"
    tool = [m for m in second["body"]["messages"] if m["role"] == "tool"]
    assert "return x * x" in tool[0]["content"]


NEW = "def area(radius: float) -> float:\n    return scale(radius) * 3.14159\n"


async def test_a_rewrite_streams_through_the_proxy(client: LanguageClient) -> None:
    team = team_of(client)
    old = "def area(r):\n    return scale(r) * 3.14159\n"
    team.proxy.script(
        {
            "reasoning": "Add types.",
            "content": f"```python\n{NEW}```",
            "chunk_chars": 10,
            "chunk_delay": 0.05,
        }
    )
    uri = open_file(client, "shapes.py", SOURCE)
    start = SOURCE.index(old)
    rng = {"start": {"line": 3, "character": 0}, "end": {"line": 5, "character": 0}}
    assert SOURCE[start:] == old
    result = await command(
        client, "kimi.refactor", {"uri": uri, "range": rng, "instruction": "add types"}
    )
    assert result["status"] == "proposed"  # streamed above the original, waiting for review
    assert team.editor.text(uri) == SOURCE.replace(old, NEW + old)
    assert len(team.editor.edits) >= 2  # streamed, not one edit at the end
    accepted = await command(client, "kimi.accept", {"proposalId": result["proposalId"]})
    assert accepted["status"] == "applied"
    assert team.editor.text(uri) == SOURCE.replace(old, NEW)


BODY = "def add(a, b):\n    \n\nprint(add(1, 2))\n"
CURSOR = BODY.index("    \n") + 4


def inline_at(uri: str, offset: int, kind: types.InlineCompletionTriggerKind) -> Any:
    line = BODY[:offset].count("\n")
    character = offset - (BODY[:offset].rfind("\n") + 1)
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character),
        context=types.InlineCompletionContext(trigger_kind=kind),
    )


async def test_ghost_text_through_the_proxy(client: LanguageClient) -> None:
    team = team_of(client)
    team.proxy.script({"reasoning": "Sum.", "content": "<completion>return a + b</completion>"})
    uri = open_file(client, "add.py", BODY)
    result = await client.text_document_inline_completion_async(
        inline_at(uri, CURSOR, types.InlineCompletionTriggerKind.Automatic)
    )
    assert result is not None
    assert result.items[0].insert_text == "return a + b"
    [sent] = team.proxy.requests()
    assert sent["body"]["max_tokens"] == 2048


async def test_a_429_reaches_ghost_text_with_its_retry_after_and_pauses_it(
    client: LanguageClient,
) -> None:
    team = team_of(client)
    team.proxy.script(
        {"status": 429, "headers": {"Retry-After": "20"}},
        {"reasoning": "r", "content": "<completion>return a + b</completion>"},
    )
    uri = open_file(client, "add.py", BODY)
    automatic = inline_at(uri, CURSOR, types.InlineCompletionTriggerKind.Automatic)
    assert await client.text_document_inline_completion_async(automatic) is None
    assert await client.text_document_inline_completion_async(automatic) is None
    assert [r["status"] for r in team.proxy.requests()] == [429]  # no retries by the proxy
    told = [m.message for m in client.messages if "ghost text" in m.message]
    assert told
    assert "Paused for 20 s." in told[0]
    status = await command(client, "kimi.status")
    assert 10 < status["ghostTextPausedSeconds"] <= 20


async def test_a_429_with_retry_after_is_waited_for_then_retried(client: LanguageClient) -> None:
    team = team_of(client)
    team.proxy.script(
        {"status": 429, "headers": {"Retry-After": "1"}, "error_message": "slow down, team"},
        {"reasoning": "r", "content": "It computes an area."},
    )
    uri = open_file(client, "shapes.py", SOURCE)
    result = await command(client, "kimi.explain", {"uri": uri, "range": whole(SOURCE)})
    assert result["markdown"] == "It computes an area."
    assert [r["status"] for r in team.proxy.requests()] == [429, 200]
    log = LOG_FILE.read_text(encoding="utf-8")
    waited = [line for line in log.splitlines() if "slow down, team" in line]
    assert waited
    assert "retry 1 in 1.00s" in waited[-1]  # the provider's Retry-After, as LiteLLM forwards it
    assert "The LiteLLM proxy at" in waited[-1]
    assert "litellm.RateLimitError" not in waited[-1]


@pytest.mark.kimi_settings({"apiKey": "sk-not-a-team-key-123"})
async def test_a_key_the_proxy_does_not_know_is_named_as_the_problem(
    client: LanguageClient,
) -> None:
    team = team_of(client)
    uri = open_file(client, "shapes.py", SOURCE)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - a JSON-RPC error of any class
        await command(client, "kimi.explain", {"uri": uri, "range": whole(SOURCE)})
    message = str(caught.value)
    assert f"The API key was refused by the LiteLLM proxy at {team.proxy.url}" in message
    assert "kimi.apiKey" in message
    assert "No connected db." in message
    assert "sk-not-a-team-key-123" not in message
    assert team.proxy.requests() == []
