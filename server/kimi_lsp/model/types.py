"""Plain data types shared by the model client and its callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    """One complete tool call requested by the model."""

    id: str
    name: str
    arguments: str
    """The raw JSON text of the arguments, as the model wrote it (may be invalid)."""

    def to_wire(self) -> JsonDict:
        """The call as it appears in an assistant message sent back to the API."""
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


@dataclass(frozen=True)
class Usage:
    """Token usage of one response, as reported by the API."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int | None = None
    web_search_calls: int = 0

    @classmethod
    def from_wire(cls, data: object) -> Usage | None:
        """Read a `usage` object; None when it is missing, not an object, or not believable:
        token counts must be whole numbers from 0 to `MAX_REPORTED_TOKENS` (a server that
        reports 10^40 tokens, -5 or 2.5 has its usage estimated instead)."""
        if not isinstance(data, dict):
            return None
        prompt = _count(data.get("prompt_tokens"))
        completion = _count(data.get("completion_tokens"))
        if prompt is None or completion is None:
            return None
        details = data.get("completion_tokens_details")
        reasoning = _count(details.get("reasoning_tokens")) if isinstance(details, dict) else None
        searches = _count(data.get("web_search_calls", data.get("num_web_search_calls", 0)))
        return cls(
            prompt_tokens=prompt,
            completion_tokens=completion,
            reasoning_tokens=reasoning,
            web_search_calls=searches if searches is not None and searches <= 10_000 else 0,
        )


MAX_REPORTED_TOKENS = 10_000_000
"""More tokens than any model reads or writes in one request: a larger count is not usage."""


def _count(value: object) -> int | None:
    """A token count as a whole number in range, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 <= value <= MAX_REPORTED_TOKENS:
        return value
    return None


@dataclass(frozen=True)
class ChatRequest:
    """What a caller asks of the model; the client adds model, streaming and usage flags."""

    messages: list[JsonDict]
    tools: list[JsonDict] | None = None
    max_tokens: int | None = None
    stop: list[str] | None = None
    reasoning_effort: str | None = None
    extra: JsonDict = field(default_factory=dict)
    """Provider-specific body fields, e.g. `tool_web_search`."""


@dataclass(frozen=True)
class TurnResult:
    """One complete assistant turn."""

    content: str
    reasoning: str
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str | None
    """Exactly as the server sent it: None when the stream ended (with `[DONE]`) without one."""
    usage: Usage | None
    model: str

    def assistant_message(self) -> JsonDict:
        """The assistant message to append to the conversation, exactly as received.

        `reasoning_content` is kept: the API rejects an assistant tool-call message
        without it while thinking is on.
        """
        message: JsonDict = {
            "role": "assistant",
            "content": self.content,
            "reasoning_content": self.reasoning,
        }
        if self.tool_calls:
            message["tool_calls"] = [call.to_wire() for call in self.tool_calls]
        return message


@dataclass(frozen=True)
class ReasoningDelta:
    """A piece of the model's reasoning (arrives before any content)."""

    text: str


@dataclass(frozen=True)
class ContentDelta:
    """A piece of the answer."""

    text: str


@dataclass(frozen=True)
class ToolCallStarted:
    """The model began a tool call (its arguments are still streaming)."""

    index: int
    name: str


@dataclass(frozen=True)
class Retrying:
    """The request failed before any content and will be sent again after `delay` seconds.

    Reasoning received so far belongs to the abandoned attempt and should be discarded.
    """

    attempt: int
    delay: float
    reason: str
    rate_limited: bool = False
    """The failure was a 429."""
    retry_after: float | None = None
    """The 429's `Retry-After`, in seconds, when it had one."""


@dataclass(frozen=True)
class Completed:
    """The turn finished; always the last event of a successful stream."""

    result: TurnResult


StreamEvent = ReasoningDelta | ContentDelta | ToolCallStarted | Retrying | Completed
