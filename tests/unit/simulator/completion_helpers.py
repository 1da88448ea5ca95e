"""Helpers for the completion tests: the language server's own completion prompt, over HTTP."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from kimi_lsp.prompts import COMPLETION_STOP, completion_messages

from .helpers import MODEL, deltas, stream_chat

BLOCK = re.compile(r"<completion>(.*?)</completion>", re.S)


@dataclass
class Reply:
    """What the simulator answered to a completion request."""

    reasoning: str
    content: str
    finish_reason: str

    @property
    def texts(self) -> list[str]:
        """The texts of the complete ``<completion>`` blocks of the content."""
        return BLOCK.findall(self.content)

    @property
    def text(self) -> str:
        """The one completion: the whole content must be a single block."""
        match = BLOCK.fullmatch(self.content)
        assert match is not None, self.content
        return match.group(1)


def completion_body(
    prefix: str,
    suffix: str = "",
    *,
    language: str = "python",
    path: str = "src/shop/cart.py",
    multiline: bool = True,
    alternatives: int = 1,
    neighbours: list[tuple[str, str]] | None = None,
    stop: bool = False,
    max_tokens: int = 256,
) -> dict[str, Any]:
    """A completion request body as the language server builds it."""
    messages = completion_messages(
        path=path,
        language=language,
        prefix=prefix,
        suffix=suffix,
        multiline=multiline,
        alternatives=alternatives,
        neighbours=neighbours or [],
    )
    body: dict[str, Any] = {"model": MODEL, "messages": messages, "max_tokens": max_tokens}
    if stop:
        body["stop"] = [COMPLETION_STOP]
    return body


async def complete(
    client: httpx.AsyncClient, prefix: str, suffix: str = "", **options: Any
) -> Reply:
    """Stream a completion request; return its reasoning, content and finish reason."""
    payloads = await stream_chat(client, completion_body(prefix, suffix, **options))
    finish = next(
        p["choices"][0]["finish_reason"]
        for p in payloads
        if isinstance(p, dict) and p["choices"] and p["choices"][0]["finish_reason"]
    )
    return Reply(deltas(payloads, "reasoning_content"), deltas(payloads, "content"), finish)
