"""Ask the model for a change across the workspace: it reads with the read tools and
proposes with `edit_file` / `create_file`, which add to a `WorkspaceChange`; its closing
text is the change's summary. No LSP types in here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kimi_lsp import prompts
from kimi_lsp.agent.loop import Status, Toolbox, run_agent
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest


@dataclass(frozen=True)
class EditContext:
    """What the model is told besides the request."""

    files: str
    """The workspace's files (bounded), one per line."""
    open_documents: list[str]
    """The open documents' paths, the one the user is in first."""
    where: tuple[str, str, str] | None
    """The user's place: path, line range, selected text."""
    diagnostics: list[str]
    """One line per problem the editor reported."""


class EditIncomplete(ModelError):
    """The model's work ended without finishing (cut at kimi.maxTokens, or no `stop`)."""

    kind = "cut-off"


async def propose_edit(
    service: ModelService,
    endpoint: Endpoint,
    instruction: str,
    context: EditContext,
    *,
    max_tokens: int,
    toolbox: Toolbox,
    on_text: Callable[[str], None],
    on_status: Status,
) -> str:
    """Run the model until it has proposed its change; returns its closing summary."""
    request = ChatRequest(
        messages=prompts.edit_messages(
            instruction=instruction,
            files=context.files,
            open_documents=context.open_documents,
            where=context.where,
            diagnostics=context.diagnostics,
        ),
        max_tokens=max_tokens,
    )
    last: list[str] = []

    def new_turn() -> None:
        last.clear()

    async def on_delta(text: str) -> None:
        last.append(text)
        on_text(text)

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
    if reason != "stop":
        why = "reached kimi.maxTokens" if reason == "length" else f"ended ({reason!r})"
        raise EditIncomplete(
            f"The model's work {why} before it finished, so the change was not proposed."
        )
    return "".join(last).strip()
