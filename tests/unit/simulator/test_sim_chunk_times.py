"""``RecordedRequest.chunk_times``: when each SSE event was written, with its content."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kimi_lsp.simulator import Simulator, ToolCallSpec, Turn

from .helpers import WORKSPACE_TOOLS, chat_body, deltas, stream_chat
from .test_sim_responder import rewrite

CONTENT = "Streaming ✨ answer in small pieces."


def content_of(payload: Any) -> str:
    """The ``delta.content`` of a payload, "" for anything else."""
    if not isinstance(payload, dict) or not payload["choices"]:
        return ""
    return str(payload["choices"][0]["delta"].get("content") or "")


async def test_one_entry_per_event_in_order(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(
        Turn(
            reasoning="Think first.",
            content=CONTENT,
            tool_calls=[ToolCallSpec(name="read_file", arguments='{"path": "a.py"}')],
            chunk_chars=4,
        )
    )
    body = chat_body(tools=WORKSPACE_TOOLS, stream_options={"include_usage": True})
    payloads = await stream_chat(client, body)
    times = sim.requests[0].chunk_times
    assert len(times) == len(payloads)
    assert [text for _, text in times] == [content_of(payload) for payload in payloads]
    assert "".join(text for _, text in times) == CONTENT == deltas(payloads, "content")
    stamps = [stamp for stamp, _ in times]
    assert stamps == sorted(stamps)
    assert times[-1][1] == ""  # [DONE]


async def test_default_rewrite_answer_is_recorded(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    content = deltas(await stream_chat(client, rewrite()), "content")
    texts = [text for _, text in sim.requests[0].chunk_times]
    assert "".join(texts) == content
    assert content.startswith("```python\n")


async def test_non_streamed_answers_and_errors_record_nothing(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="plain"), Turn(status=429))
    assert (await client.post("/chat/completions", json=chat_body())).status_code == 200
    body = chat_body(stream=True)
    assert (await client.post("/chat/completions", json=body)).status_code == 429
    assert [r.chunk_times for r in sim.requests] == [[], []]


async def test_a_dropped_stream_records_what_was_written(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content=CONTENT, chunk_chars=5, drop_after=3))
    with pytest.raises(httpx.HTTPError):
        await stream_chat(client, chat_body())
    texts = [text for _, text in sim.requests[0].chunk_times]
    assert texts == ["", CONTENT[:5], CONTENT[5:10]]
