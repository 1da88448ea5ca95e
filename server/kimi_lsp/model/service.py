"""The model as the language server sees it: budget check, streaming, accounting."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from contextlib import aclosing

from kimi_lsp.model.client import ModelClient, require_key
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.retry import RetryPolicy
from kimi_lsp.model.types import (
    ChatRequest,
    Completed,
    ContentDelta,
    ReasoningDelta,
    StreamEvent,
    Usage,
)

CHARS_PER_TOKEN = 4
"""For estimates only: a stream cut before the API reported its usage."""


class ModelService:
    """Every model call goes through here, so usage is counted and the budget enforced."""

    def __init__(self, client: ModelClient, ledger: UsageLedger) -> None:
        self.client = client
        self.ledger = ledger

    async def stream(
        self, endpoint: Endpoint, request: ChatRequest, *, retry: RetryPolicy | None = None
    ) -> AsyncGenerator[StreamEvent, None]:
        """Stream one turn; every request is counted once, failed and cancelled ones too.
        `retry` overrides the client's retry policy for this request."""
        self.ledger.check_budget()
        require_key(endpoint)  # a request never sent is not counted
        recorded = False
        written = 0
        try:
            async with aclosing(self.client.stream(endpoint, request, retry=retry)) as events:
                async for event in events:
                    if isinstance(event, ContentDelta | ReasoningDelta):
                        written += len(event.text)
                    if isinstance(event, Completed):
                        self.ledger.record(endpoint.model, event.result.usage)
                        recorded = True
                    yield event
        except ModelError as error:
            if not recorded and error.usage is not None:
                self.ledger.record(endpoint.model, error.usage)
                recorded = True
            raise
        finally:
            if not recorded:
                self._record_unreported(endpoint.model, request, written)

    def _record_unreported(self, model: str, request: ChatRequest, written: int) -> None:
        """A request the API never reported usage for (cancelled, dropped, failed). Once the
        model had written something, it was billed: count an estimate rather than nothing."""
        if not written:
            self.ledger.record(model, None)
            return
        prompt = len(json.dumps(request.messages, ensure_ascii=False))
        estimate = Usage(
            prompt_tokens=-(-prompt // CHARS_PER_TOKEN),
            completion_tokens=-(-written // CHARS_PER_TOKEN),
        )
        self.ledger.record(model, estimate, estimated=True)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()
