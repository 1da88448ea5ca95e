"""Hostile model output end to end: an answer that never ends, reasoning that never ends,
one 50 MB SSE line, a `finish_reason` that is not a finished answer, an API that never
reports usage. Each is stopped with a message that says why, its HTTP stream is closed
(the simulator sees the disconnect), and the budget holds."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn

from .conftest import open_doc, session_of

SOURCE = "def f(x):\n    return x + 1\n"
RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}


async def explain(client: LanguageClient, uri: str) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.explain", arguments=[{"uri": uri, "range": RANGE}])
    )


async def usage(client: LanguageClient) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.usage", arguments=[])
    )


@pytest.mark.kimi_settings({"maxTokens": 256})
@pytest.mark.parametrize("endless", ["content", "reasoning"])
async def test_an_endless_answer_stops_at_max_tokens(client: LanguageClient, endless: str) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="Start.", content="It adds", endless=endless))  # type: ignore[arg-type]
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException) as caught:
        await explain(client, uri)
    message = str(caught.value)
    assert "max_tokens of 256" in message
    assert "kimi.maxTokens" in message
    await session.sim.wait_for_disconnect(0)
    assert len(session.sim.requests) == 1  # not retried
    counted = await usage(client)
    assert counted["requests"] == 1
    assert counted["estimatedRequests"] == 1  # it was billed, as far as it went


async def test_one_huge_sse_line_is_refused_without_reading_it_whole(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    session.sim.script(Turn(content="x", oversized_line=50_000_000))
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException, match="8 MiB"):
        await explain(client, uri)
    await session.sim.wait_for_disconnect(0)
    assert len(session.sim.requests) == 1


@pytest.mark.parametrize("reason", ["error", "abort"])
async def test_a_finish_reason_that_is_not_an_answer_fails(
    client: LanguageClient, reason: str
) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="r", content="Half of an answ", finish_reason=reason))
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException) as caught:
        await explain(client, uri)
    assert f"finish_reason '{reason}'" in str(caught.value)
    assert session.streams[-1].done
    assert session.streams[-1].error


@pytest.mark.kimi_settings({"budget": {"sessionUsd": 0.05}, "maxTokens": 131_072})
async def test_an_api_that_reports_no_usage_cannot_spend_past_the_budget(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    answer = "All work and no play makes a long answer. " * 1905  # 80,000 characters: $0.08
    session.sim.script(*[Turn(content=answer, omit_usage=True, chunk_chars=1000)] * 5)
    uri = open_doc(client, "a.py", SOURCE)
    failures = []
    for _ in range(5):
        try:
            await explain(client, uri)
        except JsonRpcException as error:
            failures.append(str(error))
    assert len(failures) == 5
    assert "while the model was answering" in failures[0]
    assert all("kimi.budget.sessionUsd" in f for f in failures)
    assert len(session.sim.requests) == 1  # stopped mid-answer, the rest never sent
    counted = await usage(client)
    assert 0.05 <= counted["costUsd"] < 0.0511  # stopped within one chunk of 1,000 characters
    assert counted["estimatedRequests"] == 1


async def test_an_answer_without_usage_is_counted_by_estimate(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(Turn(reasoning="r" * 400, content="c" * 400, omit_usage=True))
    uri = open_doc(client, "a.py", SOURCE)
    result = await explain(client, uri)
    assert result["markdown"] == "c" * 400
    counted = await usage(client)
    assert counted["requests"] == 1
    assert counted["estimatedRequests"] == 1
    assert counted["completionTokens"] == 200
    assert counted["costUsd"] > 0
