"""Streaming Chat Completions over one shared `httpx.AsyncClient`.

`ModelClient.stream` yields `StreamEvent`s: reasoning and content deltas kept apart, tool
calls started, retries announced, and finally `Completed` with the whole turn. It retries
what is worth retrying before any content has reached the caller (see `retry.py`), and
cancelling the consuming task closes the HTTP stream at once. Every attempt is measured
(`meter.py`): an answer past its bounds is stopped and its stream closed.

A turn is an answer only when it finished: `finish_reason` `stop`, `tool_calls` or
`length` (with content), or none at all when the stream ended with `[DONE]` (kept as
None, so callers that need `stop` can tell). `content_filter` and anything else (`error`,
...) fail the request.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing

import httpx

from kimi_lsp.model.accumulate import TurnAccumulator
from kimi_lsp.model.decode import decode_response, read_limited
from kimi_lsp.model.endpoint import Endpoint, Timeouts
from kimi_lsp.model.errors import (
    AbnormalFinish,
    AnswerTooLong,
    ApiKeyMissing,
    BadRequest,
    ConnectionFailed,
    ContentFiltered,
    ModelError,
    RateLimited,
    ReasoningExhausted,
    StreamCutOff,
    display_url,
    quote,
    redact,
)
from kimi_lsp.model.http_errors import error_from_response
from kimi_lsp.model.memory import give_back
from kimi_lsp.model.meter import StreamMeter
from kimi_lsp.model.retry import RetryPolicy, retry_delay
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
        self,
        endpoint: Endpoint,
        request: ChatRequest,
        *,
        retry: RetryPolicy | None = None,
        meter: StreamMeter | None = None,
    ) -> AsyncGenerator[StreamEvent, None]:
        """Stream one assistant turn (retried by `retry`, else the client's policy).
        `meter` (one bound to `request.max_tokens` if not given) records each attempt.
        Raises `ModelError` when it fails for good."""
        require_key(endpoint)
        body = build_body(endpoint, request)
        policy, t = retry or self.retry, self.timeouts
        timeout = httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.connect)
        meter = meter or StreamMeter(request.max_tokens)
        attempt = 0
        while True:
            acc = TurnAccumulator(endpoint.model)
            current = meter.begin()
            try:
                async with aclosing(self._attempt(endpoint, body, acc, timeout, meter)) as events:
                    async for event in events:
                        yield event
                result = _finished(acc, request, endpoint)
                current.completed = True
                yield Completed(result)
                return
            except ModelError as error:
                if current.usage is None:
                    current.usage = error.usage or acc.usage
                attempt += 1
                delay = retry_delay(
                    error, attempt, policy, output_started=acc.has_output, rng=self._rng
                )
                if delay is None:
                    if isinstance(error, AnswerTooLong):
                        give_back()
                    raise _final(error, acc) from None
                log.info("retry %d in %.2fs: %s", attempt, delay, error.message)
                if isinstance(error, RateLimited):
                    yield Retrying(attempt, delay, error.message, True, error.retry_after)
                else:
                    yield Retrying(attempt, delay, error.message)
                await self._sleep(delay)

    async def _attempt(
        self,
        endpoint: Endpoint,
        body: JsonDict,
        acc: TurnAccumulator,
        timeout: httpx.Timeout,
        meter: StreamMeter,
    ) -> AsyncGenerator[StreamEvent, None]:
        key = endpoint.api_key.get_secret_value() if endpoint.api_key else ""
        headers = {"Authorization": f"Bearer {key}", "Accept": "text/event-stream"}
        log.debug(
            "POST %s/chat/completions model=%s messages=%d",
            endpoint.shown_url,
            endpoint.model,
            len(body["messages"]),
        )
        try:
            async with self._http.stream(
                "POST", endpoint.chat_url, json=body, headers=headers, timeout=timeout
            ) as response:
                if 300 <= response.status_code < 400:
                    target = display_url(response.headers.get("location", "elsewhere"))
                    raise BadRequest(
                        f"{endpoint.shown_url} redirects (HTTP {response.status_code}) to "
                        f"{redact(target, endpoint.secrets())}; set kimi.baseUrl to the final "
                        "address (https?).",
                        status=response.status_code,
                    )
                if response.status_code >= 400:
                    data = await read_limited(response, ERROR_BODY_BYTES)
                    raise error_from_response(
                        response.status_code, data, response.headers, endpoint
                    )
                async with aclosing(decode_response(response, acc, endpoint, meter)) as events:
                    async for event in events:
                        yield event
        except httpx.TimeoutException as exc:
            raise ConnectionFailed(_network_message(endpoint, exc, "timed out")) from None
        except httpx.TransportError as exc:
            raise ConnectionFailed(_network_message(endpoint, exc, "failed")) from None
        except (httpx.InvalidURL, ValueError) as exc:
            raise BadRequest(
                f"kimi.baseUrl {endpoint.shown_url!r} is not a usable URL: "
                f"{quote(str(exc), endpoint.secrets())}"
            ) from None
        except (httpx.HTTPError, OSError) as exc:
            raise ConnectionFailed(_network_message(endpoint, exc, "failed")) from None


def require_key(endpoint: Endpoint) -> None:
    """Raise `ApiKeyMissing`, naming where to set it, when the endpoint has no key."""
    if endpoint.api_key is None or not endpoint.api_key.get_secret_value():
        raise ApiKeyMissing(f"No API key is set for {endpoint.provider}: {endpoint.key_hint}.")


FINISHED = frozenset({"stop", "tool_calls", "length"})
"""The finish reasons of an answer; None (no reason, but `[DONE]`) is passed on as None."""
ERROR_BODY_BYTES = 64 * 1024
"""How much of an error answer is read: enough for any message, bounded for any server."""


def _finished(acc: TurnAccumulator, request: ChatRequest, endpoint: Endpoint) -> TurnResult:
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
    if result.finish_reason is not None and result.finish_reason not in FINISHED:
        reason = quote(result.finish_reason, endpoint.secrets(), 60)
        raise AbnormalFinish(
            f"{endpoint.provider} ended the answer with finish_reason {reason!r}, which is not "
            "a finished answer, so it is not used. Try again.",
            usage=result.usage,
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
    detail = quote(str(exc) or type(exc).__name__, endpoint.secrets())
    where = f"{endpoint.provider} ({endpoint.shown_url})"
    return f"The connection to {where} {what}: {detail.rstrip('.')}."


__all__ = ["ModelClient", "build_body", "require_key"]
