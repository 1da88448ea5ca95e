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
from .script import Turn

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
class PlannedCall:
    """A tool call as it will be sent (arguments possibly truncated)."""

    id: str
    name: str
    arguments: str


@dataclass
class Plan:
    """The generated output of one turn after ``stop`` and ``max_tokens``."""

    reasoning: str
    content: str
    tool_calls: list[PlannedCall] = field(default_factory=list)
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
    if not positions:
        return content, False
    return content[: min(positions)], True


def plan_turn(
    turn: Turn,
    call_ids: list[str],
    max_tokens: int,
    stop: list[str],
    prompt: int,
    web_search: bool = False,
) -> Plan:
    """Apply stop sequences and the output budget to ``turn``.

    Reasoning is generated first and counts toward ``max_tokens``: if it exhausts the
    budget the content is empty and the finish reason is ``length``. ``call_ids`` gives
    the id of each tool call of the turn. ``web_search`` tells whether the request enabled
    ``tool_web_search``: only then are the turn's ``web_search_calls`` reported in usage.
    """
    budget = max_tokens
    reasoning, reasoning_used, cut = _cut(turn.reasoning, budget)
    budget -= reasoning_used
    content, stopped = _apply_stop(turn.content, stop)
    content_used = 0
    calls: list[PlannedCall] = []
    if cut:
        content = ""
    else:
        content, content_used, cut = _cut(content, budget)
        budget -= content_used
    args_used = 0
    if not cut and not stopped:
        for spec, call_id in zip(turn.tool_calls, call_ids, strict=True):
            arguments, used, cut = _cut(spec.arguments, budget)
            budget -= used
            args_used += used
            calls.append(PlannedCall(call_id, spec.name, arguments))
            if cut:
                break
    if turn.finish_reason is not None:
        finish = turn.finish_reason
    elif cut:
        finish = "length"
    elif calls:
        finish = "tool_calls"
    else:
        finish = "stop"
    completion = reasoning_used + content_used + args_used
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "completion_tokens_details": {"reasoning_tokens": reasoning_used},
    }
    if turn.usage is not None:
        usage = dict(turn.usage)
    if web_search and turn.web_search_calls:
        usage.setdefault("web_search_calls", turn.web_search_calls)
    return Plan(reasoning, content, calls, finish, usage)
