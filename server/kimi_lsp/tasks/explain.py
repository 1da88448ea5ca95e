"""Explain a selection: gather context, stream the model's answer, return the markdown."""

from __future__ import annotations

from dataclasses import dataclass

from kimi_lsp import prompts
from kimi_lsp.agent.loop import Delta, Status, Toolbox, run_agent
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest
from kimi_lsp.text import LineIndex

TRUNCATED = "\n\n*(The answer was cut off: it reached kimi.maxTokens.)*"


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


async def explain(
    service: ModelService,
    endpoint: Endpoint,
    data: ExplainInput,
    *,
    max_tokens: int,
    toolbox: Toolbox | None,
    web_search: bool,
    on_delta: Delta,
    on_status: Status,
) -> str:
    """Stream the explanation (the model may read the workspace first); returns the markdown.

    `on_delta` gets each piece of text, `on_status` what the model is doing.
    """
    request = ChatRequest(
        messages=prompts.explain_messages(
            path=data.path,
            language=data.language,
            before=data.before,
            selection=data.selection,
            after=data.after,
            tools=toolbox is not None,
        ),
        max_tokens=max_tokens,
        extra={"tool_web_search": True} if web_search and endpoint.accepts_web_search else {},
    )
    on_status("thinking")
    result = await run_agent(
        service, endpoint, request, toolbox=toolbox, on_delta=on_delta, on_status=on_status
    )
    if result.final.finish_reason == "length":
        await on_delta(TRUNCATED)
        return result.content + TRUNCATED
    return result.content
