"""The model as the language server sees it: budget check, streaming, accounting."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

from kimi_lsp.model.client import ModelClient, require_key
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.types import ChatRequest, Completed, StreamEvent


class ModelService:
    """Every model call goes through here, so usage is counted and the budget enforced."""

    def __init__(self, client: ModelClient, ledger: UsageLedger) -> None:
        self.client = client
        self.ledger = ledger

    async def stream(
        self, endpoint: Endpoint, request: ChatRequest
    ) -> AsyncGenerator[StreamEvent, None]:
        """Stream one turn; every request is counted once, failed and cancelled ones too."""
        self.ledger.check_budget()
        require_key(endpoint)  # a request never sent is not counted
        recorded = False
        try:
            async with aclosing(self.client.stream(endpoint, request)) as events:
                async for event in events:
                    if isinstance(event, Completed):
                        self.ledger.record(endpoint.model, event.result.usage)
                        recorded = True
                    yield event
        except ModelError as error:
            if not recorded:
                self.ledger.record(endpoint.model, error.usage)
                recorded = True
            raise
        finally:
            if not recorded:
                self.ledger.record(endpoint.model, None)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()
