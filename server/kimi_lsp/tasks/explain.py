"""Explain a selection: gather context, stream the model's answer, return the markdown."""

from __future__ import annotations

from kimi_lsp import prompts
from kimi_lsp.agent.loop import Delta, Status, Toolbox, run_agent
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest
from kimi_lsp.tasks.context import SelectionContext

TRUNCATED = "\n\n*(The answer was cut off: it reached kimi.maxTokens.)*"


class NothingToExplain(ModelError):
    """The selection, or the line under the cursor, is blank: refused without a call."""

    kind = "empty-selection"


def require_code(data: SelectionContext, selected: bool) -> None:
    """Refuse a blank selection (`selected`) or a blank line under the cursor: a model call
    would explain nothing, and guessing the code around it would surprise as often as help."""
    if not data.selection.strip():
        where = "The selection is blank" if selected else "The line under the cursor is blank"
        raise NothingToExplain(
            f"{where}, so there is nothing to explain. Select the code to explain, or put "
            "the cursor on a line of code."
        )


async def explain(
    service: ModelService,
    endpoint: Endpoint,
    data: SelectionContext,
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
    if data.trimmed:
        on_status("the code around the selection was trimmed (kimi.explain.maxContextChars)")
    on_status("thinking")
    result = await run_agent(
        service, endpoint, request, toolbox=toolbox, on_delta=on_delta, on_status=on_status
    )
    if result.final.finish_reason == "length":
        await on_delta(TRUNCATED)
        return result.content + TRUNCATED
    return result.content
