"""The service counts every request once; a stream cut before the API reported usage is
counted with an estimate once the model had written something (it was billed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Any

import pytest
from pydantic import SecretStr

from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ConnectionFailed, StreamCutOff
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest, ContentDelta, ReasoningDelta, StreamEvent

ENDPOINT = Endpoint("simulator", "http://127.0.0.1:9/v1", "kimi-k2-7-code", SecretStr("k"), "")
REQUEST = ChatRequest(messages=[{"role": "user", "content": "x" * 396}])


class CutClient:
    """Streams `events`, then fails with `error`."""

    def __init__(self, events: list[StreamEvent], error: Exception) -> None:
        self.events, self.error = events, error

    async def stream(
        self, endpoint: Endpoint, request: ChatRequest, **_: object
    ) -> AsyncIterator[StreamEvent]:
        for event in self.events:
            yield event
        raise self.error


async def run(client: Any) -> UsageLedger:
    ledger = UsageLedger()
    service = ModelService(client, ledger)
    with pytest.raises((StreamCutOff, ConnectionFailed)):
        await drain(service)
    return ledger


async def drain(service: ModelService) -> None:
    async with aclosing(service.stream(ENDPOINT, REQUEST)) as events:
        async for _ in events:
            pass


async def test_a_stream_cut_after_writing_is_counted_with_an_estimate() -> None:
    written = [ReasoningDelta("r" * 40), ContentDelta("c" * 41)]
    ledger = await run(CutClient(written, StreamCutOff("the stream broke")))
    snapshot = ledger.snapshot()
    assert snapshot["requests"] == 1
    assert snapshot["estimatedRequests"] == 1
    assert snapshot["completionTokens"] == 21  # 81 characters at 4 per token, rounded up
    assert snapshot["promptTokens"] == 108  # the 429 characters of the messages as sent
    assert snapshot["costUsd"] == pytest.approx((108 * 0.95 + 21 * 4.0) / 1e6, abs=1e-6)


async def test_a_request_that_wrote_nothing_costs_nothing() -> None:
    ledger = await run(CutClient([], ConnectionFailed("refused")))
    snapshot = ledger.snapshot()
    assert snapshot["requests"] == 1
    assert snapshot["estimatedRequests"] == 0
    assert snapshot["promptTokens"] == 0
    assert snapshot["costUsd"] == 0
