"""Ask the model to rewrite a selection; stream the code as it completes, line by line.

Only a reply that opens with a code fence is streamed into the buffer, and only its
complete lines: prose, and text written in a turn that ended in tool calls, never reach
the user's code. The final reply is unwrapped as a whole.
"""

from __future__ import annotations

from collections.abc import Callable

from kimi_lsp import prompts
from kimi_lsp.agent.loop import Status, Toolbox, run_agent
from kimi_lsp.edits.reply import streamed_code, unwrap
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest
from kimi_lsp.tasks.context import SelectionContext


class RewriteCutOff(ModelError):
    """The reply reached max_tokens: its code is incomplete and is not applied."""

    kind = "truncated"


async def rewrite(
    service: ModelService,
    endpoint: Endpoint,
    data: SelectionContext,
    instruction: str,
    *,
    max_tokens: int,
    toolbox: Toolbox | None,
    on_code: Callable[[str], None],
    on_text: Callable[[str], None],
    on_status: Status,
) -> str:
    """The replacement code. `on_code` gets the complete code lines so far (each time they
    grow), `on_text` every piece of the reply as it arrives."""
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
    turn: list[str] = []
    shown = ""

    def new_turn() -> None:
        turn.clear()

    async def on_delta(text: str) -> None:
        nonlocal shown
        on_text(text)
        turn.append(text)
        code = streamed_code("".join(turn))
        if code is not None and code != shown:
            shown = code
            on_code(code)

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
    if result.final.finish_reason == "length":
        raise RewriteCutOff(
            "The model's reply reached kimi.maxTokens before the code was complete, so "
            "nothing was changed. Raise kimi.maxTokens or select less."
        )
    return unwrap(result.final.content)
