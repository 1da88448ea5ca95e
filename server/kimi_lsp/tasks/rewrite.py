"""Ask the model to rewrite a selection; hand out the code's lines as they complete.

Only the lines of the reply's code block are handed out (`edits/reply.CodeReader`):
prose, and text written in a turn that ended in tool calls (a new turn starts over), never
reach the user's code. The reply counts only when it is whole: it finished with
`finish_reason: "stop"` and its code block closed.
"""

from __future__ import annotations

from collections.abc import Callable

from kimi_lsp import prompts
from kimi_lsp.agent.loop import Status, Toolbox, run_agent
from kimi_lsp.edits.reply import CodeReader, NotWhole
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest
from kimi_lsp.tasks.context import SelectionContext


class RewriteCutOff(ModelError):
    """The reply reached max_tokens: its code is incomplete and is not applied."""

    kind = "cut-off"


class RewriteIncomplete(ModelError):
    """The reply ended without being whole (no `stop`, or its code block never closed)."""

    kind = "cut-off"


async def rewrite(
    service: ModelService,
    endpoint: Endpoint,
    data: SelectionContext,
    instruction: str,
    *,
    max_tokens: int,
    toolbox: Toolbox | None,
    on_lines: Callable[[list[str]], None],
    on_turn: Callable[[], None],
    on_text: Callable[[str], None],
    on_status: Status,
) -> str:
    """The replacement code. `on_lines` gets each code line once, as it completes (a new
    model turn, announced by `on_turn`, starts over); `on_text` every piece of the reply."""
    request = ChatRequest(
        messages=prompts.rewrite_messages(
            instruction=instruction,
            path=data.path,
            language=data.language,
            before=data.before,
            selection=data.selection,
            after=data.after,
            tools=toolbox is not None,
        ),
        max_tokens=max_tokens,
    )
    reader = CodeReader()

    def new_turn() -> None:
        nonlocal reader
        reader = CodeReader()
        on_turn()

    async def on_delta(text: str) -> None:
        on_text(text)
        lines = reader.feed(text)
        if lines:
            on_lines(lines)

    on_status("thinking")
    result = await run_agent(
        service,
        endpoint,
        request,
        toolbox=toolbox,
        on_delta=on_delta,
        on_status=on_status,
        on_turn=new_turn,
    )
    reason = result.final.finish_reason
    if reason == "length":
        raise RewriteCutOff(
            "The model's reply reached kimi.maxTokens before the code was complete, so "
            "nothing was changed. Raise kimi.maxTokens or select less."
        )
    if reason != "stop":
        raise RewriteIncomplete(
            f"The model's reply ended without finishing (finish_reason {reason!r}), so "
            "nothing was changed."
        )
    try:
        return reader.finish()
    except NotWhole as error:
        raise RewriteIncomplete(f"The model's reply was not whole: {error}.") from None
