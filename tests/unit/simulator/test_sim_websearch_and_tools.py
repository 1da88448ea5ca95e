"""Web search accounting, and scripted tool calls on requests that offer no tools."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kimi_lsp.simulator import Simulator, ToolCallSpec, Turn

from .helpers import WORKSPACE_TOOLS, chat_body, collapse, deltas, kinds, stream_chat

USAGE = {"include_usage": True}


async def test_web_search_calls_are_reported_when_enabled(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="found", web_search_calls=2), Turn(content="again", web_search_calls=1))
    payloads = await stream_chat(client, chat_body(tool_web_search=True, stream_options=USAGE))
    usage = payloads[-2]["usage"]
    assert usage["web_search_calls"] == 2
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    body = (await client.post("/chat/completions", json=chat_body(tool_web_search=True))).json()
    assert body["usage"]["web_search_calls"] == 1


async def test_web_search_calls_join_a_scripted_usage(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    usage = {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}
    sim.script(Turn(content="ok", usage=usage, web_search_calls=3, usage_in_choice=True))
    payloads = await stream_chat(client, chat_body(tool_web_search=True, stream_options=USAGE))
    assert payloads[-2]["choices"][0]["usage"] == {**usage, "web_search_calls": 3}


@pytest.mark.parametrize("extra", [{}, {"tool_web_search": False}, {"tool_web_search": None}])
async def test_web_search_calls_are_not_reported_when_not_enabled(
    sim: Simulator, client: httpx.AsyncClient, extra: dict[str, Any]
) -> None:
    sim.script(Turn(content="ok", web_search_calls=2), Turn(content="ok", web_search_calls=2))
    payloads = await stream_chat(client, chat_body(stream_options=USAGE, **extra))
    assert "web_search_calls" not in payloads[-2]["usage"]
    body = (await client.post("/chat/completions", json=chat_body(**extra))).json()
    assert "web_search_calls" not in body["usage"]


async def test_no_web_search_calls_key_when_none_were_made(client: httpx.AsyncClient) -> None:
    body = (await client.post("/chat/completions", json=chat_body(tool_web_search=True))).json()
    assert "web_search_calls" not in body["usage"]


@pytest.mark.parametrize("value", ["true", 1, 0, {}, []])
async def test_non_boolean_tool_web_search_is_400(
    sim: Simulator, client: httpx.AsyncClient, value: Any
) -> None:
    sim.script(Turn(content="kept"))
    response = await client.post("/chat/completions", json=chat_body(tool_web_search=value))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert "tool_web_search" in error["message"]
    assert sim.queued == 1


def _scripted_read(content: str = "", **extra: Any) -> Turn:
    """A scripted turn that calls read_file."""
    call = ToolCallSpec(name="read_file", arguments='{"path": "a.py"}')
    return Turn(reasoning="I should read a.py.", content=content, tool_calls=[call], **extra)


@pytest.mark.parametrize(
    "extra", [{}, {"tools": []}, {"tools": WORKSPACE_TOOLS, "tool_choice": "none"}]
)
async def test_scripted_tool_calls_are_dropped_when_no_tool_can_be_called(
    sim: Simulator, client: httpx.AsyncClient, extra: dict[str, Any]
) -> None:
    sim.script(_scripted_read("The answer without tools."))
    payloads = await stream_chat(client, chat_body(**extra))
    assert collapse(kinds(payloads)) == ["role", "reasoning", "content", "finish", "done"]
    assert deltas(payloads, "content") == "The answer without tools."
    assert deltas(payloads, "reasoning_content") == "I should read a.py."
    assert payloads[-2]["choices"][0]["finish_reason"] == "stop"


async def test_dropped_tool_calls_with_empty_content_use_the_default_content(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(_scripted_read(finish_reason="tool_calls"))
    body = (await client.post("/chat/completions", json=chat_body("What is 2+2?"))).json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert "tool_calls" not in choice["message"]
    assert "no answer was scripted" in choice["message"]["content"]


async def test_scripted_tool_calls_are_kept_when_tools_are_offered(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(_scripted_read())
    body = (await client.post("/chat/completions", json=chat_body(tools=WORKSPACE_TOOLS))).json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["tool_calls"][0]["function"]["name"] == "read_file"
