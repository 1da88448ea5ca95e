"""Explain a selection: gather context, stream the model's answer, return the markdown."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass

from kimi_lsp import prompts
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest, Completed, ContentDelta, ReasoningDelta, Retrying
from kimi_lsp.text import LineIndex


class SelectionTooLarge(ModelError):
    """The selection is larger than `kimi.explain.maxSelectionChars`."""

    kind = "too-large"


@dataclass(frozen=True)
class ExplainInput:
    """The selection and its surroundings, cut at line boundaries."""

    path: str
    language: str
    before: str
    selection: str
    after: str


def gather(
    index: LineIndex,
    start: int,
    end: int,
    *,
    path: str,
    language: str,
    context_lines: int,
    max_selection_chars: int,
) -> ExplainInput:
    """Cut the selection and `context_lines` whole lines around it out of the text.

    An empty selection means the whole line under the cursor.
    """
    text = index.text
    if start == end:
        line, _ = index.position(start, "utf-32")
        start = index.starts[line]
        end = start + len(index.line_text(line))
    selection = text[start:end]
    if len(selection) > max_selection_chars:
        raise SelectionTooLarge(
            f"The selection has {len(selection):,} characters, more than "
            f"kimi.explain.maxSelectionChars ({max_selection_chars:,}). Select less, or raise it."
        )
    first, _ = index.position(start, "utf-32")
    last, _ = index.position(end, "utf-32")
    before_start = index.starts[max(0, first - context_lines)]
    after_line = min(index.line_count, last + 1 + context_lines)
    after_end = index.starts[after_line] if after_line < index.line_count else len(text)
    return ExplainInput(
        path=path,
        language=language,
        before=text[before_start:start],
        selection=selection,
        after=text[end:after_end],
    )


Status = Callable[[str], None]
Delta = Callable[[str], Awaitable[None]]


async def explain(
    service: ModelService,
    endpoint: Endpoint,
    data: ExplainInput,
    *,
    max_tokens: int,
    on_delta: Delta,
    on_status: Status,
) -> str:
    """Stream the explanation; `on_delta` gets each piece of text, `on_status` the activity."""
    request = ChatRequest(
        messages=prompts.explain_messages(
            path=data.path,
            language=data.language,
            before=data.before,
            selection=data.selection,
            after=data.after,
        ),
        max_tokens=max_tokens,
    )
    on_status("thinking")
    async with aclosing(service.stream(endpoint, request)) as events:
        async for event in events:
            if isinstance(event, ContentDelta):
                on_status("writing")
                await on_delta(event.text)
            elif isinstance(event, ReasoningDelta):
                on_status("thinking")
            elif isinstance(event, Retrying):
                on_status(f"retrying in {event.delay:.1f}s ({event.reason})")
            elif isinstance(event, Completed):
                return event.result.content
    raise AssertionError("the model stream ended without a result")  # pragma: no cover
