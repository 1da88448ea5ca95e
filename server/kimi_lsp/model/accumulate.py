"""Folding streamed chat-completion chunks into one assistant turn.

Reasoning and content deltas are kept apart; tool-call fragments are joined by their
`index`; usage is read from a top-level `usage` chunk or from `choices[0].usage` (where
Moonshot has been seen to put it).

Servers name reasoning differently: `reasoning_content` (Moonshot, DeepSeek, the
simulator), `reasoning` (OpenRouter, newer vLLM), `reasoning_details` (a list of objects
with `text` or `summary`), or wrap it in `<think>` tags inside the content. All of it is
reasoning here, and all of it goes back as `reasoning_content` when the turn is replayed.
A delta that carries several names (OpenRouter sends `reasoning` and `reasoning_details`
with the same text) counts once. `finish_reason` is kept exactly as sent (None when no
chunk had one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kimi_lsp.model.think import ThinkSplitter
from kimi_lsp.model.types import (
    ContentDelta,
    JsonDict,
    ReasoningDelta,
    StreamEvent,
    ToolCall,
    ToolCallStarted,
    TurnResult,
    Usage,
)


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class TurnAccumulator:
    """Collects one streamed turn; `add` returns the caller-visible events of a chunk."""

    def __init__(self, model: str) -> None:
        self.model = model
        self._reasoning: list[str] = []
        self._content: list[str] = []
        self._calls: dict[int, _PartialCall] = {}
        self._think = ThinkSplitter()
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self.output_chars = 0
        """Characters of reasoning, content and tool-call arguments received so far."""

    @property
    def has_output(self) -> bool:
        """True once content or a tool call has arrived (a retry would duplicate it)."""
        return bool(self._content) or bool(self._calls)

    @property
    def content(self) -> str:
        """The content received so far."""
        return "".join(self._content)

    def add(self, chunk: JsonDict) -> list[StreamEvent]:
        """Fold one decoded chunk in."""
        events: list[StreamEvent] = []
        usage = Usage.from_wire(chunk.get("usage"))
        if usage is not None:
            self.usage = usage
        if isinstance(model := chunk.get("model"), str) and model:
            self.model = model
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return events
        choice: JsonDict = choices[0]
        usage = Usage.from_wire(choice.get("usage"))
        if usage is not None:
            self.usage = usage
        delta = choice.get("delta")
        if isinstance(delta, dict):
            events.extend(self._add_delta(delta))
        reason = choice.get("finish_reason")
        if isinstance(reason, str) and reason:
            self.finish_reason = reason
        elif reason is not None and not isinstance(reason, str):
            self.finish_reason = json.dumps(reason)  # not a reason at all: never "finished"
        return events

    def end(self) -> list[StreamEvent]:
        """The stream has ended: text held back in case it began a think tag."""
        events: list[StreamEvent] = []
        for is_reasoning, text in self._think.flush():
            events.append(self._reason(text) if is_reasoning else self._say(text))
        return events

    def _add_delta(self, delta: JsonDict) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        if reasoning := reasoning_text(delta):
            events.append(self._reason(reasoning))
        content = text_of(delta.get("content"))
        if content:
            for is_reasoning, text in self._think.feed(content):
                events.append(self._reason(text) if is_reasoning else self._say(text))
        fragments = delta.get("tool_calls")
        if isinstance(fragments, list):
            for fragment in fragments:
                if isinstance(fragment, dict) and (started := self._add_fragment(fragment)):
                    events.append(started)
        return events

    def _reason(self, text: str) -> ReasoningDelta:
        self._reasoning.append(text)
        self.output_chars += len(text)
        return ReasoningDelta(text)

    def _say(self, text: str) -> ContentDelta:
        self._content.append(text)
        self.output_chars += len(text)
        return ContentDelta(text)

    def _add_fragment(self, fragment: JsonDict) -> ToolCallStarted | None:
        index = fragment.get("index")
        if not isinstance(index, int) or isinstance(index, bool):
            # No index: a fragment with a new id starts a call, anything else continues the last.
            known = {c.id for c in self._calls.values()}
            new_id = fragment.get("id")
            starts = not self._calls or (isinstance(new_id, str) and new_id not in known)
            index = len(self._calls) if starts else max(self._calls)
        call = self._calls.setdefault(index, _PartialCall())
        had_name = bool(call.name)
        if isinstance(call_id := fragment.get("id"), str) and call_id and not call.id:
            call.id = call_id
        function = fragment.get("function")
        if isinstance(function, dict):
            name = function.get("name")
            if isinstance(name, str) and name and name != call.name:
                call.name += name
            arguments = function.get("arguments")
            if arguments is not None and not isinstance(arguments, str):
                # some servers send the arguments as a JSON object: they become its JSON text
                arguments = json.dumps(arguments, ensure_ascii=False)
            if isinstance(arguments, str):
                call.arguments.append(arguments)
                self.output_chars += len(arguments)
        if call.name and not had_name:
            return ToolCallStarted(index, call.name)
        return None

    def result(self) -> TurnResult:
        """The finished turn (call once the stream has ended)."""
        calls = tuple(
            ToolCall(
                id=call.id or f"call_{index}",
                name=call.name,
                arguments="".join(call.arguments),
            )
            for index, call in sorted(self._calls.items())
        )
        return TurnResult(
            content="".join(self._content),
            reasoning="".join(self._reasoning),
            tool_calls=calls,
            finish_reason=self.finish_reason,
            usage=self.usage,
            model=self.model,
        )


REASONING_KEYS = ("reasoning_content", "reasoning", "reasoning_details")
"""Where servers put reasoning, in the order they are read (the first one present wins)."""


def reasoning_text(delta: JsonDict) -> str:
    """The reasoning in a delta or message, under whichever name it came."""
    for key in REASONING_KEYS:
        value = delta.get(key)
        text = _details_text(value) if key == "reasoning_details" else text_of(value)
        if text:
            return text
    return ""


def text_of(value: object) -> str:
    """Text given as a string or as a list of content parts (`{"type": "text", "text"}`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part["text"]
            for part in value
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def _details_text(value: object) -> str:
    """OpenRouter's `reasoning_details`: objects with `text` or `summary` (encrypted ones
    carry neither and are skipped)."""
    if not isinstance(value, list):
        return ""
    out: list[str] = []
    for item in value:
        if isinstance(item, dict):
            for key in ("text", "summary"):
                if isinstance(item.get(key), str):
                    out.append(item[key])
                    break
    return "".join(out)
