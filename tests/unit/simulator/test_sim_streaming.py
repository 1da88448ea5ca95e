"""Streaming (SSE) and non-streaming answer shapes for scripted turns."""

from __future__ import annotations

import json

import httpx

from kimi_lsp.simulator import Simulator, ToolCallSpec, Turn

from .helpers import MODEL, WORKSPACE_TOOLS, chat_body, collapse, deltas, kinds, stream_chat

REASONING = "The user greets me. I should answer politely and briefly."
CONTENT = "Hello! How can I help you with your code today? ✨ Größe"


async def test_stream_order_and_texts(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(reasoning=REASONING, content=CONTENT, chunk_chars=5))
    payloads = await stream_chat(client, chat_body(stream_options={"include_usage": True}))
    assert collapse(kinds(payloads)) == ["role", "reasoning", "content", "finish", "usage", "done"]
    assert deltas(payloads, "reasoning_content") == REASONING
    assert deltas(payloads, "content") == CONTENT
    assert all(len(c["choices"][0]["delta"].get("content") or "") <= 5 for c in payloads[1:-2])
    first = payloads[0]
    assert first["object"] == "chat.completion.chunk"
    assert first["model"] == MODEL
    assert first["id"].startswith("chatcmpl-")
    assert first["choices"][0]["delta"] == {"role": "assistant"}
    assert len({c["id"] for c in payloads[:-1]}) == 1
    finish = payloads[-3]
    assert finish["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "stop"}
    usage = payloads[-2]["usage"]
    assert payloads[-2]["choices"] == []
    assert usage["completion_tokens_details"]["reasoning_tokens"] == -(-len(REASONING) // 4)
    assert usage["completion_tokens"] == -(-len(REASONING) // 4) + -(-len(CONTENT) // 4)
    assert usage["prompt_tokens"] == 2  # "Hello!" is 6 characters
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_no_usage_chunk_without_include_usage(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="ok"))
    payloads = await stream_chat(client, chat_body())
    assert collapse(kinds(payloads)) == ["role", "content", "finish", "done"]
    assert all("usage" not in c["choices"][0] for c in payloads[:-1])


async def test_tool_call_fragments(sim: Simulator, client: httpx.AsyncClient) -> None:
    arguments = '{"path": "src/main.py", "line": 12}'
    sim.script(
        Turn(
            reasoning="I should read the file.",
            tool_calls=[ToolCallSpec(name="read_file", arguments=arguments)],
            chunk_chars=6,
        )
    )
    payloads = await stream_chat(client, chat_body(tools=WORKSPACE_TOOLS))
    assert collapse(kinds(payloads)) == ["role", "reasoning", "tool", "finish", "done"]
    fragments = [
        c["choices"][0]["delta"]["tool_calls"]
        for c in payloads[:-1]
        if "tool_calls" in c["choices"][0]["delta"]
    ]
    assert all(len(f) == 1 for f in fragments)
    assert fragments[0][0] == {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "read_file", "arguments": ""},
    }
    rest = [f[0] for f in fragments[1:]]
    assert all(
        set(f) == {"index", "function"} and set(f["function"]) == {"arguments"} for f in rest
    )
    assert "".join(f["function"]["arguments"] for f in rest) == arguments
    assert payloads[-2]["choices"][0]["finish_reason"] == "tool_calls"


async def test_parallel_tool_calls_and_invalid_arguments(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(
        Turn(
            reasoning="Two files.",
            content="Let me look.",
            tool_calls=[
                ToolCallSpec(name="read_file", arguments='{"path": "a.py"}', id="call_a"),
                ToolCallSpec(name="read_file", arguments='{"path": "b.py"'),
            ],
        )
    )
    payloads = await stream_chat(client, chat_body(tools=WORKSPACE_TOOLS))
    calls: dict[int, dict[str, str]] = {}
    for chunk in payloads[:-1]:
        for fragment in chunk["choices"][0]["delta"].get("tool_calls") or []:
            call = calls.setdefault(fragment["index"], {"id": "", "name": "", "arguments": ""})
            call["id"] += fragment.get("id", "")
            call["name"] += fragment.get("function", {}).get("name", "")
            call["arguments"] += fragment["function"]["arguments"]
    assert calls == {
        0: {"id": "call_a", "name": "read_file", "arguments": '{"path": "a.py"}'},
        1: {"id": "call_1", "name": "read_file", "arguments": '{"path": "b.py"'},
    }
    assert deltas(payloads, "content") == "Let me look."


async def test_usage_in_choice(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(content="ok", usage_in_choice=True))
    payloads = await stream_chat(client, chat_body(stream_options={"include_usage": True}))
    assert collapse(kinds(payloads)) == ["role", "content", "finish", "done"]
    final = payloads[-2]["choices"][0]
    assert final["finish_reason"] == "stop"
    assert final["usage"]["completion_tokens"] == 1


async def test_usage_override(sim: Simulator, client: httpx.AsyncClient) -> None:
    usage = {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}
    sim.script(Turn(content="ok", usage=usage))
    payloads = await stream_chat(client, chat_body(stream_options={"include_usage": True}))
    assert payloads[-2]["usage"] == usage


async def test_omit_done_ends_cleanly_without_finish(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="partial answer", omit_done=True))
    payloads = await stream_chat(client, chat_body(stream_options={"include_usage": True}))
    assert collapse(kinds(payloads)) == ["role", "content"]
    assert deltas(payloads, "content") == "partial answer"
    assert sim.requests[0].completed


async def test_explicit_finish_reason(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(content="", finish_reason="content_filter"))
    payloads = await stream_chat(client, chat_body())
    assert payloads[-2]["choices"][0]["finish_reason"] == "content_filter"


async def test_non_streaming_shape(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(
        Turn(
            reasoning=REASONING,
            content=CONTENT,
            tool_calls=[ToolCallSpec(name="get_weather", arguments='{"city":"Tokyo"}')],
        )
    )
    response = await client.post("/chat/completions", json=chat_body(tools=WORKSPACE_TOOLS))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["model"] == MODEL
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"] == {
        "role": "assistant",
        "content": CONTENT,
        "reasoning_content": REASONING,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Tokyo"}'},
            }
        ],
    }
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert json.loads(choice["message"]["tool_calls"][0]["function"]["arguments"]) == {
        "city": "Tokyo"
    }


async def test_call_ids_are_unique_across_turns(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(tool_calls=[ToolCallSpec(name="f")]), Turn(tool_calls=[ToolCallSpec(name="g")]))
    first = (await client.post("/chat/completions", json=chat_body(tools=WORKSPACE_TOOLS))).json()
    second = (await client.post("/chat/completions", json=chat_body(tools=WORKSPACE_TOOLS))).json()
    ids = [b["choices"][0]["message"]["tool_calls"][0]["id"] for b in (first, second)]
    assert ids == ["call_1", "call_2"]


async def test_prompt_tokens_count_messages_and_tools(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    plain = (await client.post("/chat/completions", json=chat_body("x" * 40))).json()
    with_tools = (
        await client.post("/chat/completions", json=chat_body("x" * 40, tools=[tool]))
    ).json()
    assert plain["usage"]["prompt_tokens"] == 10
    tools_json = json.dumps([tool], separators=(",", ":"))
    assert with_tools["usage"]["prompt_tokens"] == 10 + -(-len(tools_json) // 4)
