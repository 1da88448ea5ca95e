"""One ghost-text request, cheapest answer first: typing through a shown suggestion, then
the cache, then (after the debounce) the model with a tight fill-in-the-middle prompt."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass

from kimi_lsp import prompts
from kimi_lsp.completion.context import CHARS_PER_TOKEN, best_snippets, cursor_context
from kimi_lsp.completion.postprocess import clean, extract, wants_multiline
from kimi_lsp.completion.reuse import CompletionCache, TypingThrough
from kimi_lsp.config.settings import CompletionSettings
from kimi_lsp.model.endpoint import Endpoint
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
    source: str  # "typing" | "cache" | "model" | "none"


Neighbours = Callable[[], list[tuple[str, LineIndex]]]


class CompletionEngine:
    """Per-session completion state: what was shown, and the cache."""

    def __init__(self, cache_size: int = 64) -> None:
        self.typing = TypingThrough()
        self.cache = CompletionCache(cache_size)
        self.model_calls = 0

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
        async with aclosing(service.stream(target, request)) as events:
            async for event in events:
                if isinstance(event, Completed):
                    content = event.result.content
        texts: list[str] = []
        for candidate in extract(content):
            cleaned = clean(candidate, ctx, multiline)
            if cleaned and cleaned not in texts:
                texts.append(cleaned)
        self.cache.put(key, texts)
        self.typing.remember(query.uri, text, query.offset, texts)
        return Answer(texts[: query.alternatives], "model" if texts else "none")
