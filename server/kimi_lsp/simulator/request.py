"""What the simulator reads from a valid chat request to choose an answer.

It recognises the language server's prompts (``prompts.py``) by three markers only:
``<CURSOR>`` in the last user message is a ghost-text request; a last user message
starting with ``Rewrite the selected code:`` is a rewrite (refactor or fix); a
``<selection>`` block is an explain. Anything else is ``chat``. ``Language:`` and
``Path:`` header lines are read where present. Nothing here looks at the code itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["ghost_text", "rewrite", "explain", "chat"]
REWRITE_PREFIX = "Rewrite the selected code:"


def message_text(content: Any) -> str:
    """The text of a message content (a string or an array of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def block(text: str, tag: str) -> str | None:
    """The lines between a line ``<tag>`` and a line ``</tag>``, or None."""
    match = re.search(rf"^<{tag}>[ \t]*\r?\n(.*?)^</{tag}>[ \t]*\r?$", text, re.M | re.S)
    return None if match is None else match.group(1).removesuffix("\n").removesuffix("\r")


def header(text: str, name: str) -> str:
    """The value of a ``Name: value`` line, or ""."""
    match = re.search(rf"^{name}:[ \t]*(\S[^\r\n]*?)[ \t]*\r?$", text, re.M)
    return match.group(1) if match else ""


@dataclass(frozen=True)
class ChatRequest:
    """A valid chat request as a responder sees it."""

    body: dict[str, Any]
    kind: Kind
    text: str
    """The last user message's text ("" if none)."""
    round: int
    """How many assistant messages the request carries: 0 for a first request, 1 after
    one round of tool calls, and so on."""
    selection: str | None = None
    language: str = ""
    path: str = ""

    @property
    def tools(self) -> list[str]:
        """The names of the offered tools."""
        return [t["function"]["name"] for t in self.body.get("tools") or []]


def chat_request(body: dict[str, Any]) -> ChatRequest:
    """Read a validated chat request body."""
    messages: list[dict[str, Any]] = body["messages"]
    text = next(
        (message_text(m.get("content")) for m in reversed(messages) if m.get("role") == "user"),
        "",
    )
    selection = block(text, "selection")
    kind: Kind = "chat"
    if "<CURSOR>" in text:
        kind = "ghost_text"
    elif text.lstrip().startswith(REWRITE_PREFIX):
        kind = "rewrite"
    elif selection is not None:
        kind = "explain"
    return ChatRequest(
        body=body,
        kind=kind,
        text=text,
        round=sum(1 for m in messages if m.get("role") == "assistant"),
        selection=selection,
        language=header(text, "Language"),
        path=header(text, "Path"),
    )
