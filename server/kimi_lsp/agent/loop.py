"""The tool-calling loop: ask, run the tools the model called, send the results, ask again.

The assistant message of a tool-calling turn goes back exactly as received, with its
`reasoning_content` (the API rejects it otherwise), followed by one `tool` message per
call. Bounded by `max_rounds` and by a cap on the total tool output; past either, the
model is told to answer with what it has, and further calls are refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field

from kimi_lsp.agent.limits import ToolLimits
from kimi_lsp.agent.sandbox import Sandbox
from kimi_lsp.agent.tools import READ_TOOLS, Tool, activity, run_tool
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import (
    ChatRequest,
    Completed,
    ContentDelta,
    JsonDict,
    ReasoningDelta,
    Retrying,
    ToolCallStarted,
    TurnResult,
)

LAST_ROUND = (
    "\n\n[kimi-lsp: that was the last tool round allowed for this request. "
    "Answer now with what you have; further tool calls will be refused.]"
)
BUDGET_SPENT = (
    "\n\n[kimi-lsp: the tool output budget for this request is used up. "
    "Answer now with what you have; further tool calls will be refused.]"
)
REFUSED = "Refused: no more tool calls are allowed for this request; answer with what you have."


class ToolLoopExhausted(ModelError):
    """The model kept calling tools after it was told to answer."""

    kind = "tool-loop"


@dataclass(frozen=True)
class Toolbox:
    """What the tools may see and how much they may return."""

    sandbox: Sandbox
    limits: ToolLimits = field(default_factory=ToolLimits)
    max_rounds: int = 8
    max_output_chars: int = 120_000
    tools: tuple[Tool, ...] = READ_TOOLS
    """The tools offered (the read-only ones; `kimi.edit` adds its own)."""


@dataclass(frozen=True)
class AgentResult:
    """The model's answer after any tool rounds."""

    content: str
    """All content the model wrote, turn after turn (what was streamed)."""
    final: TurnResult
    rounds: int
    tool_calls: int


Status = Callable[[str], None]
Delta = Callable[[str], Awaitable[None]]


async def run_agent(
    service: ModelService,
    endpoint: Endpoint,
    request: ChatRequest,
    *,
    toolbox: Toolbox | None,
    on_delta: Delta,
    on_status: Status,
    on_turn: Callable[[], None] | None = None,
) -> AgentResult:
    """Run turns until the model answers without calling tools.

    `on_turn` is called as each turn starts: text streamed before belongs to a turn that
    ended in tool calls, not to the answer.
    """
    messages: list[JsonDict] = list(request.messages)
    tools = [tool.spec for tool in toolbox.tools] if toolbox is not None else None
    written: list[str] = []
    rounds = calls = output = 0
    closed = False  # the model has been told to answer now
    refused = False  # a round of calls after that has been refused already
    while True:
        turn_request = ChatRequest(
            messages=messages,
            tools=tools,
            max_tokens=request.max_tokens,
            stop=request.stop,
            reasoning_effort=request.reasoning_effort,
            extra=request.extra,
        )
        if on_turn is not None:
            on_turn()
        result = await _one_turn(service, endpoint, turn_request, written, on_delta, on_status)
        if not result.tool_calls or toolbox is None:
            return AgentResult("".join(written), result, rounds, calls)
        if refused:
            if result.content.strip():
                return AgentResult("".join(written), result, rounds, calls)
            raise ToolLoopExhausted(
                "The model kept calling tools after it was told to answer; "
                f"raise kimi.tools.maxRounds ({toolbox.max_rounds}) or ask a narrower question."
            )
        refused = closed
        rounds += 0 if closed else 1
        messages.append(result.assistant_message())
        for call in result.tool_calls:
            calls += 1
            if closed:
                text = REFUSED
            else:
                on_status(activity(call, toolbox.tools, toolbox.limits))
                outcome = await asyncio.to_thread(
                    run_tool, toolbox.sandbox, call, toolbox.limits, toolbox.tools
                )
                text = outcome.text
                room = toolbox.max_output_chars - output
                if len(text) >= room:
                    text = text[: max(room, 0)] + BUDGET_SPENT
                    closed = True
                output += len(text)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": text})
        if rounds >= toolbox.max_rounds and not closed:
            messages[-1]["content"] += LAST_ROUND
            closed = True
        on_status("thinking")


async def _one_turn(
    service: ModelService,
    endpoint: Endpoint,
    request: ChatRequest,
    written: list[str],
    on_delta: Delta,
    on_status: Status,
) -> TurnResult:
    separate = bool(written) and not "".join(written).endswith("\n\n")
    async with aclosing(service.stream(endpoint, request)) as events:
        async for event in events:
            if isinstance(event, ContentDelta):
                if separate:
                    separate = False
                    written.append("\n\n")
                    await on_delta("\n\n")
                on_status("writing")
                written.append(event.text)
                await on_delta(event.text)
            elif isinstance(event, ReasoningDelta):
                on_status("thinking")
            elif isinstance(event, ToolCallStarted):
                on_status(f"calling {event.name}")
            elif isinstance(event, Retrying):
                on_status(f"retrying in {event.delay:.1f}s ({event.reason})")
            elif isinstance(event, Completed):
                return event.result
    raise AssertionError("the model stream ended without a result")  # pragma: no cover
