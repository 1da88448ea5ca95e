"""The model client against `httpx.MockTransport`: streaming, errors, retries, cancel."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from kimi_lsp.model.client import ModelClient
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import (
    ApiKeyMissing,
    AuthenticationFailed,
    ModelError,
    ModelNotFound,
    QuotaExceeded,
    ReasoningExhausted,
    StreamCutOff,
)
from kimi_lsp.model.retry import RetryPolicy
from kimi_lsp.model.types import (
    ChatRequest,
    Completed,
    ContentDelta,
    ReasoningDelta,
    Retrying,
    StreamEvent,
)

KEY = "sk-unit-test-secret-123456"
ENDPOINT = Endpoint(
    provider="empiriolabs",
    base_url="https://api.example.test/v1",
    model="kimi-k2-7-code",
    api_key=SecretStr(KEY),
    key_hint="set EMPIRIOLABS_API_KEY",
)
REQUEST = ChatRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=100)


def sse(*chunks: dict[str, Any] | str) -> bytes:
    out = b""
    for c in chunks:
        out += b"data: " + (c if isinstance(c, str) else json.dumps(c)).encode() + b"\n\n"
    return out


def delta(**d: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": d, "finish_reason": None}]}


def finish(reason: str = "stop") -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": {}, "finish_reason": reason}]}


USAGE = {"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 9}}
GOOD = sse(
    delta(role="assistant"),
    delta(reasoning_content="hmm"),
    delta(content="Hi"),
    delta(content="!"),
    finish(),
    USAGE,
    "[DONE]",
)


class Recorder:
    def __init__(self, *responses: Callable[[httpx.Request], httpx.Response]) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.responses[min(len(self.requests), len(self.responses)) - 1](request)


def ok(body: bytes = GOOD) -> Callable[[httpx.Request], httpx.Response]:
    return lambda r: httpx.Response(
        200, content=body, headers={"content-type": "text/event-stream"}
    )


def status(
    code: int, body: dict[str, Any] | None = None, **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    payload = body or {"error": {"type": "x", "message": f"status {code}"}}
    return lambda r: httpx.Response(code, json=payload, headers=headers)


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


async def test_streams_reasoning_then_content_and_sends_the_documented_body() -> None:
    recorder = Recorder(ok())
    events = await collect(client_for(recorder))
    assert events[:3] == [ReasoningDelta("hmm"), ContentDelta("Hi"), ContentDelta("!")]
    done = events[-1]
    assert isinstance(done, Completed)
    assert done.result.content == "Hi!"
    assert done.result.usage is not None
    assert done.result.usage.completion_tokens == 9
    sent = json.loads(recorder.requests[0].content)
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}
    assert sent["model"] == "kimi-k2-7-code"
    assert sent["max_tokens"] == 100
    assert recorder.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert str(recorder.requests[0].url) == "https://api.example.test/v1/chat/completions"


async def test_reasoning_effort_only_for_providers_that_accept_it() -> None:
    recorder = Recorder(ok())
    request = ChatRequest(messages=REQUEST.messages, reasoning_effort="low")
    await collect(client_for(recorder), request)
    assert "reasoning_effort" not in json.loads(recorder.requests[0].content)
    gateway = Endpoint(**{**ENDPOINT.__dict__, "accepts_reasoning_effort": True})
    await collect(client_for(recorder), request, gateway)
    assert json.loads(recorder.requests[1].content)["reasoning_effort"] == "low"


async def test_429_then_success_waits_for_retry_after() -> None:
    sleeps: list[float] = []
    recorder = Recorder(status(429, **{"Retry-After": "2"}), ok())
    events = await collect(client_for(recorder, sleeps))
    assert sleeps == [2.0]
    assert isinstance(events[0], Retrying)
    assert events[0].attempt == 1
    assert isinstance(events[-1], Completed)
    assert len(recorder.requests) == 2


async def test_500_and_503_then_success() -> None:
    sleeps: list[float] = []
    recorder = Recorder(status(500), status(503), ok())
    events = await collect(client_for(recorder, sleeps))
    assert len(sleeps) == 2
    assert sleeps[1] > 0
    assert isinstance(events[-1], Completed)


async def test_server_errors_give_up_after_max_retries() -> None:
    recorder = Recorder(status(503))
    with pytest.raises(ModelError, match="HTTP 503"):
        await collect(client_for(recorder, []))
    assert len(recorder.requests) == 4


async def test_401_is_not_retried_names_the_key_and_never_echoes_it() -> None:
    recorder = Recorder(
        status(401, {"error": {"type": "authentication_error", "message": f"bad key {KEY}"}})
    )
    with pytest.raises(AuthenticationFailed) as caught:
        await collect(client_for(recorder, []))
    assert len(recorder.requests) == 1
    assert "EMPIRIOLABS_API_KEY" in caught.value.message
    assert KEY not in caught.value.message


async def test_404_names_model_and_base_url() -> None:
    with pytest.raises(ModelNotFound) as caught:
        await collect(client_for(Recorder(status(404)), []))
    assert "kimi-k2-7-code" in caught.value.message
    assert "https://api.example.test/v1" in caught.value.message


async def test_quota_429_is_not_retried() -> None:
    recorder = Recorder(
        status(429, {"error": {"type": "exceeded_current_quota_error", "message": "no"}})
    )
    with pytest.raises(QuotaExceeded):
        await collect(client_for(recorder, []))
    assert len(recorder.requests) == 1


async def test_missing_key_names_the_variable_without_a_request() -> None:
    recorder = Recorder(ok())
    keyless = Endpoint(**{**ENDPOINT.__dict__, "api_key": None})
    with pytest.raises(ApiKeyMissing, match="EMPIRIOLABS_API_KEY"):
        await collect(client_for(recorder), endpoint=keyless)
    assert recorder.requests == []


async def test_stream_without_finish_or_done_is_a_failure_never_an_answer() -> None:
    recorder = Recorder(ok(sse(delta(content="partial answer"))))
    with pytest.raises(StreamCutOff):
        await collect(client_for(recorder, []))
    assert len(recorder.requests) == 1  # content had started: not retried


async def test_cut_off_before_content_is_retried() -> None:
    recorder = Recorder(ok(sse(delta(reasoning_content="hm"))), ok())
    events = await collect(client_for(recorder, []))
    assert any(isinstance(e, Retrying) for e in events)
    assert isinstance(events[-1], Completed)


async def test_length_with_empty_content_means_reasoning_used_the_budget() -> None:
    body = sse(delta(reasoning_content="long thought"), finish("length"), USAGE, "[DONE]")
    with pytest.raises(ReasoningExhausted, match="max_tokens") as caught:
        await collect(client_for(Recorder(ok(body)), []))
    assert caught.value.usage is not None
    assert caught.value.usage.completion_tokens == 9


async def test_malformed_event_before_content_is_retried_then_reported() -> None:
    recorder = Recorder(ok(sse("{not json")))
    with pytest.raises(StreamCutOff, match="malformed"):
        await collect(client_for(recorder, []))
    assert len(recorder.requests) == 4


class _Dropping(httpx.AsyncByteStream):
    def __init__(self, before: bytes) -> None:
        self.before = before

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.before
        raise httpx.RemoteProtocolError("peer closed connection")


async def test_connection_dropped_mid_answer_is_cut_off() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, stream=_Dropping(sse(delta(content="half")))))
    with pytest.raises(StreamCutOff, match="cut off"):
        await collect(client_for(recorder, []))


class _Endless(httpx.AsyncByteStream):
    def __init__(self) -> None:
        self.closed = asyncio.Event()
        self.started = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield sse(delta(content="first"))
        self.started.set()
        await asyncio.Event().wait()
        yield b""  # pragma: no cover

    async def aclose(self) -> None:
        self.closed.set()


async def test_cancelling_the_consumer_closes_the_http_stream() -> None:
    stream = _Endless()
    client = client_for(Recorder(lambda r: httpx.Response(200, stream=stream)))

    async def consume() -> None:
        async for _ in client.stream(ENDPOINT, REQUEST):
            pass

    task = asyncio.create_task(consume())
    await stream.started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(stream.closed.wait(), 5)
    assert stream.closed.is_set()


async def test_plain_json_completion_is_read_as_one_chunk() -> None:
    body = {
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "whole", "reasoning_content": "r"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4},
    }
    recorder = Recorder(lambda r: httpx.Response(200, json=body))
    events = await collect(client_for(recorder))
    assert events[:2] == [ReasoningDelta("r"), ContentDelta("whole")]
    done = events[-1]
    assert isinstance(done, Completed)
    assert done.result.usage is not None
    assert done.result.usage.prompt_tokens == 3


async def test_redirect_is_an_error_that_names_the_target_and_is_not_retried() -> None:
    recorder = Recorder(
        lambda r: httpx.Response(
            301, headers={"location": "https://api.example.test/v1/chat/completions"}
        )
    )
    with pytest.raises(ModelError, match="redirects") as caught:
        await collect(client_for(recorder, []))
    assert "https://api.example.test" in caught.value.message
    assert len(recorder.requests) == 1


async def test_error_null_in_a_chunk_is_not_an_error() -> None:
    body = sse({**delta(content="fine"), "error": None}, finish(), "[DONE]")
    events = await collect(client_for(Recorder(ok(body))))
    assert ContentDelta("fine") in events


async def test_in_stream_error_object_is_an_error() -> None:
    body = sse(
        delta(reasoning_content="x"),
        {"error": {"code": 429, "type": "exceeded_current_quota_error", "message": "quota"}},
    )
    with pytest.raises(QuotaExceeded):
        await collect(client_for(Recorder(ok(body)), []))


async def test_unusable_base_url_is_a_clear_error() -> None:
    broken = Endpoint(**{**ENDPOINT.__dict__, "base_url": "http://[::1/v1"})
    with pytest.raises(ModelError, match="not a usable URL"):
        await collect(client_for(Recorder(ok()), []), endpoint=broken)
