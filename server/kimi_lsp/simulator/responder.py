"""The default responder: deterministic, plausible answers when no turn is scripted.

Answers come from a small registry of handlers, each a detector and an answer function
over a :class:`~kimi_lsp.simulator.prompt.Prompt`. The first handler whose detector
accepts the prompt answers; a generic fallback answers anything else. New tasks are added
with :func:`register`. The completion handler (fill-in-the-middle ghost text, see
:mod:`.completion`) comes first. The rewrite handler (refactorings and
fixes, before explain since an instruction may say "explain") answers in one turn with one
code block; the explain handler reads an imported workspace module with the ``read_file``
tool first when the request offers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .completion import completion_answer, is_completion
from .explain import is_explain
from .prompt import Prompt, read_prompt
from .rewrite import is_rewrite, rewrite_answer
from .script import Turn
from .tooluse import explain_with_tools


@dataclass(frozen=True)
class Handler:
    """One task the default responder knows: ``detect`` decides, ``answer`` answers."""

    name: str
    detect: Callable[[Prompt], bool]
    answer: Callable[[Prompt], Turn]


HANDLERS: list[Handler] = [
    Handler("completion", is_completion, completion_answer),
    Handler("rewrite", is_rewrite, rewrite_answer),
    Handler("explain", is_explain, explain_with_tools),
]
"""The registered handlers, tried in order."""


def register(handler: Handler, first: bool = False) -> None:
    """Add ``handler`` to the registry (tried before the others if ``first``)."""
    if first:
        HANDLERS.insert(0, handler)
    else:
        HANDLERS.append(handler)


def generic_answer(prompt: Prompt) -> Turn:
    """Answer any other request with a short, deterministic acknowledgement."""
    words = prompt.text.split()
    first_line = next((line.strip() for line in prompt.text.splitlines() if line.strip()), "")
    if len(first_line) > 80:
        first_line = first_line[:77] + "..."
    reasoning = (
        f"The user sent a message of {len(words)} words. "
        "No specific task is recognisable, so I will acknowledge it briefly."
    )
    if not first_line:
        content = "Hello! How can I help you with your code today?"
    else:
        content = (
            f"You asked: “{first_line}”.\n\n"
            "This is the Kimi K2.7 Code simulator: it gives deterministic answers for "
            "testing. Select some code and ask me to explain it for a detailed answer."
        )
    return Turn(reasoning=reasoning, content=content)


def default_turn(body: dict[str, Any]) -> Turn:
    """Return the answer to a validated request body when no turn is scripted."""
    prompt = read_prompt(body)
    for handler in HANDLERS:
        if handler.detect(prompt):
            return handler.answer(prompt)
    return generic_answer(prompt)


def can_call_tools(body: dict[str, Any]) -> bool:
    """Whether the model may call tools: some are offered and ``tool_choice`` is not none."""
    return bool(body.get("tools")) and body.get("tool_choice") != "none"


def fit_scripted_turn(turn: Turn, body: dict[str, Any]) -> Turn:
    """Drop the tool calls of a scripted turn when the request lets no tool be called.

    The turn then answers with its content (the default responder's content if it has
    none) and finishes with ``stop`` unless its budget runs out.
    """
    if turn.status != 200 or not turn.tool_calls or can_call_tools(body):
        return turn
    update: dict[str, Any] = {"tool_calls": []}
    if turn.finish_reason == "tool_calls":
        update["finish_reason"] = None
    if not turn.content:
        update["content"] = default_turn(body).content
    return turn.model_copy(update=update)
