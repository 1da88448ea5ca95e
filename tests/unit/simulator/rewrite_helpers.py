"""Helpers for the rewrite tests: the language server's own rewrite prompt, over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from kimi_lsp.prompts import rewrite_messages

from .helpers import MODEL, WORKSPACE_TOOLS, deltas, stream_chat


def cut(source: str, start: str, end: str | None = None) -> tuple[str, str, str]:
    """Split ``source`` into before / selection / after: from ``start`` to ``end`` (excluded).

    Without ``end`` the selection runs to the end of the source.
    """
    first = source.index(start)
    last = source.index(end, first) if end is not None else len(source)
    return source[:first], source[first:last], source[last:]


def block(code: str, language: str = "python") -> str:
    """The exact answer expected for ``code``: one fenced block."""
    return f"```{language}\n{code}\n```"


async def rewrite(
    client: httpx.AsyncClient,
    instruction: str,
    parts: tuple[str, str, str],
    language: str = "python",
    path: str = "src/shop/cart.py",
    tools: bool = False,
) -> tuple[str, str, list[Any]]:
    """Stream a rewrite request; return its reasoning, its content and the payloads."""
    before, selection, after = parts
    messages = rewrite_messages(
        instruction=instruction,
        path=path,
        language=language,
        before=before,
        selection=selection,
        after=after,
        tools=tools,
    )
    body: dict[str, Any] = {"model": MODEL, "messages": messages}
    if tools:
        body["tools"] = WORKSPACE_TOOLS
    payloads = await stream_chat(client, body)
    return deltas(payloads, "reasoning_content"), deltas(payloads, "content"), payloads
