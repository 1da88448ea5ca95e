"""Helpers shared by the model tests: SSE bodies, scripted transports, endless streams."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
from pydantic import SecretStr

from kimi_lsp.model.client import ModelClient
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.retry import RetryPolicy
from kimi_lsp.model.types import ChatRequest, StreamEvent

KEY = "kimiUnitKey7Q2v9XmZp4Lw8R"
"""Not shaped like `sk-...`: only real redaction hides it."""
ENDPOINT = Endpoint(
    provider="empiriolabs",
    base_url="https://api.example.test/v1",
    model="kimi-k2-7-code",
    api_key=SecretStr(KEY),
    key_hint="set EMPIRIOLABS_API_KEY",
)
REQUEST = ChatRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=256)

Handler = Callable[[httpx.Request], httpx.Response]


def sse(*chunks: dict[str, Any] | str) -> bytes:
    out = b""
    for c in chunks:
        out += b"data: " + (c if isinstance(c, str) else json.dumps(c)).encode() + b"\n\n"
    return out


def delta(**d: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": d, "finish_reason": None}]}


def finish(reason: str | None = "stop") -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": {}, "finish_reason": reason}]}


def usage(prompt: int, completion: int) -> dict[str, Any]:
    return {"choices": [], "usage": {"prompt_tokens": prompt, "completion_tokens": completion}}


def answer(text: str = "Hi!", reasoning: str = "hmm", **usage_given: int) -> bytes:
    tail: list[dict[str, Any] | str] = [finish()]
    if usage_given:
        tail.append(usage(usage_given["prompt"], usage_given["completion"]))
    return sse(delta(reasoning_content=reasoning), delta(content=text), *tail, "[DONE]")


class Recorder:
    """Answers requests in turn (the last answer repeats) and keeps each request."""

    def __init__(self, *responses: Handler) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses[min(len(self.requests), len(self.responses)) - 1](request)


def ok(body: bytes, content_type: str = "text/event-stream") -> Handler:
    return lambda r: httpx.Response(200, content=body, headers={"content-type": content_type})


def status(code: int, body: Any = None, **headers: str) -> Handler:
    payload = body if body is not None else {"error": {"type": "x", "message": f"status {code}"}}
    if isinstance(payload, bytes | str):
        return lambda r: httpx.Response(code, content=payload, headers=headers)
    return lambda r: httpx.Response(code, json=payload, headers=headers)


class Endless(httpx.AsyncByteStream):
    """A 200 stream that sends `head`, then `piece` again and again until it is closed."""

    def __init__(self, piece: bytes, head: bytes = b"") -> None:
        self.head, self.piece = head, piece
        self.sent = 0
        self.closed = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.head:
            yield self.head
        while not self.closed.is_set():
            self.sent += len(self.piece)
            yield self.piece
            await asyncio.sleep(0)

    async def aclose(self) -> None:
        self.closed.set()


def streaming(stream: httpx.AsyncByteStream) -> Handler:
    headers = {"content-type": "text/event-stream"}
    return lambda r: httpx.Response(200, stream=stream, headers=headers)


def client_for(recorder: Recorder, sleeps: list[float] | None = None) -> ModelClient:
    async def sleep(delay: float) -> None:
        if sleeps is not None:
            sleeps.append(delay)

    return ModelClient(
        transport=httpx.MockTransport(recorder),
        retry=RetryPolicy(max_retries=3, base_delay=0.5, max_delay=8, retry_after_cap=30),
        sleep=sleep,
    )


async def collect(
    client: ModelClient, request: ChatRequest = REQUEST, endpoint: Endpoint = ENDPOINT
) -> list[StreamEvent]:
    return [event async for event in client.stream(endpoint, request)]


def pieces(text: str, cuts: list[int]) -> Iterator[str]:
    """`text` cut at the given offsets (any order, duplicates ignored)."""
    points = sorted({c % (len(text) + 1) for c in cuts})
    for a, b in zip([0, *points], [*points, len(text)], strict=True):
        if b > a:
            yield text[a:b]
