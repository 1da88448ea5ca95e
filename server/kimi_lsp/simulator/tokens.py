"""Deterministic token accounting and the output budget (thinking counts toward max_tokens).

Token estimate: ``ceil(len(text) / 4)`` per text, at least 1 for a non-empty text. A
:class:`Plan` is what the model actually "generates" for a turn once ``stop`` sequences
and ``max_tokens`` have been applied.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from .request import message_text
from .script import ToolCallSpec, Turn

CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """Return ``ceil(len(text) / 4)``: 0 for an empty text, at least 1 otherwise."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def prompt_tokens(messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> int:
    """Estimate prompt tokens: every message text (content, replayed reasoning, tool-call
    names and arguments), plus the JSON of the tool definitions."""
    total = 0
    for message in messages:
        total += estimate_tokens(message_text(message.get("content")))
        reasoning = message.get("reasoning_content")
        if isinstance(reasoning, str):
            total += estimate_tokens(reasoning)
        for call in message.get("tool_calls") or []:
            function = call.get("function", {})
            total += estimate_tokens(function.get("name", "") + function.get("arguments", ""))
    if tools:
        total += estimate_tokens(json.dumps(tools, separators=(",", ":")))
    return total


@dataclass
class Plan:
    """The generated output of one turn after ``stop`` and ``max_tokens``."""

    reasoning: str
    content: str
    tool_calls: list[ToolCallSpec] = field(default_factory=list)
    """With their ids set; the arguments possibly truncated."""
    finish_reason: str = "stop"
    usage: dict[str, Any] = field(default_factory=dict)


def _cut(text: str, budget: int) -> tuple[str, int, bool]:
    """Keep the part of ``text`` that fits ``budget`` tokens; return (kept, used, cut)."""
    used = estimate_tokens(text)
    if used <= budget:
        return text, used, False
    kept = text[: budget * CHARS_PER_TOKEN]
    return kept, estimate_tokens(kept), True


def _apply_stop(content: str, stop: list[str]) -> tuple[str, bool]:
    """Cut ``content`` before the earliest stop sequence; return (content, stopped)."""
    positions = [content.find(s) for s in stop if s and s in content]
    return (content[: min(positions)], True) if positions else (content, False)


def plan_turn(turn: Turn, max_tokens: int, stop: list[str], prompt: int, web_search: bool) -> Plan:
    """Apply stop sequences and the output budget to ``turn`` (its tool calls have ids).

    Reasoning is generated first and counts toward ``max_tokens``: if it exhausts the
    budget the content is empty and the finish reason is ``length``. Only when the request
    enabled ``tool_web_search`` are the turn's ``web_search_calls`` reported in usage.
    """
    reasoning, used, cut = _cut(turn.reasoning, max_tokens)
    reasoning_used = used
    content, stopped = _apply_stop(turn.content, stop)
    if cut:
        content = ""
    else:
        content, spent, cut = _cut(content, max_tokens - used)
        used += spent
    calls: list[ToolCallSpec] = []
    for spec in [] if cut or stopped else turn.tool_calls:
        arguments, spent, cut = _cut(spec.arguments, max_tokens - used)
        used += spent
        calls.append(spec.model_copy(update={"arguments": arguments}))
        if cut:
            break
    finish = turn.finish_reason or ("length" if cut else "tool_calls" if calls else "stop")
    usage: dict[str, Any] = (
        dict(turn.usage)
        if turn.usage is not None
        else {
            "prompt_tokens": prompt,
            "completion_tokens": used,
            "total_tokens": prompt + used,
            "completion_tokens_details": {"reasoning_tokens": reasoning_used},
        }
    )
    if web_search and turn.web_search_calls:
        usage.setdefault("web_search_calls", turn.web_search_calls)
    return Plan(reasoning, content, calls, finish, usage)
