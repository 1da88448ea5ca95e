"""Chat completion payloads: the SSE chunk sequence and the non-streaming object.

Chunks follow the OpenAI ``chat.completion.chunk`` shape with Kimi's
``delta.reasoning_content``: the role, reasoning, content, tool-call fragments keyed by
index, a final chunk carrying ``finish_reason``, an optional usage chunk, then ``[DONE]``.
The turn's shape options (``usage_in_choice``, ``omit_done``, ``omit_usage``,
``endless``, ``oversized_line``, ``malformed_after``) change that sequence here.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from .script import Turn
from .tokens import Plan

DONE = "[DONE]"
FILLER = "The simulator keeps writing. "
"""What an endless or oversized answer repeats when the turn has no text of that kind."""
MALFORMED_EVENT = b"data: {not json\n\n"
"""A non-JSON SSE event, inserted by ``Turn.malformed_after`` (chaos mode)."""
Payload = dict[str, Any] | str


def pieces(text: str, size: int) -> Iterator[str]:
    """Split ``text`` into consecutive pieces of ``size`` characters."""
    for start in range(0, len(text), size):
        yield text[start : start + size]


def filler(size: int, text: str = "") -> str:
    """``size`` characters of ``text`` (or :data:`FILLER`) repeated."""
    text = text or FILLER
    return (text * (size // len(text) + 1))[:size]


class ChunkFactory:
    """Builds the objects of one completion: one id, creation time and model."""

    def __init__(self, completion_id: str, created: int, model: str) -> None:
        """Remember the fields every object of one completion repeats."""
        self.completion_id, self.created, self.model = completion_id, created, model

    def envelope(self, kind: str, **fields: Any) -> dict[str, Any]:
        """An object of type ``kind`` with the repeated fields, then ``fields``."""
        head = {"id": self.completion_id, "object": kind, "created": self.created}
        return {**head, "model": self.model, **fields}

    def chunk(
        self, delta: dict[str, Any], finish: str | None = None, usage: Any = None
    ) -> dict[str, Any]:
        """One ``chat.completion.chunk`` with a single choice (and usage inside it)."""
        choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": finish}
        choice.update({"usage": usage} if usage is not None else {})
        return self.envelope("chat.completion.chunk", choices=[choice])


def stream_payloads(
    plan: Plan, factory: ChunkFactory, turn: Turn, include_usage: bool
) -> list[Payload]:
    """The data payloads of a streamed answer, in order (``"[DONE]"`` last).

    ``usage_in_choice`` puts the usage in the final chunk's ``choices[0]`` (as Moonshot
    has been seen to do); ``omit_done`` cuts the stream off before the finish chunk;
    ``omit_usage`` sends no usage; an ``endless`` answer stops after that kind's text
    (:func:`stream_events` continues it forever).
    """
    size = turn.chunk_chars
    events: list[Payload] = [factory.chunk({"role": "assistant"})]
    events.extend(factory.chunk({"reasoning_content": p}) for p in pieces(plan.reasoning, size))
    if turn.endless == "reasoning":
        return events
    events.extend(factory.chunk({"content": p}) for p in pieces(plan.content, size))
    if turn.endless or turn.omit_done:
        return events
    for index, call in enumerate(plan.tool_calls):
        function = {"name": call.name, "arguments": ""}
        first = {"index": index, "id": call.id, "type": "function", "function": function}
        events.append(factory.chunk({"tool_calls": [first]}))
        events.extend(
            factory.chunk({"tool_calls": [{"index": index, "function": {"arguments": p}}]})
            for p in pieces(call.arguments, size)
        )
    in_choice = turn.usage_in_choice and not turn.omit_usage
    events.append(factory.chunk({}, plan.finish_reason, plan.usage if in_choice else None))
    if include_usage and not turn.usage_in_choice and not turn.omit_usage:
        events.append(factory.envelope("chat.completion.chunk", choices=[], usage=plan.usage))
    return [*events, DONE]


def stream_events(
    plan: Plan, factory: ChunkFactory, turn: Turn, include_usage: bool
) -> Iterable[tuple[bytes, str]]:
    """The encoded SSE events with each one's content text, endless ones included."""
    payloads = stream_payloads(plan, factory, turn, include_usage)
    events = [(encode_event(p), content_delta(p)) for p in payloads]
    if turn.oversized_line is not None:
        big = filler(turn.oversized_line)
        events.insert(1, (encode_event(factory.chunk({"content": big})), big))
    if turn.malformed_after is not None:
        events.insert(turn.malformed_after, (MALFORMED_EVENT, ""))
    if turn.endless is None:
        return events
    key = "reasoning_content" if turn.endless == "reasoning" else "content"
    text = turn.reasoning if turn.endless == "reasoning" else turn.content
    more = itertools.cycle(list(pieces(text or FILLER, turn.chunk_chars)))
    chunks = (factory.chunk({key: piece}) for piece in more)
    return itertools.chain(events, ((encode_event(c), content_delta(c)) for c in chunks))


def content_delta(payload: Payload) -> str:
    """The ``delta.content`` text of a streamed payload ("" if it carries none)."""
    choices = payload.get("choices") if isinstance(payload, dict) else None
    content = choices[0]["delta"].get("content") if choices else None
    return content if isinstance(content, str) else ""


def encode_event(payload: Payload) -> bytes:
    """Encode one SSE event, ``data: <json>\\n\\n``."""
    data = payload if isinstance(payload, str) else dumps(payload)
    return f"data: {data}\n\n".encode()


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def completion_object(plan: Plan, factory: ChunkFactory, turn: Turn) -> dict[str, Any]:
    """The non-streaming ``chat.completion`` object for ``plan`` (``omit_usage`` leaves
    usage out; ``oversized_line`` puts that much filler in front of the content)."""
    content = filler(turn.oversized_line or 0) + plan.content
    message: dict[str, Any] = {"role": "assistant", "content": content}
    message["reasoning_content"] = plan.reasoning
    if plan.tool_calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in plan.tool_calls
        ]
    choices = [{"index": 0, "message": message, "finish_reason": plan.finish_reason}]
    usage = {} if turn.omit_usage else {"usage": plan.usage}
    return factory.envelope("chat.completion", choices=choices, **usage)


def endless_body(factory: ChunkFactory, turn: Turn) -> tuple[bytes, bytes]:
    """The start of a non-streamed body whose text never ends, and a piece to repeat."""
    key = "reasoning_content" if turn.endless == "reasoning" else "content"
    opening = dumps(factory.envelope("chat.completion"))[:-1]
    start = f'{opening},"choices":[{{"index":0,"message":{{"role":"assistant","{key}":"'
    text = turn.reasoning if turn.endless == "reasoning" else turn.content
    return start.encode(), dumps(filler(4096, text))[1:-1].encode()
