"""The default responder: deterministic, plausible answers when no turn is scripted.

Answers come from a small registry of handlers, each a detector and an answer function
over a :class:`~kimi_lsp.simulator.prompt.Prompt`. The first handler whose detector
accepts the prompt answers; a generic fallback answers anything else. New tasks
(refactor, completion, tool use) are added with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .explain import explain_answer, is_explain
from .prompt import Prompt, read_prompt
from .script import Turn


@dataclass(frozen=True)
class Handler:
    """One task the default responder knows: ``detect`` decides, ``answer`` answers."""

    name: str
    detect: Callable[[Prompt], bool]
    answer: Callable[[Prompt], Turn]


HANDLERS: list[Handler] = [Handler("explain", is_explain, explain_answer)]
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
