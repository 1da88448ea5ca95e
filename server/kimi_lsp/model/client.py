"""Streaming Chat Completions over one shared `httpx.AsyncClient`.

`ModelClient.stream` yields `StreamEvent`s: reasoning and content deltas kept apart, tool
calls started, retries announced, and finally `Completed` with the whole turn. It retries
what is worth retrying before any content has reached the caller (see `retry.py`), and
cancelling the consuming task closes the HTTP stream at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing

import httpx

from kimi_lsp.model.accumulate import TurnAccumulator
from kimi_lsp.model.decode import decode_response
from kimi_lsp.model.endpoint import Endpoint, Timeouts
from kimi_lsp.model.errors import (
    ApiKeyMissing,
    BadRequest,
    ConnectionFailed,
    ContentFiltered,
    ModelError,
    RateLimited,
    ReasoningExhausted,
    StreamCutOff,
    redact,
)
from kimi_lsp.model.http_errors import error_from_response
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
        self, endpoint: Endpoint, request: ChatRequest, *, retry: RetryPolicy | None = None
    ) -> AsyncGenerator[StreamEvent, None]:
        """Stream one assistant turn (retried by `retry`, else the client's policy).
        Raises `ModelError` when it fails for good."""
        require_key(endpoint)
        body = build_body(endpoint, request)
        policy, t = retry or self.retry, self.timeouts
        timeout = httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.connect)
        attempt = 0
        while True:
            acc = TurnAccumulator(endpoint.model)
            try:
                async with aclosing(self._attempt(endpoint, body, acc, timeout)) as events:
                    async for event in events:
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
                if isinstance(error, RateLimited):
                    yield Retrying(attempt, delay, error.message, True, error.retry_after)
                else:
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
                if 300 <= response.status_code < 400:
                    raise BadRequest(
                        f"{endpoint.base_url} redirects (HTTP {response.status_code}) to "
                        f"{response.headers.get('location', 'elsewhere')}; set kimi.baseUrl to "
                        "the final address (https?).",
                        status=response.status_code,
                    )
                if response.status_code >= 400:
                    data = await response.aread()
                    raise error_from_response(
                        response.status_code, data, response.headers.get("retry-after"), endpoint
                    )
                async with aclosing(decode_response(response, acc, endpoint)) as events:
                    async for event in events:
                        yield event
        except httpx.TimeoutException as exc:
            raise ConnectionFailed(_network_message(endpoint, exc, "timed out")) from None
        except httpx.TransportError as exc:
            raise ConnectionFailed(_network_message(endpoint, exc, "failed")) from None
        except (httpx.InvalidURL, ValueError) as exc:
            raise BadRequest(
                f"kimi.baseUrl {endpoint.base_url!r} is not a usable URL: "
                f"{redact(str(exc), endpoint.secrets())}"
            ) from None
        except (httpx.HTTPError, OSError) as exc:
            raise ConnectionFailed(_network_message(endpoint, exc, "failed")) from None


def require_key(endpoint: Endpoint) -> None:
    """Raise `ApiKeyMissing`, naming where to set it, when the endpoint has no key."""
    if endpoint.api_key is None or not endpoint.api_key.get_secret_value():
        raise ApiKeyMissing(f"No API key is set for {endpoint.provider}: {endpoint.key_hint}.")


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


__all__ = ["ModelClient", "build_body", "require_key"]
