"""Reading one successful HTTP response into turn events.

The normal answer is an SSE stream of chat-completion chunks. Some OpenAI-compatible
servers ignore `stream: true` and answer with one JSON `chat.completion`; that is read as
if it had been streamed in one piece.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator

import httpx

from kimi_lsp.model.accumulate import TurnAccumulator
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import BadRequest, StreamCutOff, redact
from kimi_lsp.model.http_errors import error_from_response
from kimi_lsp.model.sse import SseDecoder
from kimi_lsp.model.types import JsonDict, StreamEvent


async def decode_response(
    response: httpx.Response, acc: TurnAccumulator, endpoint: Endpoint
) -> AsyncGenerator[StreamEvent, None]:
    """Events of one response; raises when the stream is malformed or cut off."""
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        for out in acc.add(_completion_as_chunk(await response.aread(), endpoint)):
            yield out
        return
    decoder = SseDecoder()
    async for chunk in response.aiter_bytes():
        for sse in decoder.feed(chunk):
            if sse.data.strip() == "[DONE]":
                return
            for out in acc.add(chunk_json(sse.data, endpoint)):
                yield out
    for sse in decoder.close():
        if sse.data.strip() == "[DONE]":
            return
        for out in acc.add(chunk_json(sse.data, endpoint)):
            yield out
    if acc.finish_reason is None:
        raise StreamCutOff(
            f"The stream from {endpoint.provider} ended before the answer was complete "
            "(no finish_reason and no [DONE])."
        )


def chunk_json(data: str, endpoint: Endpoint) -> JsonDict:
    """One SSE data payload as a chunk; an in-stream error becomes its `ModelError`."""
    try:
        chunk = json.loads(data)
    except ValueError:
        shown = redact(data[:120], endpoint.secrets())
        raise StreamCutOff(
            f"{endpoint.provider} sent a malformed stream event: {shown!r}"
        ) from None
    if not isinstance(chunk, dict):
        raise StreamCutOff(f"{endpoint.provider} sent a stream event that is not an object.")
    error = chunk.get("error")
    if error:
        code = error.get("code") if isinstance(error, dict) else None
        status = code if isinstance(code, int) and 400 <= code < 600 else 500
        raise error_from_response(status, data.encode(), None, endpoint)
    return chunk


def _completion_as_chunk(body: bytes, endpoint: Endpoint) -> JsonDict:
    """A non-streaming `chat.completion` rewritten as one final chunk."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise BadRequest(f"{endpoint.provider} answered with JSON that is not a completion.")
    if data.get("error"):
        return chunk_json(body.decode("utf-8", "replace"), endpoint)
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise BadRequest(f"{endpoint.provider} answered with a completion without choices.")
    message = choices[0].get("message") or {}
    delta: JsonDict = {
        key: message.get(key) for key in ("content", "reasoning_content") if message.get(key)
    }
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        delta["tool_calls"] = [
            {**call, "index": i} for i, call in enumerate(calls) if isinstance(call, dict)
        ]
    return {
        "model": data.get("model"),
        "usage": data.get("usage"),
        "choices": [
            {"index": 0, "delta": delta, "finish_reason": choices[0].get("finish_reason") or "stop"}
        ],
    }
