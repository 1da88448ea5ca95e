"""The budget holds and every billed attempt is counted: an API that reports no usage, a
retried attempt that streamed, a cut inside big tool-call arguments, absurd usage."""

from __future__ import annotations

from contextlib import aclosing

import httpx
import pytest

from kimi_lsp.model.errors import BudgetExceeded, ConnectionFailed, ModelError
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest, Completed

from .wire import (
    ENDPOINT,
    Endless,
    Recorder,
    client_for,
    delta,
    finish,
    ok,
    sse,
    streaming,
    usage,
)

REQUEST = ChatRequest(messages=[{"role": "user", "content": "x" * 396}], max_tokens=16_384)
PROMPT_TOKENS = 108  # the 429 characters of the messages as sent, at 4 per token


def service_for(recorder: Recorder, budget: float | None = None) -> ModelService:
    return ModelService(client_for(recorder, []), UsageLedger(budget_usd=budget))


async def run(service: ModelService, request: ChatRequest = REQUEST) -> Completed:
    async with aclosing(service.stream(ENDPOINT, request)) as events:
        async for event in events:
            if isinstance(event, Completed):
                return event
    raise AssertionError("no result")


def long_answer(chars: int, *tail: dict[str, object] | str) -> bytes:
    chunk = "abcd" * 250
    body = sse(*(delta(content=chunk) for _ in range(chars // len(chunk))))
    return body + sse(finish(), *tail) + b"data: [DONE]\n\n"


async def test_an_api_that_never_reports_usage_cannot_pass_the_budget() -> None:
    # each answer is 80,000 characters: about 20,000 tokens, $0.08
    recorder = Recorder(ok(long_answer(80_000)))
    service = service_for(recorder, budget=0.05)
    failures: list[ModelError] = []
    for _ in range(5):
        try:
            await run(service)
        except BudgetExceeded as error:
            failures.append(error)
    assert len(failures) == 5
    assert len(recorder.requests) == 1  # the first was stopped, the others never sent
    assert failures[0].kind == "budget"
    assert "while the model was answering" in failures[0].message
    assert "kimi.budget.sessionUsd" in failures[1].message
    snapshot = service.ledger.snapshot()
    assert snapshot["estimatedRequests"] == 1
    cost = snapshot["costUsd"]
    assert isinstance(cost, float)
    assert 0.05 <= cost < 0.0505


async def test_a_finished_answer_without_usage_is_counted_by_estimate() -> None:
    service = service_for(Recorder(ok(long_answer(4_000))))
    await run(service)
    snapshot = service.ledger.snapshot()
    assert snapshot["requests"] == 1
    assert snapshot["estimatedRequests"] == 1
    assert snapshot["promptTokens"] == PROMPT_TOKENS
    assert snapshot["completionTokens"] == 1_000


async def test_every_retried_attempt_that_streamed_is_billed() -> None:
    thinking = sse(*(delta(reasoning_content="r" * 1000) for _ in range(30)))  # 7,500 tokens
    recorder = Recorder(ok(thinking), ok(thinking), ok(thinking), ok(long_answer(0, usage(40, 3))))
    service = service_for(recorder)
    await run(service)
    snapshot = service.ledger.snapshot()
    assert len(recorder.requests) == 4
    assert snapshot["requests"] == 4
    assert snapshot["estimatedRequests"] == 3
    assert snapshot["completionTokens"] == 3 * 7_500 + 3
    assert snapshot["promptTokens"] == 3 * PROMPT_TOKENS + 40


async def test_an_attempt_that_failed_before_writing_costs_nothing() -> None:
    recorder = Recorder(
        lambda r: httpx.Response(503, json={"error": {"message": "busy"}}),
        ok(long_answer(0, usage(40, 3))),
    )
    service = service_for(recorder)
    await run(service)
    assert service.ledger.snapshot()["requests"] == 1
    assert service.ledger.snapshot()["completionTokens"] == 3


class _CutInArguments(httpx.AsyncByteStream):
    def __init__(self, size: int) -> None:
        self.size = size

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        call = {"index": 0, "id": "c", "type": "function",
                "function": {"name": "read_file", "arguments": '{"path": "'}}  # fmt: skip
        yield sse(delta(tool_calls=[call]))
        for _ in range(self.size // 4000):
            yield sse(delta(tool_calls=[{"index": 0, "function": {"arguments": "a" * 4000}}]))
        raise httpx.RemoteProtocolError("peer closed connection")


async def test_a_stream_cut_inside_big_tool_call_arguments_is_estimated_from_their_size() -> None:
    recorder = Recorder(streaming(_CutInArguments(400_000)))
    service = service_for(recorder)
    with pytest.raises(ModelError, match="cut off"):
        await run(service)  # 400 KB fit the default 16,384 tokens' bound
    snapshot = service.ledger.snapshot()
    assert snapshot["estimatedRequests"] == 1
    completion = snapshot["completionTokens"]
    assert isinstance(completion, int)
    assert completion >= 100_000


async def test_absurd_usage_is_replaced_by_an_estimate() -> None:
    absurd = {"choices": [], "usage": {"prompt_tokens": 10**40, "completion_tokens": 10**40}}
    service = service_for(Recorder(ok(long_answer(4_000, absurd))))
    await run(service)
    snapshot = service.ledger.snapshot()
    assert snapshot["completionTokens"] == 1_000
    assert snapshot["estimatedRequests"] == 1


async def test_the_budget_stops_an_endless_answer_and_closes_its_stream() -> None:
    stream = Endless(sse(delta(content="all work and no play " * 20)))
    recorder = Recorder(streaming(stream))
    service = service_for(recorder, budget=0.01)
    request = ChatRequest(messages=REQUEST.messages, max_tokens=131_072)
    with pytest.raises(BudgetExceeded) as caught:
        await run(service, request)
    assert caught.value.kind == "budget"
    assert stream.closed.is_set()
    cost = service.ledger.cost_usd
    assert cost is not None
    assert 0.01 <= cost < 0.0102


async def test_a_request_whose_prompt_alone_passes_the_budget_is_not_sent() -> None:
    recorder = Recorder(ok(long_answer(0, usage(1, 1))))
    service = service_for(recorder, budget=0.0001)
    big = ChatRequest(messages=[{"role": "user", "content": "y" * 1_000_000}])
    with pytest.raises(BudgetExceeded, match="not sent"):
        await run(service, big)
    assert recorder.requests == []
    assert service.ledger.snapshot()["requests"] == 0


async def test_a_cancelled_request_is_billed_for_what_it_streamed() -> None:
    stream = Endless(sse(delta(content="abcd" * 100)))
    service = service_for(Recorder(streaming(stream)))
    seen = 0
    async with aclosing(service.stream(ENDPOINT, REQUEST)) as events:
        async for _ in events:
            seen += 1
            if seen == 10:
                break
    assert stream.closed.is_set()
    snapshot = service.ledger.snapshot()
    assert snapshot["requests"] == 1
    assert snapshot["estimatedRequests"] == 1
    assert snapshot["completionTokens"] == 1_000


async def test_a_connection_refused_is_counted_with_no_tokens() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    service = service_for(Recorder(refuse))
    with pytest.raises(ConnectionFailed):
        await run(service)
    snapshot = service.ledger.snapshot()
    assert snapshot["requests"] == 1
    assert snapshot["completionTokens"] == 0
