"""One ghost-text request, cheapest answer first: typing through a shown suggestion, then
the cache, then (after the debounce) the model with a tight fill-in-the-middle prompt.
A rate limit pauses the model calls (`pause.py`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass

from kimi_lsp import prompts
from kimi_lsp.config.settings import CompletionSettings
from kimi_lsp.ghost_text.context import CHARS_PER_TOKEN, best_snippets, cursor_context
from kimi_lsp.ghost_text.pause import RateLimitPause
from kimi_lsp.ghost_text.postprocess import clean, extract, wants_multiline
from kimi_lsp.ghost_text.reuse import CompletionCache, TypingThrough
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import RateLimited
from kimi_lsp.model.retry import GHOST_TEXT
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest, Completed, Retrying
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


class CompletionEngine:
    """Per-session completion state: what was shown, and the cache."""

    def __init__(self, cache_size: int = 64, clock: Callable[[], float] = time.monotonic) -> None:
        self.typing = TypingThrough()
        self.cache = CompletionCache(cache_size)
        self.model_calls = 0
        self.pause = RateLimitPause(clock)

    def paused_for(self) -> float:
        """Seconds left in a rate-limit pause (0 when not paused)."""
        return self.pause.remaining()

    def _paused(self, query: CompletionQuery) -> Answer | None:
        """While paused: nothing for an automatic request; an explicit one is told why."""
        refusal = self.pause.refusal()
        if refusal is None:
            return None
        if query.automatic:
            return Answer([], "paused")
        raise refusal

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
        if rest is not None and (query.automatic or len(rest) >= query.alternatives):
            return Answer(rest[: query.alternatives], "typing")
        ctx = cursor_context(query.index, query.offset, settings.max_prompt_tokens)
        multiline = wants_multiline(ctx)
        self.cache.size = settings.cache_size
        key = self.cache.key(ctx, query.language, multiline, settings.model)
        cached = self.cache.get(key)
        if cached is not None and (query.automatic or len(cached) >= query.alternatives):
            self.typing.remember(query.uri, text, query.offset, cached)
            return Answer(cached[: query.alternatives], "cache")
        if (paused := self._paused(query)) is not None:
            return paused
        if query.automatic and settings.debounce_ms:
            await asyncio.sleep(settings.debounce_ms / 1000)  # superseded requests end here
        target = await endpoint()
        if (paused := self._paused(query)) is not None:  # a 429 came in meanwhile
            return paused
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
                    if isinstance(event, Retrying) and event.rate_limited:
                        self.pause.start(event.retry_after)  # others wait; this one retries
                    elif isinstance(event, Completed):
                        self.pause.clear()
                        content = event.result.content
        except RateLimited as error:
            raise self.pause.failed(error) from None
        texts: list[str] = []
        for candidate in extract(content):
            cleaned = clean(candidate, ctx, multiline)
            if cleaned and cleaned not in texts:
                texts.append(cleaned)
        self.cache.put(key, texts)
        self.typing.remember(query.uri, text, query.offset, texts)
        return Answer(texts[: query.alternatives], "model" if texts else "none")
