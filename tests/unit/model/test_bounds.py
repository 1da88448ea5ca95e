"""Nothing unbounded gets through: an answer past max_tokens, endless reasoning, a stream
that only sends keep-alives, one huge SSE line or JSON body. Each is stopped with a clear
error and its HTTP stream closed; an honest answer within max_tokens is never cut."""

from __future__ import annotations

import json

import httpx
import pytest

from kimi_lsp.model import meter
from kimi_lsp.model.errors import AnswerTooLong, ModelError
from kimi_lsp.model.meter import BOUND_CHARS_PER_TOKEN
from kimi_lsp.model.sse import MAX_EVENT_BYTES
from kimi_lsp.model.types import ChatRequest, Completed, ContentDelta, ReasoningDelta

from .wire import (
    ENDPOINT,
    REQUEST,
    Endless,
    Recorder,
    client_for,
    collect,
    delta,
    ok,
    sse,
    streaming,
)

ROLE = sse(delta(role="assistant"))


@pytest.mark.parametrize(
    "piece",
    [
        sse(delta(content="All work and no play. ")),
        sse(delta(reasoning_content="Let me think again. ")),
        sse(delta(reasoning="Thinking, OpenRouter style. ")),
        sse(delta(content="<think>")) + sse(delta(content="hidden thoughts ")),
        sse(delta(tool_calls=[{"index": 0, "function": {"arguments": '"aaaaaaaaaaaaaaaa'}}])),
    ],
    ids=["content", "reasoning", "reasoning-field", "think-tags", "tool-arguments"],
)
async def test_an_endless_answer_is_stopped_at_max_tokens_and_its_stream_closed(
    piece: bytes,
) -> None:
    stream = Endless(piece, head=ROLE)
    recorder = Recorder(streaming(stream))
    with pytest.raises(AnswerTooLong) as caught:
        await collect(client_for(recorder, []), ChatRequest(REQUEST.messages, max_tokens=256))
    assert caught.value.kind == "cut-off"
    assert "max_tokens of 256" in caught.value.message
    assert caught.value.message.endswith(".")
    assert stream.closed.is_set()
    assert len(recorder.requests) == 1  # not retried: it would only go on again
    written = 256 * BOUND_CHARS_PER_TOKEN
    assert stream.sent < written * 12  # stopped soon after the bound (JSON framing aside)


async def test_an_honest_answer_as_long_as_max_tokens_allows_is_not_cut() -> None:
    text = "word " * (256 * 12 // 5)  # 12 characters a token: far more than real text
    chunks = [delta(content=text[i : i + 40]) for i in range(0, len(text), 40)]
    body = sse(delta(reasoning_content="r" * 200), *chunks, {"choices": [
        {"index": 0, "delta": {}, "finish_reason": "length"}]}, "[DONE]")  # fmt: skip
    events = await collect(
        client_for(Recorder(ok(body))), ChatRequest(REQUEST.messages, max_tokens=256)
    )
    done = events[-1]
    assert isinstance(done, Completed)
    assert done.result.content == text
    assert done.result.finish_reason == "length"


async def test_ghost_text_is_bound_by_its_own_max_tokens() -> None:
    stream = Endless(sse(delta(content="x = 1\n")))
    with pytest.raises(AnswerTooLong, match="64"):
        await collect(
            client_for(Recorder(streaming(stream)), []),
            ChatRequest(REQUEST.messages, max_tokens=64),
        )
    assert stream.sent < 64 * BOUND_CHARS_PER_TOKEN * 30


async def test_a_stream_of_keep_alives_alone_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meter, "MIN_WIRE_BYTES", 2**20)  # 32 MiB by default
    stream = Endless(b": keep-alive\n\n" * 256 + sse({"choices": []}))
    recorder = Recorder(streaming(stream))
    with pytest.raises(AnswerTooLong, match="MiB") as caught:
        await collect(client_for(recorder, []))
    assert "kimi.baseUrl" in caught.value.message
    assert stream.closed.is_set()
    assert 2**20 <= stream.sent < 2**21
    assert len(recorder.requests) == 1


async def test_one_oversized_sse_line_is_a_clear_error_and_is_not_kept_whole() -> None:
    filler = b"x" * 65536
    head = ROLE + b'data: {"choices": [{"index": 0, "delta": {"content": "'
    stream = Endless(filler, head=head)  # the line never ends
    recorder = Recorder(streaming(stream))
    with pytest.raises(AnswerTooLong, match="8 MiB") as caught:
        await collect(client_for(recorder, []))
    assert caught.value.kind == "cut-off"
    assert stream.closed.is_set()
    assert stream.sent <= MAX_EVENT_BYTES + 2 * len(filler)
    assert len(recorder.requests) == 1


async def test_a_big_line_within_the_cap_is_read_whole() -> None:
    text = "é" * 1_000_000
    body = sse(
        delta(content=text), {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    )
    events = await collect(
        client_for(Recorder(ok(body + b"data: [DONE]\n\n"))),
        ChatRequest(REQUEST.messages, max_tokens=131_072),
    )
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == text


async def test_an_oversized_json_body_is_stopped() -> None:
    stream = Endless(b" " * 65536, head=b'{"choices": [')
    recorder = Recorder(
        lambda r: httpx.Response(200, stream=stream, headers={"content-type": "application/json"})
    )
    with pytest.raises(AnswerTooLong, match="MiB"):
        await collect(client_for(recorder, []))
    assert stream.closed.is_set()


async def test_a_non_streamed_answer_past_max_tokens_is_refused() -> None:
    body = {
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": "y" * 10_000}}],
    }  # fmt: skip
    with pytest.raises(AnswerTooLong):
        await collect(
            client_for(Recorder(ok(json.dumps(body).encode(), "application/json")), []),
            ChatRequest(REQUEST.messages, max_tokens=256),
        )


async def test_reasoning_that_never_ends_is_stopped_before_any_content() -> None:
    stream = Endless(sse(delta(reasoning_content="hmm, ")))
    events: list[object] = []

    async def consume() -> None:
        client = client_for(Recorder(streaming(stream)), [])
        async for event in client.stream(ENDPOINT, ChatRequest(REQUEST.messages, max_tokens=300)):
            events.append(event)

    with pytest.raises(ModelError) as caught:
        await consume()
    assert isinstance(caught.value, AnswerTooLong)
    assert events
    assert all(isinstance(e, ReasoningDelta) for e in events)
