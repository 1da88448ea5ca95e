"""The model as the language server sees it: budget check, streaming, accounting.

Every attempt that was billed is counted: one the API reported usage for, by that usage;
one that streamed anything, or finished, without a (believable) usage, by an estimate of
what was sent and written (`meter.CHARS_PER_TOKEN`). A retried attempt that streamed
reasoning before it failed was billed too, so it is counted as its own request. The
session budget is checked before a request is sent (the spend so far plus the prompt's
estimate) and while it streams (plus what the answer has written so far): the answer is
stopped, and its stream closed, when the budget is reached.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from contextlib import aclosing

from kimi_lsp.model.client import ModelClient, require_key
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.meter import CHARS_PER_TOKEN, Attempt, StreamMeter, estimate_tokens
from kimi_lsp.model.retry import RetryPolicy
from kimi_lsp.model.types import (
    ChatRequest,
    Completed,
    ContentDelta,
    ReasoningDelta,
    Retrying,
    StreamEvent,
    Usage,
)

__all__ = ["CHARS_PER_TOKEN", "ModelService", "prompt_tokens"]


def prompt_tokens(request: ChatRequest) -> int:
    """An estimate of the prompt's tokens: its messages and tools as sent."""
    sent = json.dumps(request.messages, ensure_ascii=False)
    if request.tools:
        sent += json.dumps(request.tools, ensure_ascii=False)
    return estimate_tokens(len(sent))


class ModelService:
    """Every model call goes through here, so usage is counted and the budget enforced."""

    def __init__(self, client: ModelClient, ledger: UsageLedger) -> None:
        self.client = client
        self.ledger = ledger

    async def stream(
        self, endpoint: Endpoint, request: ChatRequest, *, retry: RetryPolicy | None = None
    ) -> AsyncGenerator[StreamEvent, None]:
        """Stream one turn; every request is counted, failed and cancelled ones too, and
        every billed attempt of it. `retry` overrides the client's retry policy."""
        model = endpoint.model
        prompt = prompt_tokens(request)
        self.ledger.check_budget(self.ledger.cost_of(model, Usage(prompt, 0)))
        require_key(endpoint)  # a request never sent is not counted

        def guard(chars: int) -> None:
            pending = self.ledger.cost_of(model, Usage(prompt, estimate_tokens(chars)))
            self.ledger.check_budget(pending, streaming=True)

        meter = StreamMeter(request.max_tokens, guard)
        tally = _Tally(self.ledger, model, prompt)
        try:
            events = self.client.stream(endpoint, request, retry=retry, meter=meter)
            async with aclosing(events):
                async for event in events:
                    if isinstance(event, ContentDelta | ReasoningDelta):
                        tally.seen += len(event.text)
                    elif isinstance(event, Retrying):
                        tally.bill(meter.attempts)  # the failed attempt; the next one is not begun
                    elif isinstance(event, Completed):
                        meter.current.usage = event.result.usage or meter.current.usage
                        meter.current.completed = True
                        tally.bill(meter.attempts)
                    yield event
        except ModelError as error:
            if error.usage is not None:
                attempt = meter.current if len(meter.attempts) > tally.billed else meter.begin()
                attempt.usage = attempt.usage or error.usage
            raise
        finally:
            tally.bill(meter.attempts, final=True)

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()


class _Tally:
    """Bills the attempts of one request to the ledger, each once."""

    def __init__(self, ledger: UsageLedger, model: str, prompt: int) -> None:
        self.ledger, self.model, self.prompt = ledger, model, prompt
        self.billed = 0
        self.seen = 0
        """Characters of deltas seen since the last attempt was billed (a client that
        keeps no meter is still billed for what it streamed)."""
        self.counted = False

    def bill(self, attempts: list[Attempt], *, final: bool = False) -> None:
        if final and len(attempts) <= self.billed and self.seen:
            attempts = [*attempts, Attempt()]  # a client that kept no meter
        for attempt in attempts[self.billed :]:
            self._one(attempt, max(attempt.chars, self.seen))
            self.seen = 0
        self.billed = max(self.billed, len(attempts))
        if final and not self.counted:
            self.ledger.record(self.model, None)  # sent, never billed: counted, no tokens
            self.counted = True

    def _one(self, attempt: Attempt, chars: int) -> None:
        if attempt.usage is not None:
            self.ledger.record(self.model, attempt.usage)
        elif chars or attempt.completed:
            estimate = Usage(self.prompt, estimate_tokens(chars))
            self.ledger.record(self.model, estimate, estimated=True)
        else:
            return
        self.counted = True
