"""Ghost text end to end: inline completion and the completion fallback, reuse, cancels."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn

from .conftest import open_doc, position, session_of

BODY = "def add(a, b):\n    \n\nprint(add(1, 2))\n"
CURSOR = BODY.index("\n    \n") + 5


def pos(text: str, offset: int, client: LanguageClient) -> types.Position:
    return types.Position(**position(text, offset, session_of(client).encoding))


def inline_params(
    uri: str, at: types.Position, kind: types.InlineCompletionTriggerKind, selected: Any = None
) -> types.InlineCompletionParams:
    return types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=at,
        context=types.InlineCompletionContext(trigger_kind=kind, selected_completion_info=selected),
    )


AUTO = types.InlineCompletionTriggerKind.Automatic
INVOKED = types.InlineCompletionTriggerKind.Invoked


def prompt_of(client: LanguageClient, n: int = 0) -> str:
    return session_of(client).sim.requests[n].body["messages"][-1]["content"]


def insert(client: LanguageClient, uri: str, text: str, at: int, typed: str, version: int) -> str:
    start = pos(text, at, client)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=start, end=start), text=typed
                )
            ],
        )
    )
    return text[:at] + typed + text[at:]


async def test_suggestion_for_an_empty_function_body(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="Sum them.", content="<completion>return a + b</completion>"))
    uri = open_doc(client, "add.py", BODY)
    at = pos(BODY, CURSOR, client)
    result = await client.text_document_inline_completion_async(inline_params(uri, at, AUTO))
    assert result is not None
    [item] = result.items
    assert item.insert_text == "return a + b"
    assert item.range == types.Range(start=at, end=at)
    body = session.sim.requests[0].body
    assert body["stop"] == ["</completion>"]
    assert body["max_tokens"] == 2048
    assert "def add(a, b):\n    <CURSOR>\n\nprint(add(1, 2))" in prompt_of(client)
    assert "rest of the current block" in prompt_of(client)


async def test_no_duplicate_closing_bracket(client: LanguageClient) -> None:
    session = session_of(client)
    text = "print()\n"
    session.sim.script(Turn(reasoning="r", content='<completion>"done")</completion>'))
    uri = open_doc(client, "p.py", text)
    result = await client.text_document_inline_completion_async(
        inline_params(uri, pos(text, 6, client), AUTO)
    )
    assert result is not None
    assert [i.insert_text for i in result.items] == ['"done"']
    assert "Complete the current line only." in prompt_of(client)


async def test_typing_through_costs_no_model_call(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="r", content="<completion>return a + b</completion>"))
    uri = open_doc(client, "add.py", BODY)
    first = await client.text_document_inline_completion_async(
        inline_params(uri, pos(BODY, CURSOR, client), AUTO)
    )
    assert first is not None
    text = BODY
    for n, ch in enumerate("ret", start=2):
        text = insert(client, uri, text, CURSOR + n - 2, ch, n)
    result = await client.text_document_inline_completion_async(
        inline_params(uri, pos(text, CURSOR + 3, client), AUTO)
    )
    assert result is not None
    assert [i.insert_text for i in result.items] == ["urn a + b"]
    assert len(session.sim.requests) == 1


async def test_going_back_to_a_completed_place_hits_the_cache(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="r", content="<completion>return a + b</completion>"))
    uri = open_doc(client, "add.py", BODY)
    await client.text_document_inline_completion_async(
        inline_params(uri, pos(BODY, CURSOR, client), AUTO)
    )
    elsewhere = BODY.index("print(") + 6
    session.sim.script(Turn(reasoning="r", content="<completion>3, 4</completion>"))
    await client.text_document_inline_completion_async(
        inline_params(uri, pos(BODY, elsewhere, client), AUTO)
    )
    again = await client.text_document_inline_completion_async(
        inline_params(uri, pos(BODY, CURSOR, client), AUTO)
    )
    assert again is not None
    assert [i.insert_text for i in again.items] == ["return a + b"]
    assert len(session.sim.requests) == 2


async def test_cancelled_request_drops_the_upstream_stream(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(
        Turn(reasoning="slow " * 40, content="<completion>x</completion>", chunk_delay=0.3)
    )
    uri = open_doc(client, "add.py", BODY)
    future = client.protocol.send_request(
        types.TEXT_DOCUMENT_INLINE_COMPLETION,
        inline_params(uri, pos(BODY, CURSOR, client), INVOKED),
        msg_id=9001,
    )
    await session.sim.wait_for_requests(1)
    client.cancel_request(types.CancelParams(id=9001))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wrap_future(future)
    await session.sim.wait_for_disconnect(0)


@pytest.mark.parametrize("client_cancels", [True, False], ids=["vscode-style", "superseded"])
async def test_a_burst_of_keystrokes_costs_at_most_one_or_two_calls(
    client: LanguageClient, client_cancels: bool
) -> None:
    session = session_of(client)
    uri = open_doc(client, "add.py", BODY)
    text, futures = BODY, []
    for n, ch in enumerate("return", start=2):
        text = insert(client, uri, text, CURSOR + n - 2, ch, n)
        if client_cancels and futures:
            client.cancel_request(types.CancelParams(id=futures[-1][0]))
        msg_id = 5000 + n
        futures.append(
            (
                msg_id,
                client.protocol.send_request(
                    types.TEXT_DOCUMENT_INLINE_COMPLETION,
                    inline_params(uri, pos(text, CURSOR + n - 1, client), AUTO),
                    msg_id=msg_id,
                ),
            )
        )
    answers = await asyncio.gather(
        *(asyncio.wrap_future(f) for _, f in futures), return_exceptions=True
    )
    assert not isinstance(answers[-1], BaseException)
    assert len(session.sim.requests) <= 2
    for earlier in answers[:-1]:  # cancelled, or answered with nothing: each exactly once
        assert isinstance(earlier, JsonRpcRequestCancelled) or earlier is None


async def test_selected_completion_info_is_extended(client: LanguageClient) -> None:
    session = session_of(client)
    text = "import logging\nlogging.\n"
    start = text.index("logging.\n") + 8
    session.sim.script(Turn(reasoning="r", content='<completion>("ready")</completion>'))
    uri = open_doc(client, "log.py", text)
    selected = types.SelectedCompletionInfo(
        range=types.Range(start=pos(text, start, client), end=pos(text, start, client)), text="info"
    )
    result = await client.text_document_inline_completion_async(
        inline_params(uri, pos(text, start, client), AUTO, selected)
    )
    assert result is not None
    [item] = result.items
    assert item.insert_text == 'info("ready")'
    assert item.range == selected.range
    assert "logging.info<CURSOR>" in prompt_of(client)


async def test_invoked_request_offers_alternatives(client: LanguageClient) -> None:
    session = session_of(client)
    blocks = ["return a + b", "return b + a", "return sum((a, b))"]
    content = "\n".join(f"<completion>{b}</completion>" for b in blocks)
    session.sim.script(Turn(reasoning="r", content=content))
    uri = open_doc(client, "add.py", BODY)
    result = await client.text_document_inline_completion_async(
        inline_params(uri, pos(BODY, CURSOR, client), INVOKED)
    )
    assert result is not None
    assert [i.insert_text for i in result.items] == [
        "return a + b",
        "return b + a",
        "return sum((a, b))",
    ]
    assert "Give up to 3 different completions" in prompt_of(client)
    assert "stop" not in session.sim.requests[0].body


async def test_non_ascii_positions(client: LanguageClient) -> None:
    session = session_of(client)
    text = 'label = "😀é"; total = compu\n'
    session.sim.script(Turn(reasoning="r", content="<completion>te_total()</completion>"))
    uri = open_doc(client, "u.py", text)
    result = await client.text_document_inline_completion_async(
        inline_params(uri, pos(text, len(text) - 1, client), AUTO)
    )
    assert result is not None
    assert [i.insert_text for i in result.items] == ["te_total()"]
    assert 'label = "😀é"; total = compu<CURSOR>' in prompt_of(client)


async def test_completion_fallback_for_clients_without_inline_completion(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    session.sim.script(
        Turn(reasoning="r", content="<completion>result = a + b\n    return result</completion>")
    )
    uri = open_doc(client, "add.py", BODY)
    params = types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=pos(BODY, CURSOR, client),
        context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked),
    )
    result = await client.text_document_completion_async(params)
    if session.client_name == "vscode":  # it has inline completion: no duplicate item
        assert result is None
        return
    assert isinstance(result, types.CompletionList)
    [item] = result.items
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "result = a + b\n    return result"
    assert item.detail == "Kimi"
    automatic = types.CompletionParams(
        text_document=params.text_document,
        position=params.position,
        context=types.CompletionContext(
            trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character="."
        ),
    )
    assert await client.text_document_completion_async(automatic) is None
    assert len(session.sim.requests) == 1


@pytest.mark.kimi_settings({"budget": {"sessionUsd": 0.002}})
async def test_budget_stops_automatic_requests_and_says_so_once(client: LanguageClient) -> None:
    session = session_of(client)
    spent = {"prompt_tokens": 900, "completion_tokens": 400}  # reported at the end: $0.00245
    session.sim.script(
        Turn(reasoning="r", content="<completion>return a + b</completion>", usage=spent)
    )
    uri = open_doc(client, "add.py", BODY)
    await client.text_document_inline_completion_async(
        inline_params(uri, pos(BODY, CURSOR, client), AUTO)
    )
    other = BODY.index("print(") + 6
    for _ in range(2):
        assert (
            await client.text_document_inline_completion_async(
                inline_params(uri, pos(BODY, other, client), AUTO)
            )
            is None
        )
    assert len(session.sim.requests) == 1
    told = [m for m in client.messages if "budget" in m.message]
    assert len(told) == 1
    assert re.search(r"paused", told[0].message)


async def test_a_rate_limit_pauses_ghost_text_and_says_so_once(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(
        Turn(status=429, headers={"Retry-After": "30"}),
        Turn(reasoning="r", content="<completion>return a + b</completion>"),
    )
    uri = open_doc(client, "add.py", BODY)
    other = BODY.index("print(") + 6
    for offset in (CURSOR, other, CURSOR):  # typing on: one refused call, then none
        params = inline_params(uri, pos(BODY, offset, client), AUTO)
        assert await client.text_document_inline_completion_async(params) is None
    assert [r.status for r in session.sim.requests] == [429]  # 30 s were not waited for
    explicit = inline_params(uri, pos(BODY, other, client), INVOKED)
    assert await client.text_document_inline_completion_async(explicit) is None
    assert len(session.sim.requests) == 1
    told = [m.message for m in client.messages if "ghost text" in m.message]
    assert len(told) == 2, told
    assert "rate-limiting" in told[0]
    assert "Paused for 30 s." in told[0]
    assert re.search(r"resumes in \d+ s", told[1])
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.status", arguments=[])
    )
    assert 0 < status["ghostTextPausedSeconds"] <= 30


async def test_a_short_retry_after_is_honoured_by_ghost_text(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(
        Turn(status=429, headers={"Retry-After": "0"}),
        Turn(reasoning="r", content="<completion>return a + b</completion>"),
    )
    uri = open_doc(client, "add.py", BODY)
    result = await client.text_document_inline_completion_async(
        inline_params(uri, pos(BODY, CURSOR, client), AUTO)
    )
    assert result is not None
    assert result.items[0].insert_text == "return a + b"
    assert [r.status for r in session.sim.requests] == [429, 200]


async def test_a_failure_is_told_again_after_the_model_has_answered(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(
        *[Turn(status=500)] * 4,  # two requests, each retried once: told once
        Turn(reasoning="r", content="<completion>return a + b</completion>"),
        *[Turn(status=500)] * 2,  # a new failure after that success: told again
    )
    uri = open_doc(client, "add.py", BODY)
    offsets = [CURSOR, BODY.index("print(") + 6, CURSOR - 1, BODY.index("add(1") + 4]
    for offset in offsets:
        params = inline_params(uri, pos(BODY, offset, client), AUTO)
        await client.text_document_inline_completion_async(params)
    assert [r.status for r in session.sim.requests] == [500] * 4 + [200] + [500] * 2
    told = [m.message for m in client.messages if "ghost text" in m.message]
    assert len(told) == 2, told
