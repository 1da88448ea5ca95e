"""Always-on thinking counts toward max_tokens; stop sequences cut the content."""

from __future__ import annotations

import httpx

from kimi_lsp.simulator import Simulator, ToolCallSpec, Turn

from .helpers import WORKSPACE_TOOLS, chat_body, deltas, stream_chat

REASONING = "r" * 400  # 100 tokens
CONTENT = "c" * 200  # 50 tokens


async def test_reasoning_exhausting_the_budget_leaves_empty_content(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(reasoning=REASONING, content=CONTENT))
    payloads = await stream_chat(
        client, chat_body(max_tokens=60, stream_options={"include_usage": True})
    )
    assert deltas(payloads, "reasoning_content") == "r" * 240
    assert deltas(payloads, "content") == ""
    assert payloads[-3]["choices"][0]["finish_reason"] == "length"
    usage = payloads[-2]["usage"]
    assert usage["completion_tokens"] == 60
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 60


async def test_reasoning_using_exactly_the_budget_still_cuts_content(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(reasoning=REASONING, content=CONTENT))
    body = (await client.post("/chat/completions", json=chat_body(max_tokens=100))).json()
    message = body["choices"][0]["message"]
    assert (message["reasoning_content"], message["content"]) == (REASONING, "")
    assert body["choices"][0]["finish_reason"] == "length"


async def test_content_cut_when_total_reaches_max_tokens(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(reasoning=REASONING, content=CONTENT))
    body = (await client.post("/chat/completions", json=chat_body(max_tokens=120))).json()
    message = body["choices"][0]["message"]
    assert message["reasoning_content"] == REASONING
    assert message["content"] == "c" * 80
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 120


async def test_within_budget_is_untouched(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(reasoning=REASONING, content=CONTENT))
    body = (await client.post("/chat/completions", json=chat_body(max_tokens=150))).json()
    assert body["choices"][0]["message"]["content"] == CONTENT
    assert body["choices"][0]["finish_reason"] == "stop"


async def test_default_budget_is_16384(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(reasoning="r" * (16384 * 4), content="answer"))
    body = (await client.post("/chat/completions", json=chat_body())).json()
    assert body["choices"][0]["message"]["content"] == ""
    assert body["choices"][0]["finish_reason"] == "length"


async def test_tool_call_arguments_are_cut_by_the_budget(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(reasoning="r" * 40, tool_calls=[ToolCallSpec(name="f", arguments="a" * 80)]))
    body = (
        await client.post("/chat/completions", json=chat_body(max_tokens=15, tools=WORKSPACE_TOOLS))
    ).json()
    call = body["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["arguments"] == "a" * 20
    assert body["choices"][0]["finish_reason"] == "length"


async def test_stop_sequence_cuts_content_before_it(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(reasoning="think", content="line one\nline two\n\nline three"))
    payloads = await stream_chat(client, chat_body(stop=["two", "\n\n"]))
    assert deltas(payloads, "content") == "line one\nline "
    assert deltas(payloads, "reasoning_content") == "think"
    assert payloads[-2]["choices"][0]["finish_reason"] == "stop"


async def test_stop_string_form_and_tool_calls_dropped(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="abc END def", tool_calls=[ToolCallSpec(name="f")]))
    body = (
        await client.post("/chat/completions", json=chat_body(stop="END", tools=WORKSPACE_TOOLS))
    ).json()
    choice = body["choices"][0]
    assert choice["message"]["content"] == "abc "
    assert "tool_calls" not in choice["message"]
    assert choice["finish_reason"] == "stop"
