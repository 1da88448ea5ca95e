"""Streaming Chat Completions over one shared `httpx.AsyncClient`.

`ModelClient.stream` yields `StreamEvent`s: reasoning and content deltas kept apart, tool
calls started, retries announced, and finally `Completed` with the whole turn. It retries
what is worth retrying before any content has reached the caller (see `retry.py`), and
cancelling the consuming task closes the HTTP stream at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncGenerator, Awaitable, Callable

import httpx

from kimi_lsp.model.accumulate import TurnAccumulator
from kimi_lsp.model.endpoint import Endpoint, Timeouts
from kimi_lsp.model.errors import (
    ApiKeyMissing,
    ConnectionFailed,
    ContentFiltered,
    ModelError,
    ReasoningExhausted,
    StreamCutOff,
    redact,
)
from kimi_lsp.model.http_errors import error_detail, error_from_response
from kimi_lsp.model.retry import RetryPolicy, retry_delay
from kimi_lsp.model.sse import SseDecoder
from kimi_lsp.model.types import ChatRequest, Completed, JsonDict, Retrying, StreamEvent, TurnResult

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


def build_body(endpoint: Endpoint, request: ChatRequest) -> JsonDict:
    """The JSON body of a streaming request."""
    body: JsonDict = {
        "model": endpoint.model,
        "messages": request.messages,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if request.tools:
        body["tools"] = request.tools
        body["tool_choice"] = "auto"
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.stop:
        body["stop"] = request.stop[:4]
    if request.reasoning_effort and endpoint.accepts_reasoning_effort:
        body["reasoning_effort"] = request.reasoning_effort
    body.update(request.extra)
    return body


class ModelClient:
    """The chat client: create it inside the running event loop, `aclose` it on shutdown."""

    def __init__(
        self,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        """Applied to each request as it starts; may be changed between requests."""
        self.retry = retry or RetryPolicy()
        """Applied to each request as it starts; may be changed between requests."""
        self._sleep = sleep
        self._rng = rng
        self._http = httpx.AsyncClient(
            transport=transport,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
            headers={"User-Agent": "kimi-lsp"},
        )

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._http.aclose()

    async def stream(
        self, endpoint: Endpoint, request: ChatRequest
    ) -> AsyncGenerator[StreamEvent, None]:
        """Stream one assistant turn. Raises `ModelError` when it fails for good."""
        if endpoint.api_key is None or not endpoint.api_key.get_secret_value():
            raise ApiKeyMissing(f"No API key is set for {endpoint.provider}: {endpoint.key_hint}.")
        body = build_body(endpoint, request)
        policy, t = self.retry, self.timeouts
        timeout = httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.connect)
        attempt = 0
        while True:
            acc = TurnAccumulator(endpoint.model)
            try:
                async for event in self._attempt(endpoint, body, acc, timeout):
                    yield event
                yield Completed(_finished(acc, request))
                return
            except ModelError as error:
                attempt += 1
                delay = retry_delay(
                    error, attempt, policy, output_started=acc.has_output, rng=self._rng
                )
                if delay is None:
                    raise _final(error, acc) from None
                log.info("retry %d in %.2fs: %s", attempt, delay, error.message)
                yield Retrying(attempt, delay, error.message)
                await self._sleep(delay)

    async def _attempt(
        self, endpoint: Endpoint, body: JsonDict, acc: TurnAccumulator, timeout: httpx.Timeout
    ) -> AsyncGenerator[StreamEvent, None]:
        key = endpoint.api_key.get_secret_value() if endpoint.api_key else ""
        headers = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
        log.debug(
            "POST %s model=%s messages=%d", endpoint.chat_url, endpoint.model, len(body["messages"])
        )
        try:
            async with self._http.stream(
                "POST", endpoint.chat_url, json=body, headers=headers, timeout=timeout
            ) as response:
                if response.status_code >= 400:
                    data = await response.aread()
                    raise error_from_response(
                        response.status_code, data, response.headers.get("retry-after"), endpoint
                    )
                async for event in _decode(response, acc, endpoint):
                    yield event
        except httpx.TimeoutException as exc:
            raise ConnectionFailed(_network_message(endpoint, exc, "timed out")) from None
        except httpx.TransportError as exc:
            raise ConnectionFailed(_network_message(endpoint, exc, "failed")) from None


async def _decode(
    response: httpx.Response, acc: TurnAccumulator, endpoint: Endpoint
) -> AsyncGenerator[StreamEvent, None]:
    decoder = SseDecoder()
    async for chunk in response.aiter_bytes():
        for event in decoder.feed(chunk):
            if event.data.strip() == "[DONE]":
                return
            for out in acc.add(_chunk_json(event.data, endpoint)):
                yield out
    for event in decoder.close():
        if event.data.strip() == "[DONE]":
            return
        for out in acc.add(_chunk_json(event.data, endpoint)):
            yield out
    if acc.finish_reason is None:
        raise StreamCutOff(
            f"The stream from {endpoint.provider} ended before the answer was complete "
            "(no finish_reason and no [DONE])."
        )


def _chunk_json(data: str, endpoint: Endpoint) -> JsonDict:
    try:
        chunk = json.loads(data)
    except ValueError:
        raise StreamCutOff(
            f"{endpoint.provider} sent a malformed stream event: "
            f"{redact(data[:120], endpoint.secrets())!r}"
        ) from None
    if not isinstance(chunk, dict):
        raise StreamCutOff(f"{endpoint.provider} sent a stream event that is not an object.")
    if "error" in chunk:
        status = chunk["error"].get("code") if isinstance(chunk["error"], dict) else None
        raise error_from_response(
            status if isinstance(status, int) else 500, data.encode(), None, endpoint
        )
    return chunk


def _finished(acc: TurnAccumulator, request: ChatRequest) -> TurnResult:
    result = acc.result()
    if result.finish_reason == "length" and not result.content.strip() and not result.tool_calls:
        budget = request.max_tokens if request.max_tokens is not None else "the default"
        raise ReasoningExhausted(
            f"The model's reasoning used the whole max_tokens budget ({budget}) before it "
            "wrote an answer. Raise kimi.maxTokens, or ask about a smaller selection.",
            usage=result.usage,
        )
    if result.finish_reason == "content_filter":
        raise ContentFiltered(
            "The provider's content filter stopped the answer.", usage=result.usage
        )
    return result


def _final(error: ModelError, acc: TurnAccumulator) -> ModelError:
    if error.usage is None:
        error.usage = acc.usage
    if acc.has_output and isinstance(error, ConnectionFailed):
        cut = StreamCutOff(f"The answer was cut off: {error.message}", usage=error.usage)
        return cut
    return error


def _network_message(endpoint: Endpoint, exc: Exception, what: str) -> str:
    detail = redact(str(exc) or type(exc).__name__, endpoint.secrets())
    return f"The connection to {endpoint.provider} ({endpoint.base_url}) {what}: {detail}"


__all__ = ["ModelClient", "build_body", "error_detail"]
