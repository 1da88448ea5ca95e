"""The lossless contract in every kind of client, asserted after every edit the client
applies: eglot (an error answer to a stale edit), YouCompleteMe (applies edits late), a
client that never answers applyEdit, one that never reports the change, ALE (declares no
applyEdit), clients without snippet or code-action-literal support; random interruptions
at random points; and the server killed mid-stream."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn

from .conftest import CLIENT_INFO, CONFIG, capabilities, range_of, serving, session_of
from .editor import Editor
from .test_refactor import NEW, OLD, SOURCE, command, fenced, open_source, refactor

BEHAVIOURS = {
    # name: (edit mode, capabilities of, client info of, what to remove)
    "eglot": ("eglot", "vscode", "vscode", ()),
    "ycm": ("late", "vscode", "vscode", ()),
    "silent": ("silent", "vscode", "vscode", ()),
    "mute": ("mute", "neovim", "neovim", ()),
    "ale": ("vscode", "vscode", "vscode", ("applyEdit",)),
    "plain": ("vscode", "vscode", "vscode", ("snippets", "literals")),
}
FAST = {"edits": {"confirmSeconds": 0.5}, "completion": {"debounceMs": 0}}


def _capabilities(of: str, remove: tuple[str, ...]) -> types.ClientCapabilities:
    caps = capabilities(of)
    if "applyEdit" in remove and caps.workspace is not None:
        caps.workspace.apply_edit = False
        caps.workspace.workspace_edit = None
    text = caps.text_document
    if "snippets" in remove and text and text.completion and text.completion.completion_item:
        text.completion.completion_item.snippet_support = False
    if "snippets" in remove and text:
        text.inline_completion = None  # a plain client shows no ghost text either
    if "literals" in remove and text and text.code_action:
        text.code_action.code_action_literal_support = None
    return caps


@pytest_lsp.fixture(config=CONFIG, params=[name for name in BEHAVIOURS if name != "plain"])
async def behaving(
    lsp_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[LanguageClient]:
    async with _serve(lsp_client, tmp_path, request.param):
        yield lsp_client


@pytest_lsp.fixture(config=CONFIG)
async def plain(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[LanguageClient]:
    async with _serve(lsp_client, tmp_path, "plain"):
        yield lsp_client


@contextlib.asynccontextmanager
async def _serve(lsp_client: LanguageClient, tmp_path: Path, name: str) -> AsyncIterator[None]:
    mode, caps_of, info_of, remove = BEHAVIOURS[name]
    if mode == "eglot":  # its error answers are on purpose, not a failure of the test
        lsp_client.report_server_error = lambda error, source: None  # type: ignore[method-assign]
    async with serving(
        lsp_client,
        tmp_path,
        name=caps_of,
        mode=mode,
        caps=_capabilities(caps_of, remove),
        info=CLIENT_INFO[info_of],
        extra=FAST,
    ):
        lsp_client.behaviour = name  # type: ignore[attr-defined]
        yield


def behaviour(client: LanguageClient) -> str:
    return client.behaviour  # type: ignore[attr-defined, no-any-return]


def editor_of(client: LanguageClient) -> Editor:
    return session_of(client).editor  # type: ignore[no-any-return]


async def test_every_client_keeps_the_original_and_stays_usable(behaving: LanguageClient) -> None:
    client = behaving
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(Turn(reasoning="r", content=fenced(NEW), chunk_chars=12, chunk_delay=0.01))
    uri = open_source(client)  # checks the original after every change of the buffer
    typed: list[bool] = []

    def type_above(ed: Editor, number: int) -> None:
        if number == 2 and not typed and behaviour(client) != "mute":
            typed.append(True)
            ed.type(uri, 0, None, "# user\n")

    editor.before_edit = type_above
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    name = behaviour(client)
    assert OLD in editor.text(uri)
    if name == "ale":
        assert editor.edits == []  # no applyEdit to a client that did not declare it
        assert result["status"] == "proposed"
        assert result["newText"] == NEW
        assert result["range"] == range_of(SOURCE, OLD, session.encoding)
        return
    if name in ("eglot", "ycm"):
        assert result["status"] == "proposed"
        assert editor.text(uri) == "# user\n" + SOURCE.replace(OLD, NEW + OLD)
        editor.checks.clear()
        await command(client, "kimi.accept", {"uri": uri})
        assert editor.text(uri) == "# user\n" + SOURCE.replace(OLD, NEW)
        return
    # silent, mute: nothing confirmed, nothing more written, nothing locked
    assert result["status"] in ("failed", "stopped")
    status = await command(client, "kimi.status", {})
    assert status["documentsBeingRewritten"] == 0
    with contextlib.suppress(JsonRpcException):
        await command(client, "kimi.reject", {"uri": uri})
    assert OLD in editor.text(uri)


async def test_completion_and_code_actions_by_declared_capabilities(
    plain: LanguageClient,
) -> None:
    client = plain
    session = session_of(client)
    text = "def total(items):\n    "
    suggestion = "total = 0\n    for item in items:\n        total += item  # ${not a snippet}\n"
    session.sim.script(Turn(content=suggestion))
    uri = open_source(client, text, "plain.py", keep=None)
    found = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=1, character=4),
            context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked),
        )
    )
    assert isinstance(found, types.CompletionList)
    item = found.items[0]
    assert item.insert_text_format in (None, types.InsertTextFormat.PlainText)
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == suggestion.rstrip("\n")
    assert item.label == "total = 0"
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=1, character=0)
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert actions
    assert all(isinstance(action, types.Command) for action in actions)


interruption = st.sampled_from(["none", "cancel", "reject", "close", "reopen", "drop", "error"])
typing = st.lists(
    st.tuples(st.integers(1, 6), st.sampled_from(["above", "below", "original"])), max_size=3
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(what=interruption, at=st.integers(1, 5), typed=typing)
async def test_random_interruptions_never_lose_the_original(
    client: LanguageClient, what: str, at: int, typed: list[tuple[int, str]]
) -> None:
    session = session_of(client)
    editor = editor_of(client)
    editor.checks.clear()
    editor.before_edit = None
    name = f"r{len(editor.buffers)}.py"
    drop = {"drop_after": 6 + at} if what == "drop" else {}
    finish = {"finish_reason": "error"} if what == "error" else {}
    session.sim.script(
        Turn(content=fenced(NEW * 2), chunk_chars=8, chunk_delay=0.01, **drop, **finish)
    )
    original = [OLD]
    uri = open_source(client, SOURCE, name, keep=None)
    editor.checks.append(lambda ed, changed: _keeps(ed, changed, uri, original))
    pending = sorted(typed)
    sent: list[asyncio.Future[Any]] = []

    def interrupt(ed: Editor, number: int) -> None:
        while pending and pending[0][0] == number:
            _, where = pending.pop(0)
            text = ed.text(uri)
            if where == "above":
                ed.type(uri, 0, None, "# a\n")
            elif where == "below":
                ed.type(uri, len(text), None, "# b\n")
            else:
                inside = text.index(original[0]) + 4
                original[0] = original[0][:4] + "x" + original[0][4:]
                ed.type(uri, inside, None, "x")
        if number != at:
            return
        if what in ("cancel", "reject"):
            sent.append(asyncio.ensure_future(command(client, f"kimi.{what}", {"uri": uri})))
        elif what == "close":
            ed.close(uri)
        elif what == "reopen":
            ed.open(uri, ed.text(uri))

    editor.before_edit = interrupt
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    editor.before_edit = None
    for future in sent:
        with contextlib.suppress(JsonRpcException):
            await future
    assert original[0] in editor.text(uri)
    if result["status"] == "proposed":
        with contextlib.suppress(JsonRpcException):
            await command(client, "kimi.reject", {"uri": uri})
    if what not in ("close", "reopen") and result["status"] != "stopped":
        assert NEW not in editor.text(uri)  # nothing proposed is left behind
    editor.close(uri)


def _keeps(editor: Editor, changed: str, uri: str, original: list[str]) -> None:
    if changed == uri:
        assert original[0] in editor.text(uri), f"the original is gone:\n{editor.text(uri)}"


async def test_killing_the_server_mid_stream_leaves_the_whole_original(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(Turn(content=fenced(NEW * 4), chunk_chars=6, chunk_delay=0.05))
    uri = open_source(client)
    third = asyncio.Event()

    def kill_after_three(ed: Editor, number: int) -> None:
        if number == 3:
            third.set()

    editor.before_edit = kill_after_three
    running = asyncio.ensure_future(refactor(client, uri, range_of(SOURCE, OLD, session.encoding)))
    await third.wait()
    assert client._server is not None
    client._server.send_signal(signal.SIGKILL)
    session.killed = True
    await client._server.wait()
    running.cancel()
    with contextlib.suppress(BaseException):
        await running
    text = editor.text(uri)
    assert OLD in text
    assert text.startswith(SOURCE[: SOURCE.index(OLD)])
    assert text.endswith(OLD + SOURCE[SOURCE.index(OLD) + len(OLD) :])
