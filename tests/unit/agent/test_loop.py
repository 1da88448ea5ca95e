"""The tool-calling loop against `httpx.MockTransport`: replay, one answer per call, bounds."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from kimi_lsp.agent.loop import (
    BUDGET_SPENT,
    LAST_ROUND,
    REFUSED,
    Toolbox,
    ToolLoopExhausted,
    run_agent,
)
from kimi_lsp.agent.sandbox import Sandbox
from kimi_lsp.model.client import ModelClient
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.service import ModelService
from kimi_lsp.model.types import ChatRequest

from .conftest import LIMITS

ENDPOINT = Endpoint(
    "empiriolabs", "https://api.test/v1", "kimi-k2-7-code", SecretStr("sk-x-123456"), "hint"
)
REQUEST = ChatRequest(messages=[{"role": "user", "content": "explain"}], max_tokens=1000)


def sse(*chunks: dict[str, Any]) -> bytes:
    body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
    return body + b"data: [DONE]\n\n"


def tool_turn(*calls: tuple[str, str], reasoning: str = "need to look") -> bytes:
    fragments = [
        {
            "choices": [
                {"index": 0, "delta": {"reasoning_content": reasoning}, "finish_reason": None}
            ]
        }
    ]
    for i, (name, args) in enumerate(calls):
        fragments.append(
            {
                "choices": [
                    {
                        "index": 0,
                        "delta": {
                            "tool_calls": [
                                {
                                    "index": i,
                                    "id": f"id{i}",
                                    "type": "function",
                                    "function": {"name": name, "arguments": ""},
                                }
                            ]
                        },
                        "finish_reason": None,
                    }
                ]
            }
        )
        fragments.append(
            {
                "choices": [
                    {
                        "index": 0,
                        "delta": {"tool_calls": [{"index": i, "function": {"arguments": args}}]},
                        "finish_reason": None,
                    }
                ]
            }
        )
    fragments.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})
    return sse(*fragments)


def answer(text: str) -> bytes:
    return sse(
        {"choices": [{"index": 0, "delta": {"reasoning_content": "ok"}, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": "stop"}]},
    )


class Scripted:
    def __init__(self, *bodies: bytes) -> None:
        self.bodies = list(bodies)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        _check_replay(body)
        return httpx.Response(200, content=self.bodies.pop(0))


def _check_replay(body: dict[str, Any]) -> None:
    """What the real API enforces: tool-call messages keep their reasoning_content."""
    for message in body["messages"]:
        if message.get("tool_calls"):
            assert isinstance(message.get("reasoning_content"), str)


async def run(script: Scripted, toolbox: Toolbox | None) -> tuple[Any, list[str], list[str]]:
    service = ModelService(ModelClient(transport=httpx.MockTransport(script)), UsageLedger())
    deltas: list[str] = []
    statuses: list[str] = []

    async def on_delta(text: str) -> None:
        deltas.append(text)

    result = await run_agent(
        service, ENDPOINT, REQUEST, toolbox=toolbox, on_delta=on_delta, on_status=statuses.append
    )
    return result, deltas, statuses


async def test_tool_round_replays_the_assistant_message_and_answers_each_call(
    sandbox: Sandbox,
) -> None:
    script = Scripted(
        tool_turn(
            ("read_file", '{"path": "pkg/helpers.py"}'),
            ("read_file", '{"path": ".env"}'),
            ("nope", "{"),
        ),
        answer("It doubles x."),
    )
    result, deltas, statuses = await run(script, Toolbox(sandbox, LIMITS))
    assert result.content == "It doubles x." == "".join(deltas)
    assert (result.rounds, result.tool_calls) == (1, 3)
    second = script.requests[1]["messages"]
    assistant = second[1]
    assert assistant["role"] == "assistant"
    assert assistant["reasoning_content"] == "need to look"
    assert [c["function"]["name"] for c in assistant["tool_calls"]] == [
        "read_file",
        "read_file",
        "nope",
    ]
    tools = second[2:]
    assert [m["tool_call_id"] for m in tools] == ["id0", "id1", "id2"]
    assert tools[0]["content"].startswith("def helper(x):")
    assert tools[1]["content"].startswith("Refused:")
    assert "sk-live-supersecret" not in json.dumps(script.requests)
    assert tools[2]["content"].startswith("Error: the arguments are not valid JSON")
    assert "reading pkg/helpers.py" in statuses
    assert script.requests[0]["tools"][0]["function"]["name"] == "read_file"
    assert script.requests[0]["tool_choice"] == "auto"


async def test_no_toolbox_offers_no_tools(sandbox: Sandbox) -> None:
    script = Scripted(answer("plain"))
    result, _, _ = await run(script, None)
    assert result.content == "plain"
    assert "tools" not in script.requests[0]


async def test_round_limit_tells_the_model_then_refuses_then_ends(sandbox: Sandbox) -> None:
    call = ("list_files", "{}")
    script = Scripted(tool_turn(call), tool_turn(call), tool_turn(call), answer("done"))
    result, _, _ = await run(script, Toolbox(sandbox, LIMITS, max_rounds=2))
    assert result.content == "done"
    assert result.rounds == 2
    third = script.requests[2]["messages"]
    assert third[-1]["content"].endswith(LAST_ROUND)
    fourth = script.requests[3]["messages"]
    assert fourth[-1]["content"] == REFUSED


async def test_a_model_that_never_stops_ends_with_an_error(sandbox: Sandbox) -> None:
    call = ("list_files", "{}")
    script = Scripted(*(tool_turn(call) for _ in range(5)))
    with pytest.raises(ToolLoopExhausted, match=r"kimi\.tools\.maxRounds"):
        await run(script, Toolbox(sandbox, LIMITS, max_rounds=1))
    assert len(script.requests) == 3


async def test_tool_output_cap_cuts_and_closes(sandbox: Sandbox) -> None:
    script = Scripted(
        tool_turn(
            ("read_file", '{"path": "pkg/helpers.py"}'), ("read_file", '{"path": "README.md"}')
        ),
        answer("short"),
    )
    result, _, _ = await run(script, Toolbox(sandbox, LIMITS, max_output_chars=20))
    tools = script.requests[1]["messages"][2:]
    assert tools[0]["content"].endswith(BUDGET_SPENT)
    assert tools[0]["content"].startswith("def helper(x):\n    r")
    assert tools[1]["content"] == REFUSED
    assert result.content == "short"


async def test_content_of_every_turn_is_streamed_and_returned(sandbox: Sandbox) -> None:
    first = sse(
        {
            "choices": [
                {
                    "index": 0,
                    "delta": {"reasoning_content": "r", "content": "Let me look."},
                    "finish_reason": None,
                }
            ]
        },
        {
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "a",
                                "type": "function",
                                "function": {"name": "list_files", "arguments": "{}"},
                            }
                        ]
                    },
                    "finish_reason": "tool_calls",
                }
            ]
        },
    )
    script = Scripted(first, answer("Now I know."))
    result, deltas, _ = await run(script, Toolbox(sandbox, LIMITS))
    assert result.content == "Let me look.\n\nNow I know." == "".join(deltas)
