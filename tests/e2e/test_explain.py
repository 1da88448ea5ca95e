"""kimi.explain end to end: the real server, the simulator over loopback HTTP, and
VS Code / Neovim client capabilities."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcRequestCancelled
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn

from .conftest import open_doc, range_of, session_of

SOURCE = '''\
import math


def area(radius: float) -> float:
    """Area of a circle."""
    return math.pi * radius ** 2


def describe(shapes):
    for shape in shapes:
        print(shape, area(shape))
'''
SELECTION = SOURCE[SOURCE.index("def area") : SOURCE.index("\n\n\ndef describe") + 1]


async def explain(client: LanguageClient, uri: str, rng: dict[str, Any]) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.explain", arguments=[{"uri": uri, "range": rng}])
    )


def selection_sent(body: dict[str, Any]) -> str:
    user = body["messages"][-1]["content"]
    match = re.search(r"<selection>\n(.*)\n</selection>", user, re.S)
    assert match, user
    return match.group(1)


async def test_explain_streams_the_answer_and_reports_progress(client: LanguageClient) -> None:
    session = session_of(client)
    answer = "`area` returns the area of a circle of the given `radius`: π·r²."
    session.sim.script(Turn(reasoning="It computes an area.", content=answer))
    uri = open_doc(client, "shapes.py", SOURCE)
    result = await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))

    markdown = result["markdown"] if isinstance(result, dict) else result.markdown
    assert markdown == answer
    deltas = [s.delta for s in session.streams if not s.done]
    assert "".join(deltas) == markdown
    assert len(deltas) > 1
    last = session.streams[-1]
    assert last.done is True
    assert last.kind == "explain"
    assert {s.id for s in session.streams} == {last.id}

    body = session.sim.requests[0].body
    assert selection_sent(body) == SELECTION
    assert "Path: shapes.py" in body["messages"][-1]["content"]
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}

    [(token, reports)] = client.progress_reports.items()
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    assert "$" in (reports[-1].message or "")
    assert token


async def test_non_ascii_selection_in_client_units(client: LanguageClient) -> None:
    session = session_of(client)
    text = 'emoji = "😋🎉"  # café\nnaïve = "日本語 😋"; total = len(naïve)\nprint(total)\n'
    wanted = "len(naïve)\nprint"
    uri = open_doc(client, "unicode.py", text)
    await explain(client, uri, range_of(text, wanted, session.encoding))
    assert selection_sent(session.sim.requests[0].body) == wanted


async def test_usage_accumulates_tokens_and_cost(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="r" * 400, content="c" * 800))
    uri = open_doc(client, "shapes.py", SOURCE)
    await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    usage = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.usage", arguments=[])
    )
    assert usage["requests"] == 1
    assert usage["completionTokens"] == 300  # 100 reasoning + 200 content tokens
    expected = (usage["promptTokens"] * 0.95 + 300 * 4.0) / 1e6
    assert usage["costUsd"] == pytest.approx(expected, abs=1e-6)


async def test_429_then_success(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(status=429, headers={"Retry-After": "0"}), Turn(content="fine"))
    uri = open_doc(client, "a.py", SOURCE)
    result = await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    assert result["markdown"] == "fine"
    assert [r.status for r in session.sim.requests] == [429, 200]


async def test_500_503_then_success(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(status=500), Turn(status=503), Turn(content="recovered"))
    uri = open_doc(client, "a.py", SOURCE)
    result = await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    assert result["markdown"] == "recovered"
    assert [r.status for r in session.sim.requests] == [500, 503, 200]


@pytest.mark.kimi_settings({"apiKey": "sk-wrong-key-abcdef"})
async def test_401_is_shown_clearly_and_not_retried(client: LanguageClient) -> None:
    session = session_of(client)
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException) as caught:
        await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    message = str(caught.value)
    assert "API key was refused" in message
    assert "kimi.apiKey" in message
    assert "sk-wrong-key-abcdef" not in message
    assert len(session.sim.requests) == 1
    assert session.streams[-1].done
    assert session.streams[-1].error


@pytest.mark.kimi_settings({"provider": "empiriolabs", "apiKey": None, "baseUrl": None})
async def test_missing_key_names_the_variable(client: LanguageClient) -> None:
    session = session_of(client)
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException, match="EMPIRIOLABS_API_KEY"):
        await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    assert session.sim.requests == []


async def test_stream_dropped_mid_answer_is_an_error_not_an_answer(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="thinking", content="a long answer " * 20, drop_after=6))
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException, match="cut off"):
        await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    assert session.streams[-1].done
    assert "cut off" in session.streams[-1].error
    # the server lives on and answers the next request
    result = await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    assert result["markdown"]


async def test_stream_dropped_before_content_is_retried(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(
        Turn(reasoning="long thinking " * 10, drop_after=3), Turn(content="second try")
    )
    uri = open_doc(client, "a.py", SOURCE)
    result = await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    assert result["markdown"] == "second try"
    assert len(session.sim.requests) == 2


async def test_cancel_request_closes_the_upstream_connection(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="slow " * 50, content="never", chunk_delay=0.5))
    uri = open_doc(client, "a.py", SOURCE)
    params = types.ExecuteCommandParams(
        command="kimi.explain",
        arguments=[{"uri": uri, "range": range_of(SOURCE, SELECTION, session.encoding)}],
    )
    future = client.protocol.send_request(types.WORKSPACE_EXECUTE_COMMAND, params, msg_id=4242)
    await session.sim.wait_for_requests(1)
    client.cancel_request(types.CancelParams(id=4242))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wrap_future(future)
    await session.sim.wait_for_disconnect(0)
    assert session.sim.requests[0].client_disconnected
    assert not session.sim.requests[0].completed
    await asyncio.wait_for(session.stream_done.wait(), 10)  # may follow the disconnect
    assert session.streams[-1].done
    assert session.streams[-1].error == "cancelled"


async def test_progress_cancel_stops_the_command(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="slow " * 50, content="never", chunk_delay=0.5))
    uri = open_doc(client, "a.py", SOURCE)
    task = asyncio.ensure_future(
        explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    )
    await session.sim.wait_for_requests(1)
    [token] = list(client.progress_reports)
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    with pytest.raises(JsonRpcException, match="cancelled"):
        await task
    await session.sim.wait_for_disconnect(0)


@pytest.mark.kimi_settings({"budget": {"sessionUsd": 0.002}})
async def test_budget_refuses_further_calls(client: LanguageClient) -> None:
    session = session_of(client)
    # the answer fits the budget while it streams; the usage reported at its end spends it
    session.sim.script(
        Turn(content="Fine.", usage={"prompt_tokens": 900, "completion_tokens": 400})
    )
    uri = open_doc(client, "a.py", SOURCE)
    await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    with pytest.raises(JsonRpcException, match=r"budget of \$0\.0020 is spent"):
        await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    assert len(session.sim.requests) == 1


@pytest.mark.kimi_settings({"budget": {"sessionUsd": 0.000001}})
async def test_a_request_whose_prompt_alone_passes_the_budget_is_not_sent(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException, match=r"would pass the session budget"):
        await explain(client, uri, range_of(SOURCE, SELECTION, session.encoding))
    assert session.sim.requests == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "takes one argument"),
        (["file:///x.py"], "takes one argument"),
        ([{}], "uri"),
        (
            [
                {
                    "uri": "file:///nowhere.py",
                    "range": {
                        "start": {"line": 0, "character": 0},
                        "end": {"line": 0, "character": 1},
                    },
                }
            ],
            "not open",
        ),
        (
            [{"uri": "OPEN", "range": {"start": {"line": 0}, "end": {"line": 1, "character": 0}}}],
            "range.start",
        ),
        (
            [
                {
                    "uri": "OPEN",
                    "range": {
                        "start": {"line": 0, "character": 0},
                        "end": {"line": 500, "character": 0},
                    },
                }
            ],
            "outside",
        ),
        (
            [
                {
                    "uri": "OPEN",
                    "range": {
                        "start": {"line": 3, "character": 0},
                        "end": {"line": 1, "character": 0},
                    },
                }
            ],
            "ends before",
        ),
        (
            [
                {
                    "uri": "OPEN",
                    "range": {
                        "start": {"line": -1, "character": 0},
                        "end": {"line": 1, "character": 0},
                    },
                }
            ],
            "range.start",
        ),
    ],
)
async def test_bad_arguments_get_clear_errors_and_the_server_lives(
    client: LanguageClient, arguments: list[Any], message: str
) -> None:
    uri = open_doc(client, "a.py", SOURCE)
    args = [
        ({**a, "uri": uri} if isinstance(a, dict) and a.get("uri") == "OPEN" else a)
        for a in arguments
    ]
    with pytest.raises(JsonRpcException, match=message):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kimi.explain", arguments=args)
        )
    usage = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.usage", arguments=[])
    )
    assert usage["requests"] == 0
    assert session_of(client).sim.requests == []
