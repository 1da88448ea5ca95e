"""One ghost-text request, cheapest answer first: typing through a shown suggestion, then
the cache, then (after the debounce) the model with a tight fill-in-the-middle prompt.

A rate limit pauses the model calls for as long as the API asked (`Retry-After`, else
`RATE_LIMIT_PAUSE`): keystrokes meanwhile would only be refused again."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass

from kimi_lsp import prompts
from kimi_lsp.completion.context import CHARS_PER_TOKEN, best_snippets, cursor_context
from kimi_lsp.completion.postprocess import clean, extract, wants_multiline
from kimi_lsp.completion.reuse import CompletionCache, TypingThrough
from kimi_lsp.config.settings import CompletionSettings
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import RateLimited
from kimi_lsp.model.retry import GHOST_TEXT
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest, Completed
from kimi_lsp.text import LineIndex


@dataclass(frozen=True)
class CompletionQuery:
    """Where a suggestion is wanted."""

    uri: str
    path: str
    language: str
    index: LineIndex
    offset: int
    automatic: bool
    alternatives: int = 1


@dataclass
class Answer:
    """Suggestions and how they were found (for tests, logs and the benchmark)."""

    texts: list[str]
    source: str  # "typing" | "cache" | "model" | "none" | "paused"


Neighbours = Callable[[], list[tuple[str, LineIndex]]]

RATE_LIMIT_PAUSE = 5.0
"""Seconds without model calls after a rate limit that gave no `Retry-After`."""
MAX_RATE_LIMIT_PAUSE = 60.0
"""The longest pause, whatever `Retry-After` says."""


class CompletionEngine:
    """Per-session completion state: what was shown, and the cache."""

    def __init__(self, cache_size: int = 64, clock: Callable[[], float] = time.monotonic) -> None:
        self.typing = TypingThrough()
        self.cache = CompletionCache(cache_size)
        self.model_calls = 0
        self._clock = clock
        self._paused_until = 0.0

    def paused_for(self) -> float:
        """Seconds left in a rate-limit pause (0 when not paused)."""
        return max(0.0, self._paused_until - self._clock())

    def _pause(self, error: RateLimited) -> RateLimited:
        wait = RATE_LIMIT_PAUSE if error.retry_after is None else error.retry_after
        wait = min(max(wait, 0.0), MAX_RATE_LIMIT_PAUSE)
        self._paused_until = max(self._paused_until, self._clock() + wait)
        return RateLimited(
            f"{error.message} Ghost text pauses for {math.ceil(wait)} s.",
            status=error.status,
            retry_after=error.retry_after,
        )

    async def complete(
        self,
        query: CompletionQuery,
        *,
        settings: CompletionSettings,
        service: ModelService,
        endpoint: Callable[[], Awaitable[Endpoint]],
        neighbours: Neighbours,
    ) -> Answer:
        """Suggestions for `query` (an empty list when nothing fits)."""
        text = query.index.text
        rest = self.typing.remainder(query.uri, text, query.offset)
        if rest is not None:
            return Answer(rest[: query.alternatives], "typing")
        ctx = cursor_context(query.index, query.offset, settings.max_prompt_tokens)
        multiline = wants_multiline(ctx)
        self.cache.size = settings.cache_size
        key = self.cache.key(ctx, query.language, multiline, settings.model)
        cached = self.cache.get(key)
        if cached is not None and (query.automatic or len(cached) >= query.alternatives):
            self.typing.remember(query.uri, text, query.offset, cached)
            return Answer(cached[: query.alternatives], "cache")
        if paused := self.paused_for():
            if query.automatic:
                return Answer([], "paused")
            raise RateLimited(
                f"The API asked to wait: ghost text resumes in {math.ceil(paused)} s.",
                retry_after=paused,
            )
        if query.automatic and settings.debounce_ms:
            await asyncio.sleep(settings.debounce_ms / 1000)  # superseded requests end here
        target = await endpoint()
        spare = settings.max_prompt_tokens * CHARS_PER_TOKEN - len(ctx.prefix) - len(ctx.suffix)
        snippets = (
            best_snippets(ctx.prefix[-600:], neighbours(), spare)
            if settings.neighbours and spare > 200
            else []
        )
        request = ChatRequest(
            messages=prompts.completion_messages(
                path=query.path,
                language=query.language,
                prefix=ctx.prefix,
                suffix=ctx.suffix,
                multiline=multiline,
                alternatives=query.alternatives,
                neighbours=snippets,
            ),
            max_tokens=settings.max_tokens,
            stop=[prompts.COMPLETION_STOP] if query.alternatives == 1 else None,
            reasoning_effort=settings.reasoning_effort,
        )
        self.model_calls += 1
        content = ""
        try:
            async with aclosing(service.stream(target, request, retry=GHOST_TEXT)) as events:
                async for event in events:
                    if isinstance(event, Completed):
                        content = event.result.content
        except RateLimited as error:
            raise self._pause(error) from None
        texts: list[str] = []
        for candidate in extract(content):
            cleaned = clean(candidate, ctx, multiline)
            if cleaned and cleaned not in texts:
                texts.append(cleaned)
        self.cache.put(key, texts)
        self.typing.remember(query.uri, text, query.offset, texts)
        return Answer(texts[: query.alternatives], "model" if texts else "none")
