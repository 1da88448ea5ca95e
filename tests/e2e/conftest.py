"""End-to-end fixtures: the real server as a subprocess (pytest-lsp) and the Kimi simulator
in the test's event loop, talking over real HTTP on 127.0.0.1.

`client` is parametrised over VS Code (UTF-16) and Neovim 0.11 (UTF-8) capabilities.
Mark a test `@pytest.mark.kimi_settings({...})` to add `kimi` initializationOptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import register_lsp_features

from kimi_lsp.simulator import Simulator

from .editor import Editor

SIM_KEY = "kimiE2eKey7Q2v9XmZp4Lw8R"
"""Not shaped like `sk-...`, so only real redaction (not the generic pattern) hides it."""
CLIENTS = {"vscode": "visual-studio-code", "neovim": "neovim@v0.11"}
EDIT_MODES = {"vscode": "vscode", "neovim": "neovim"}
CLIENT_INFO = {
    "vscode": types.ClientInfo(name="Visual Studio Code", version="1.65.2"),
    "neovim": types.ClientInfo(name="Neovim", version="0.11.0"),
}
FAST_RETRIES = {"maxRetries": 3, "baseDelaySeconds": 0.01, "maxDelaySeconds": 0.05}


def _server_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KIMI_LSP_", "EMPIRIOLABS_", "AIGATEWAY_"))
    }
    env["HOME"] = str(Path(__file__).parent / "no-home")  # no user config file
    env.pop("XDG_CONFIG_HOME", None)
    return env


LOG_FILE = Path(tempfile.mkdtemp(prefix="kimi-e2e-")) / "server.log"
"""Every server in the run logs here, at debug level, so tests can scan it for secrets."""


@pytest.fixture(scope="session", autouse=True)
def _no_forgotten_task_errors() -> Any:
    """After the run, no server logged an asyncio task whose exception nobody read (a
    future let go without looking at it) or a failing callback."""
    yield
    text = LOG_FILE.read_text(encoding="utf-8", errors="replace") if LOG_FILE.exists() else ""
    for fault in ("Task exception was never retrieved", "Exception in callback"):
        assert fault not in text, f"{fault} in {LOG_FILE}"


def _fixed_converter() -> Any:
    """pytest-lsp reads a CodeAction that has a `command` as a Command (lsprotocol's guess
    by key); real clients do not. Structure by the type of `command` instead."""
    converter = default_converter()

    def hook(obj: Any, _: Any) -> Any:
        target = types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        return converter.structure(obj, target)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], hook)  # noqa: UP007
    return converter


def _make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=_fixed_converter)
    register_lsp_features(client)
    return client


CONFIG = ClientServerConfig(
    server_command=[
        sys.executable,
        "-m",
        "kimi_lsp",
        "--log-level",
        "debug",
        "--log-file",
        str(LOG_FILE),
    ],
    server_env=_server_env(),
    client_factory=_make_client,
)


@dataclass
class Session:
    """What a test needs besides the client."""

    sim: Simulator
    client_name: str
    streams: list[Any] = field(default_factory=list)
    proposals: list[Any] = field(default_factory=list)
    """Every `kimi/proposal` notification."""
    lens_refreshes: int = 0
    registrations: list[str] = field(default_factory=list)
    editor: Any = None
    message_requests: list[Any] = field(default_factory=list)
    choose: Any = lambda params: params.actions[0] if params.actions else None
    registered: asyncio.Event = field(default_factory=asyncio.Event)
    shut_down: bool = False
    killed: bool = False
    stream_done: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a `kimi/stream` notification with `done: true` arrives."""
    workspace: Path = Path("/tmp")

    @property
    def encoding(self) -> str:
        return "utf-16" if self.client_name == "vscode" else "utf-8"


def capabilities(name: str) -> types.ClientCapabilities:
    """The captured client's capabilities. VS Code gets inline completion, as VS Code with
    vscode-languageclient 10+ has; Neovim 0.11 has none (it arrives in 0.12)."""
    caps = client_capabilities(CLIENTS[name])
    if name == "vscode" and caps.text_document is not None:
        caps.text_document.inline_completion = types.InlineCompletionClientCapabilities()
    return caps


def kimi_options(sim: Simulator, extra: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {
        "provider": "simulator",
        "baseUrl": sim.base_url,
        "apiKey": SIM_KEY,
        "retry": FAST_RETRIES,
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(options.get(key), dict):
            options[key] = {**options[key], **value}
        else:
            options[key] = value
    return options


@pytest_lsp.fixture(config=CONFIG, params=list(CLIENTS))
async def client(
    lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[LanguageClient]:
    marker = request.node.get_closest_marker("kimi_settings")
    extra: dict[str, Any] = marker.args[0] if marker else {}
    async with serving(
        lsp_client,
        tmp_path,
        name=request.param,
        mode=EDIT_MODES[request.param],
        caps=capabilities(request.param),
        info=CLIENT_INFO[request.param],
        extra=extra,
    ):
        yield lsp_client


@contextlib.asynccontextmanager
async def serving(
    lsp_client: LanguageClient,
    tmp_path: Path,
    *,
    name: str,
    mode: str,
    caps: types.ClientCapabilities,
    info: types.ClientInfo,
    extra: dict[str, Any],
) -> AsyncIterator[Session]:
    """A simulator, the client's handlers and an initialized session; shut down after."""
    async with Simulator(api_key=SIM_KEY) as sim:
        session = Session(sim=sim, client_name=name, workspace=tmp_path)

        @lsp_client.feature("kimi/stream")
        def on_stream(params: Any) -> None:
            session.streams.append(params)
            if params.done:
                session.stream_done.set()

        editor = Editor(lsp_client, mode, session.encoding)
        session.editor = editor

        @lsp_client.feature("kimi/proposal")
        def on_proposal(params: Any) -> None:
            session.proposals.append(params)

        @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
        def on_code_lens_refresh(params: None) -> None:
            session.lens_refreshes += 1

        @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
        async def on_apply_edit(
            params: types.ApplyWorkspaceEditParams,
        ) -> types.ApplyWorkspaceEditResult:
            return await editor.handle_apply_edit(params)

        @lsp_client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def on_message_request(
            params: types.ShowMessageRequestParams,
        ) -> types.MessageActionItem | None:
            session.message_requests.append(params)
            return session.choose(params)

        @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: types.RegistrationParams) -> None:
            session.registrations.extend(r.method for r in params.registrations)
            session.registered.set()

        lsp_client.session = session  # type: ignore[attr-defined]
        await lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=caps,
                client_info=info,
                root_uri=tmp_path.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
                initialization_options={"kimi": kimi_options(sim, extra)},
            )
        )
        yield session
        editor.forever.set()  # a client that never answered lets go of its requests
        if session.killed:  # the test killed the server
            if lsp_client._server:
                await lsp_client._server.wait()
        elif session.shut_down:  # the test sent `shutdown` itself
            lsp_client.exit(None)
            if lsp_client._server:
                await lsp_client._server.wait()
        else:
            await lsp_client.shutdown_session()


def session_of(client: LanguageClient) -> Session:
    """The test session attached to the client by the fixture."""
    return client.session  # type: ignore[attr-defined, no-any-return]


def open_doc(client: LanguageClient, name: str, text: str, language: str = "python") -> str:
    """Open a document in the workspace and return its URI."""
    session = session_of(client)
    path = session.workspace / name
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    return uri


def position(text: str, offset: int, encoding: str) -> dict[str, int]:
    """The LSP position of a code-point offset, in the client's units."""
    before = text[:offset]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1 :]
    if encoding == "utf-8":
        character = len(column.encode("utf-8"))
    else:
        character = len(column.encode("utf-16-le")) // 2
    return {"line": line, "character": character}


def range_of(text: str, needle: str, encoding: str) -> dict[str, Any]:
    """The client range covering the first occurrence of `needle`."""
    start = text.index(needle)
    return {
        "start": position(text, start, encoding),
        "end": position(text, start + len(needle), encoding),
    }


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kimi_settings(options): extra kimi initializationOptions")
