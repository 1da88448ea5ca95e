"""Chat completion payloads: the SSE chunk sequence and the non-streaming object.

Chunks follow the OpenAI ``chat.completion.chunk`` shape with Kimi's
``delta.reasoning_content``: role, reasoning, content, tool-call fragments keyed by index,
a final chunk carrying ``finish_reason``, an optional usage chunk, then ``[DONE]``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

from .tokens import Plan

DONE = "[DONE]"
FILLER = "The simulator keeps writing. "
"""What an endless or oversized answer repeats when the turn has no text of that kind."""
MALFORMED_EVENT = b"data: {not json\n\n"
"""A non-JSON SSE event, inserted by ``Turn.malformed_after`` (chaos mode)."""


def pieces(text: str, size: int) -> Iterator[str]:
    """Split ``text`` into consecutive pieces of ``size`` characters."""
    for start in range(0, len(text), size):
        yield text[start : start + size]


class ChunkFactory:
    """Builds chunk objects sharing one completion id, creation time and model."""

    def __init__(self, completion_id: str, created: int, model: str) -> None:
        """Remember the fields every chunk of one completion repeats."""
        self.completion_id = completion_id
        self.created = created
        self.model = model

    def chunk(
        self,
        delta: dict[str, Any],
        finish_reason: str | None = None,
        usage: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Return one ``chat.completion.chunk`` with a single choice."""
        choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": finish_reason}
        if usage is not None:
            choice["usage"] = usage
        return self.envelope("chat.completion.chunk", choices=[choice])

    def envelope(self, kind: str, **fields: Any) -> dict[str, Any]:
        """The fields every object of this completion repeats, then ``fields``."""
        head = {"id": self.completion_id, "object": kind, "created": self.created}
        return {**head, "model": self.model, **fields}


def stream_payloads(
    plan: Plan,
    factory: ChunkFactory,
    chunk_chars: int,
    include_usage: bool,
    usage_in_choice: bool = False,
    omit_done: bool = False,
    *,
    omit_usage: bool = False,
    endless: str | None = None,
) -> list[dict[str, Any] | str]:
    """Return the data payloads of a streamed answer, in order (``"[DONE]"`` last).

    With ``usage_in_choice`` the usage goes into ``choices[0].usage`` of the final chunk
    (as Moonshot has been seen to do) instead of a separate chunk. With ``omit_done`` the
    stream is cut off: no finish chunk, no usage, no ``[DONE]``. ``omit_usage`` leaves
    usage out everywhere. With ``endless`` (``"reasoning"`` or ``"content"``) the list
    stops after that kind's text: :func:`endless_payloads` continues it.
    """
    events: list[dict[str, Any] | str] = [factory.chunk({"role": "assistant"})]
    events.extend(
        factory.chunk({"reasoning_content": piece}) for piece in pieces(plan.reasoning, chunk_chars)
    )
    if endless == "reasoning":
        return events
    events.extend(factory.chunk({"content": piece}) for piece in pieces(plan.content, chunk_chars))
    if endless is not None:
        return events
    for index, call in enumerate(plan.tool_calls):
        first = {
            "index": index,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        events.append(factory.chunk({"tool_calls": [first]}))
        events.extend(
            factory.chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            for piece in pieces(call.arguments, chunk_chars)
        )
    if omit_done:
        return events
    in_choice = usage_in_choice and not omit_usage
    events.append(factory.chunk({}, plan.finish_reason, plan.usage if in_choice else None))
    if include_usage and not usage_in_choice and not omit_usage:
        events.append(factory.envelope("chat.completion.chunk", choices=[], usage=plan.usage))
    events.append(DONE)
    return events


def endless_payloads(
    factory: ChunkFactory, kind: str, text: str, chunk_chars: int
) -> Iterator[dict[str, Any]]:
    """Deltas of ``kind`` (``"reasoning"`` or ``"content"``) forever, repeating ``text``."""
    key = "reasoning_content" if kind == "reasoning" else "content"
    for piece in itertools.cycle(list(pieces(text or FILLER, chunk_chars))):
        yield factory.chunk({key: piece})


def filler(size: int) -> str:
    """About ``size`` characters of filler text, for an oversized event."""
    return (FILLER * (size // len(FILLER) + 1))[:size]


def content_delta(payload: dict[str, Any] | str) -> str:
    """The ``delta.content`` text of a streamed payload ("" if it carries none)."""
    if isinstance(payload, str) or not payload.get("choices"):
        return ""
    content = payload["choices"][0]["delta"].get("content")
    return content if isinstance(content, str) else ""


def encode_event(payload: dict[str, Any] | str) -> bytes:
    """Encode one SSE event, ``data: <json>\\n\\n``."""
    data = (
        payload
        if isinstance(payload, str)
        else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    )
    return f"data: {data}\n\n".encode()


def completion_object(
    plan: Plan, factory: ChunkFactory, *, omit_usage: bool = False, oversized: int = 0
) -> dict[str, Any]:
    """Return the non-streaming ``chat.completion`` object for ``plan`` (without usage if
    ``omit_usage``; ``oversized`` characters of filler in front of the content)."""
    message: dict[str, Any] = {
        "role": "assistant",
        "content": filler(oversized) + plan.content,
        "reasoning_content": plan.reasoning,
    }
    if plan.tool_calls:
        message["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in plan.tool_calls
        ]
    choices = [{"index": 0, "message": message, "finish_reason": plan.finish_reason}]
    usage = {} if omit_usage else {"usage": plan.usage}
    return factory.envelope("chat.completion", choices=choices, **usage)


def endless_body_prefix(factory: ChunkFactory, kind: str) -> bytes:
    """The start of a non-streamed body whose ``kind`` text never ends."""
    key = "reasoning_content" if kind == "reasoning" else "content"
    opening = json.dumps(factory.envelope("chat.completion"), separators=(",", ":"))[:-1]
    return f'{opening},"choices":[{{"index":0,"message":{{"role":"assistant","{key}":"'.encode()
