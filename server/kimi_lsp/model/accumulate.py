"""Folding streamed chat-completion chunks into one assistant turn.

Reasoning and content deltas are kept apart; tool-call fragments are joined by their
`index`; usage is read from a top-level `usage` chunk or from `choices[0].usage` (where
Moonshot has been seen to put it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
        self.finish_reason: str | None = None
        self.usage: Usage | None = None

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
        return events

    def _add_delta(self, delta: JsonDict) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        reasoning = delta.get("reasoning_content")
        if isinstance(reasoning, str) and reasoning:
            self._reasoning.append(reasoning)
            events.append(ReasoningDelta(reasoning))
        content = delta.get("content")
        if isinstance(content, str) and content:
            self._content.append(content)
            events.append(ContentDelta(content))
        fragments = delta.get("tool_calls")
        if isinstance(fragments, list):
            for fragment in fragments:
                if isinstance(fragment, dict) and (started := self._add_fragment(fragment)):
                    events.append(started)
        return events

    def _add_fragment(self, fragment: JsonDict) -> ToolCallStarted | None:
        index = fragment.get("index")
        if not isinstance(index, int):
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
            if isinstance(arguments, str):
                call.arguments.append(arguments)
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
            finish_reason=self.finish_reason or "stop",
            usage=self.usage,
            model=self.model,
        )
