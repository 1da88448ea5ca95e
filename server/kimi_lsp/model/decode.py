"""Reading one successful HTTP response into turn events.

The normal answer is an SSE stream of chat-completion chunks. Some OpenAI-compatible
servers ignore `stream: true` and answer with one JSON `chat.completion`; that is read as
if it had been streamed in one piece. Either way the meter sees every byte and every
chunk, so an endless or oversized answer is stopped (see `meter.py`), and an error sent
inside the stream (`data: {"error": ...}`, vLLM's `{"object": "error"}`, an SSE
`event: error`) becomes its `ModelError`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator

import httpx

from kimi_lsp.model.accumulate import TurnAccumulator
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import AnswerTooLong, BadResponse, StreamCutOff, quote
from kimi_lsp.model.http_errors import stream_error
from kimi_lsp.model.meter import StreamMeter
from kimi_lsp.model.sse import MAX_EVENT_BYTES, SseDecoder, SseTooLarge
from kimi_lsp.model.types import JsonDict, StreamEvent


async def decode_response(
    response: httpx.Response, acc: TurnAccumulator, endpoint: Endpoint, meter: StreamMeter
) -> AsyncGenerator[StreamEvent, None]:
    """Events of one response; raises when the stream is malformed, cut off or too long."""
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        body = await read_limited(response, MAX_EVENT_BYTES, meter)
        if len(body) > MAX_EVENT_BYTES:
            raise _too_large(endpoint, "answer")
        for out in acc.add(_completion_as_chunk(body, endpoint)):
            yield out
        for out in acc.end():
            yield out
        meter.update(acc.output_chars, acc.usage)
        return
    decoder = SseDecoder()
    try:
        async for chunk in response.aiter_bytes():
            meter.received(len(chunk))
            try:
                events = list(decoder.feed(chunk))
            except SseTooLarge:
                raise _too_large(endpoint, "stream event") from None
            for sse in events:
                if sse.data.strip() == "[DONE]":
                    for out in acc.end():
                        yield out
                    return
                for out in acc.add(chunk_json(sse.data, endpoint, sse.event)):
                    yield out
                meter.update(acc.output_chars, acc.usage)
    finally:
        decoder.reset()  # a stream given up must not keep its pieces alive
    if acc.finish_reason is None:
        raise StreamCutOff(
            f"The stream from {endpoint.provider} ended before the answer was complete "
            "(no finish_reason and no [DONE])."
        )
    for out in acc.end():
        yield out


async def read_limited(
    response: httpx.Response, limit: int, meter: StreamMeter | None = None
) -> bytes:
    """The body, read up to one byte past `limit` (a longer body is not read further)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        if meter is not None:
            meter.received(len(chunk))
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(parts)[: limit + 1]


def _too_large(endpoint: Endpoint, what: str) -> AnswerTooLong:
    return AnswerTooLong(
        f"{endpoint.provider} sent one {what} of more than {MAX_EVENT_BYTES // 2**20} MiB, "
        "and it was stopped: no chat answer needs that much. Check the server behind "
        "kimi.baseUrl."
    )


def chunk_json(data: str, endpoint: Endpoint, event: str = "message") -> JsonDict:
    """One SSE data payload as a chunk; an in-stream error becomes its `ModelError`."""
    try:
        chunk = json.loads(data)
    except ValueError:
        if event == "error":
            raise stream_error(data, endpoint) from None
        shown = quote(data, endpoint.secrets(), 120)
        raise StreamCutOff(
            f"{endpoint.provider} sent a malformed stream event: {shown!r}."
        ) from None
    if event == "error" or (isinstance(chunk, dict) and _is_error(chunk)):
        raise stream_error(chunk, endpoint)
    if not isinstance(chunk, dict):
        raise StreamCutOff(f"{endpoint.provider} sent a stream event that is not an object.")
    return chunk


def _is_error(chunk: JsonDict) -> bool:
    return bool(chunk.get("error")) or (
        chunk.get("object") == "error" and not isinstance(chunk.get("choices"), list)
    )


def _completion_as_chunk(body: bytes, endpoint: Endpoint) -> JsonDict:
    """A non-streaming `chat.completion` rewritten as one final chunk."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise BadResponse(f"{endpoint.provider} answered with JSON that is not a completion.")
    if _is_error(data):
        raise stream_error(data, endpoint)
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise BadResponse(f"{endpoint.provider} answered with a completion without choices.")
    message = choices[0].get("message", choices[0].get("delta"))
    if not isinstance(message, dict):
        raise BadResponse(
            f"{endpoint.provider} answered with a completion whose message is not an object "
            "(it is not an OpenAI-compatible chat completion). Check kimi.baseUrl."
        )
    delta: JsonDict = {
        key: message[key]
        for key in ("content", "reasoning_content", "reasoning", "reasoning_details")
        if message.get(key)
    }
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        delta["tool_calls"] = [
            {**call, "index": i} for i, call in enumerate(calls) if isinstance(call, dict)
        ]
    return {
        "model": data.get("model"),
        "usage": data.get("usage"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": choices[0].get("finish_reason")}],
    }
