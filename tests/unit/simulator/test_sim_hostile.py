"""Turns that only a careful client survives: endless answers, an oversized event, no
usage, a `finish_reason` that is neither stop nor length, `\\r\\n` in content."""

from __future__ import annotations

import json

import httpx

from kimi_lsp.simulator import Simulator, Turn

from .helpers import chat_body, deltas, parse_sse, stream_chat

LIMIT = 50_000
"""Bytes after which the test client stops reading an endless answer."""


async def read_until(client: httpx.AsyncClient, body: dict[str, object]) -> list[str]:
    """Stream ``body`` and return the SSE lines read before ``LIMIT`` bytes."""
    lines: list[str] = []
    read = 0
    async with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as r:
        assert r.status_code == 200
        async for line in r.aiter_lines():
            if line:
                lines.append(line)
            read += len(line)
            if read > LIMIT:
                break
    return lines


def delta_of(line: str) -> dict[str, str]:
    """The delta of one ``data:`` line."""
    return json.loads(line.removeprefix("data: "))["choices"][0]["delta"]  # type: ignore[no-any-return]


async def test_endless_content_after_the_scripted_text(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(reasoning="hm", content="Once upon a time. ", endless="content"))
    lines = await read_until(client, chat_body())
    content = "".join(delta_of(line).get("content") or "" for line in lines)
    assert content.startswith("Once upon a time. Once upon a time. ")
    assert len(content) > 1000
    assert all("[DONE]" not in line for line in lines)
    await sim.wait_for_disconnect(0)
    assert not sim.requests[0].completed
    assert len(sim.requests[0].chunk_times) <= 10_000


async def test_endless_reasoning_never_reaches_content(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="never sent", endless="reasoning"))
    lines = await read_until(client, chat_body())
    assert delta_of(lines[0]) == {"role": "assistant"}
    assert all(set(delta_of(line)) == {"reasoning_content"} for line in lines[1:])
    reasoning = "".join(delta_of(line)["reasoning_content"] for line in lines[1:])
    assert reasoning.startswith("The simulator keeps writing. The simulator keeps")
    await sim.wait_for_disconnect(0)


async def test_endless_non_streamed_body(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(content="more ", endless="content"))
    body = bytearray()
    async with client.stream("POST", "/chat/completions", json=chat_body()) as r:
        async for piece in r.aiter_bytes():
            body.extend(piece)
            if len(body) > LIMIT:
                break
    assert b'"content":"more more more ' in body
    await sim.wait_for_disconnect(0)


async def test_one_oversized_event_is_one_valid_chunk(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="after", oversized_line=2 * 1024 * 1024))
    payloads = await stream_chat(client, chat_body())
    big = payloads[1]["choices"][0]["delta"]["content"]
    assert len(big) == 2 * 1024 * 1024
    assert deltas(payloads, "content").endswith("after")
    assert payloads[-1] == "[DONE]"


async def test_no_usage_anywhere(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(content="a", omit_usage=True), Turn(content="b", omit_usage=True))
    body = chat_body(stream_options={"include_usage": True})
    payloads = await stream_chat(client, body)
    assert all("usage" not in p and "usage" not in p["choices"][0] for p in payloads[:-1])
    plain = await client.post("/chat/completions", json=chat_body())
    assert "usage" not in plain.json()


async def test_finish_reason_error_without_an_error_object(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="half an ans", finish_reason="error"))
    response = await client.post("/chat/completions", json=chat_body(stream=True))
    payloads = parse_sse(response.text)
    assert payloads[-2]["choices"][0]["finish_reason"] == "error"
    assert all("error" not in p for p in payloads if isinstance(p, dict))


async def test_crlf_content_is_sent_as_is(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(content="```py\r\nx = 1\r\n```"))
    payloads = await stream_chat(client, chat_body())
    assert deltas(payloads, "content") == "```py\r\nx = 1\r\n```"
