"""Error answers of every shape keep their message; errors inside a stream are reported as
such; retries honour every rate-limit header; credentials never reach a message."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import (
    AuthenticationFailed,
    BadRequest,
    ModelError,
    QuotaExceeded,
    RateLimited,
    ServerError,
)
from kimi_lsp.model.retry import GHOST_TEXT
from kimi_lsp.model.types import Completed, Retrying

from .wire import (
    ENDPOINT,
    KEY,
    REQUEST,
    Recorder,
    answer,
    client_for,
    collect,
    delta,
    ok,
    sse,
    status,
)


@pytest.mark.parametrize(
    "body",
    [
        {"object": "error", "message": "context too long: 300000 tokens", "type": "BadRequestError",
         "param": None, "code": 400},
        {"detail": "context too long: 300000 tokens"},
        {"detail": [{"loc": ["body", "messages"], "msg": "context too long: 300000 tokens",
                     "type": "value_error"}]},
        {"error": {"message": "litellm.BadRequestError: context too long: 300000 tokens",
                   "type": None, "param": None, "code": "400"}},
        {"error": "context too long: 300000 tokens"},
        {"message": "context too long: 300000 tokens"},
        {"detail": {"error": "context too long: 300000 tokens"}},
        "<html><head><title>400 context too long: 300000 tokens</title></head><body/></html>",
        "context too long: 300000 tokens",
    ],
    ids=["vllm", "fastapi", "fastapi-list", "litellm", "error-string", "message", "detail-dict",
         "html", "text"],
)  # fmt: skip
async def test_every_error_body_shape_keeps_its_message(body: Any) -> None:
    with pytest.raises(BadRequest) as caught:
        await collect(client_for(Recorder(status(400, body)), []))
    assert "context too long: 300000 tokens" in caught.value.message
    assert "<" not in caught.value.message
    assert caught.value.message.endswith(".")


EVENT_ERROR = b'event: error\ndata: {"message": "upstream overloaded"}\n\n'


@pytest.mark.parametrize(
    "stream",
    [
        sse(delta(reasoning_content="r"), {"error": {"message": "upstream overloaded",
                                                     "type": "server_error"}}),
        sse(delta(reasoning_content="r"), {"object": "error", "message": "upstream overloaded",
                                           "type": "InternalServerError", "code": 500}),
        sse(delta(reasoning_content="r")) + EVENT_ERROR,
        sse(delta(reasoning_content="r")) + b"event: error\ndata: upstream overloaded\n\n",
    ],
    ids=["error-object", "vllm-object", "event-error-json", "event-error-text"],
)  # fmt: skip
async def test_an_error_inside_the_stream_is_reported_without_an_invented_status(
    stream: bytes,
) -> None:
    recorder = Recorder(ok(stream))
    with pytest.raises(ServerError) as caught:
        await collect(client_for(recorder, []))
    assert "upstream overloaded" in caught.value.message
    assert "HTTP" not in caught.value.message
    assert caught.value.status is None
    assert len(recorder.requests) == 4  # nothing was written yet: retried


async def test_an_error_inside_the_stream_after_content_is_final() -> None:
    body = sse(delta(content="Half an"), {"error": {"message": "boom", "code": 500}})
    recorder = Recorder(ok(body))
    with pytest.raises(ModelError, match="boom") as caught:
        await collect(client_for(recorder, []))
    assert "HTTP 500" not in caught.value.message
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ({"code": 429, "message": "slow down"}, RateLimited),
        ({"type": "rate_limit_error", "message": "slow down"}, RateLimited),
        ({"code": "429", "message": "slow down"}, RateLimited),
        ({"type": "exceeded_current_quota_error", "message": "slow down"}, QuotaExceeded),
        ({"code": 400, "message": "slow down"}, BadRequest),
    ],
)
async def test_in_stream_errors_are_classified_by_type_and_code(
    error: dict[str, Any], kind: type[ModelError]
) -> None:
    with pytest.raises(kind) as caught:
        await collect(client_for(Recorder(ok(sse({"error": error}))), []))
    assert caught.value.status is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"llm_provider-retry-after": "7"}, 7.0),
        ({"llm_provider-retry-after-ms": "700"}, 0.7),
        ({"retry-after": "3", "llm_provider-retry-after": "7"}, 3.0),
        ({"retry-after-ms": "nan", "retry-after": "2"}, 2.0),
    ],
)
async def test_every_rate_limit_header_is_honoured(
    headers: dict[str, str], expected: float
) -> None:
    sleeps: list[float] = []
    events = await collect(client_for(Recorder(status(429, **headers), ok(answer())), sleeps))
    assert sleeps == [expected]
    retry = events[0]
    assert isinstance(retry, Retrying)
    assert retry.rate_limited
    assert retry.retry_after == expected


async def test_ghost_text_does_not_wait_for_a_long_llm_provider_retry_after() -> None:
    recorder = Recorder(status(429, **{"llm_provider-retry-after": "7"}), ok(answer()))
    with pytest.raises(RateLimited) as caught:
        await collect_with(recorder, GHOST_TEXT)
    assert caught.value.retry_after == 7.0
    assert len(recorder.requests) == 1


async def collect_with(recorder: Recorder, policy: Any) -> list[Any]:
    client = client_for(recorder, [])
    return [e async for e in client.stream(ENDPOINT, REQUEST, retry=policy)]


async def test_408_is_retried() -> None:
    recorder = Recorder(status(408), ok(answer()))
    events = await collect(client_for(recorder, []))
    assert isinstance(events[-1], Completed)
    assert len(recorder.requests) == 2


async def test_litellm_without_a_database_refusing_a_key_says_the_key_was_refused() -> None:
    body = {"error": {"message": "No connected db.", "type": "no_db_connection",
                      "param": None, "code": "400"}}  # fmt: skip
    recorder = Recorder(status(400, body))
    with pytest.raises(AuthenticationFailed) as caught:
        await collect(client_for(recorder, []))
    assert caught.value.kind == "auth"
    assert "refused" in caught.value.message
    assert "EMPIRIOLABS_API_KEY" in caught.value.message
    assert "No connected db." in caught.value.message
    assert len(recorder.requests) == 1


CREDENTIALED = Endpoint(
    provider="openai-compatible",
    base_url="https://alice:pa55-w0rd-XyZ@proxy.example.test/v1",
    model="kimi-k2-7-code",
    api_key=SecretStr(KEY),
    key_hint="set kimi.apiKey",
)


@pytest.mark.parametrize(
    "handler",
    [status(401), status(404), status(503), status(400, {"detail": "no"}),
     lambda r: httpx.Response(302, headers={"location": "https://alice:pa55-w0rd-XyZ@x.test/v1"})],
    ids=["401", "404", "503", "400", "redirect"],
)  # fmt: skip
async def test_credentials_in_the_base_url_never_reach_an_error(handler: Any) -> None:
    with pytest.raises(ModelError) as caught:
        await collect(client_for(Recorder(handler), []), endpoint=CREDENTIALED)
    assert "pa55-w0rd-XyZ" not in caught.value.message
    assert "proxy.example.test" in caught.value.message or "x.test" in caught.value.message


async def test_an_echoed_key_is_redacted_before_the_message_is_cut() -> None:
    # the key straddles the cut: cutting first would leave its start visible
    echo = "x" * 290 + f" Incorrect API key provided: {KEY}"
    with pytest.raises(AuthenticationFailed) as caught:
        await collect(client_for(Recorder(status(401, {"error": {"message": echo}})), []))
    assert KEY[:6] not in caught.value.message
    malformed = "data: {" + "y" * 100 + KEY + "\n\n"
    with pytest.raises(ModelError) as caught_stream:
        await collect(client_for(Recorder(ok(malformed.encode())), []))
    assert KEY[:6] not in caught_stream.value.message


LITELLM_429 = {
    "error": {
        "message": "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached:"
        " over per-minute limit\n\nLiteLLM: model group 'kimi-k2-7-code' failed with the error"
        " above. No fallback was attempted.",
        "type": "throttling_error",
        "param": None,
        "code": "429",
    }
}


async def test_a_litellm_429_names_the_proxy_and_keeps_only_the_providers_words() -> None:
    headers = {"llm_provider-retry-after": "2", "x-litellm-call-id": "abc"}
    recorder = Recorder(status(429, LITELLM_429, **headers))
    with pytest.raises(RateLimited) as caught:
        await collect(client_for(recorder, []))
    message = caught.value.message
    assert message.startswith("The LiteLLM proxy at https://api.example.test/v1 is rate-limiting")
    assert "Rate limit reached: over per-minute limit." in message
    assert "litellm.RateLimitError" not in message
    assert "model group" not in message
    assert caught.value.retry_after == 2.0


@pytest.mark.parametrize("code", [400, 422, 429])
async def test_a_spent_proxy_budget_is_not_retried_and_says_whom_to_ask(code: int) -> None:
    body = {"error": {"message": "Budget has been exceeded! Current cost: 5.1, Max budget: 5.0",
                      "type": "budget_exceeded", "param": None, "code": str(code)}}  # fmt: skip
    recorder = Recorder(status(code, body, **{"x-litellm-version": "1"}))
    with pytest.raises(QuotaExceeded) as caught:
        await collect(client_for(recorder, []))
    assert "budget" in caught.value.message
    assert "Max budget: 5.0" in caught.value.message
    assert len(recorder.requests) == 1


async def test_a_model_the_proxy_does_not_offer_names_the_setting() -> None:
    body = {"error": {"message": "/chat/completions: Invalid model name passed in model=kimi. "
                      "Call `/v1/models` to view available models for your key.",
                      "type": "invalid_request_error", "param": None, "code": "400"}}  # fmt: skip
    with pytest.raises(ModelError) as caught:
        await collect(client_for(Recorder(status(400, body)), []))
    assert caught.value.kind == "not-found"
    assert "kimi.model" in caught.value.message
