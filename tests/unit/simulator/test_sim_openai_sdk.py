"""A client we did not write: the official `openai` Python SDK drives the simulator over
real HTTP and must parse everything it answers, as it parses the real API's answers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from kimi_lsp.simulator import Simulator, ToolCallSpec, Turn

from .helpers import KEY, MODEL, WORKSPACE_TOOLS

GATEWAY = "moonshot/kimi-k2.7-code"
ASK: Any = [{"role": "user", "content": "Explain restock_cost."}]
TOOLS: Any = WORKSPACE_TOOLS
"""Typed loosely: the SDK's overloads want its own TypedDicts."""


class Tag(BaseModel):
    name: str
    weight: float | None


class Review(BaseModel):
    verdict: str
    score: int
    tags: list[Tag]


@pytest.fixture
async def sdk(sim: Simulator) -> AsyncIterator[openai.AsyncOpenAI]:
    """The SDK pointed at the simulator, without retries of its own."""
    async with openai.AsyncOpenAI(api_key=KEY, base_url=sim.base_url, max_retries=0) as client:
        yield client


def extra(obj: Any, name: str) -> Any:
    """A field the SDK keeps as an extra (Kimi's ``reasoning_content``)."""
    return (obj.model_extra or {}).get(name)


async def test_non_streamed_answer_parses(sim: Simulator, sdk: openai.AsyncOpenAI) -> None:
    sim.script(Turn(reasoning="Think first.", content="It restocks."))
    completion = await sdk.chat.completions.create(model=MODEL, messages=ASK)
    choice = completion.choices[0]
    assert (choice.message.content, choice.finish_reason) == ("It restocks.", "stop")
    assert extra(choice.message, "reasoning_content") == "Think first."
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 3 + 3
    assert completion.usage.completion_tokens_details is not None
    assert completion.usage.completion_tokens_details.reasoning_tokens == 3


async def test_streamed_answer_with_usage_parses(sim: Simulator, sdk: openai.AsyncOpenAI) -> None:
    sim.script(Turn(reasoning="Think first.", content="It restocks, in pieces.", chunk_chars=3))
    stream = await sdk.chat.completions.create(
        model=MODEL,
        messages=ASK,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    thought = "".join(extra(c.choices[0].delta, "reasoning_content") or "" for c in chunks[1:-2])
    assert (text, thought) == ("It restocks, in pieces.", "Think first.")
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.total_tokens == chunks[-1].usage.prompt_tokens + 9


async def test_tool_loop_with_reasoning_replay(sim: Simulator, sdk: openai.AsyncOpenAI) -> None:
    call = ToolCallSpec(name="read_file", arguments='{"path": "pkg/pricing.py"}')
    sim.script(
        Turn(reasoning="I need the pricing module.", tool_calls=[call]),
        Turn(reasoning="Now I know.", content="It multiplies by the unit price."),
    )
    messages: list[Any] = list(ASK)
    async with sdk.chat.completions.stream(
        model=MODEL,
        messages=messages,
        tools=TOOLS,
    ) as stream:
        first = await stream.get_final_completion()
    message = first.choices[0].message
    assert first.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls is not None
    function = message.tool_calls[0].function
    assert (function.name, json.loads(function.arguments)) == (
        "read_file",
        {"path": "pkg/pricing.py"},
    )
    replay = {
        "role": "assistant",
        "content": message.content or "",
        "reasoning_content": extra(message, "reasoning_content"),
        "tool_calls": [c.model_dump() for c in message.tool_calls],
    }
    messages += [replay, {"role": "tool", "tool_call_id": message.tool_calls[0].id, "content": "x"}]
    second = await sdk.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
    assert second.choices[0].message.content == "It multiplies by the unit price."
    sent = sim.requests[1].body["messages"][1]
    assert sent["reasoning_content"] == "I need the pricing module."
    # The same replay without its reasoning_content is refused, as the real API does.
    del replay["reasoning_content"]
    with pytest.raises(openai.BadRequestError, match="reasoning_content is missing"):
        await sdk.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)


@pytest.mark.parametrize(
    ("turn", "error", "status"),
    [
        (Turn(status=401), openai.AuthenticationError, 401),
        (Turn(status=402), openai.APIStatusError, 402),
        (Turn(status=404), openai.NotFoundError, 404),
        (Turn(status=429, headers={"Retry-After": "7"}), openai.RateLimitError, 429),
        (Turn(status=500, error_message="upstream died"), openai.InternalServerError, 500),
        (Turn(status=503), openai.InternalServerError, 503),
    ],
)
async def test_errors_become_the_sdks_exceptions(
    sim: Simulator, sdk: openai.AsyncOpenAI, turn: Turn, error: type[Exception], status: int
) -> None:
    sim.script(turn)
    with pytest.raises(error) as caught:
        await sdk.chat.completions.create(model=MODEL, messages=ASK, stream=True)
    failure = caught.value
    assert isinstance(failure, openai.APIStatusError)
    assert failure.status_code == status
    assert isinstance(failure.body, dict)
    assert failure.body["message"] == (turn.error_message or failure.body["message"])
    assert failure.body["type"]
    if status == 429:
        assert failure.response.headers["retry-after"] == "7"


async def test_validation_errors_and_a_wrong_key(sim: Simulator, sdk: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="kimi-k9"):
        await sdk.chat.completions.create(model="kimi-k9", messages=ASK)
    with pytest.raises(openai.BadRequestError, match="max_tokens"):
        await sdk.chat.completions.create(model=GATEWAY, messages=ASK, max_tokens=20_000)
    async with openai.AsyncOpenAI(api_key="sk-wrong", base_url=sim.base_url, max_retries=0) as c:
        with pytest.raises(openai.AuthenticationError):
            await c.chat.completions.create(model=MODEL, messages=ASK)


async def test_json_object(sim: Simulator, sdk: openai.AsyncOpenAI) -> None:
    sim.script(Turn(content='{"verdict": "fine"}'))
    for _ in range(2):  # scripted, then the simulator's own
        answer = await sdk.chat.completions.create(
            model=MODEL,
            messages=ASK,
            response_format={"type": "json_object"},
        )
        assert isinstance(json.loads(answer.choices[0].message.content or ""), dict)


async def test_json_schema_with_parse(sim: Simulator, sdk: openai.AsyncOpenAI) -> None:
    scripted = {"verdict": "good", "score": 8, "tags": [{"name": "fast", "weight": None}]}
    sim.script(Turn(reasoning="Fits.", content=json.dumps(scripted)))
    parsed = await sdk.chat.completions.parse(model=MODEL, messages=ASK, response_format=Review)
    assert parsed.choices[0].message.parsed == Review.model_validate(scripted)
    sent = sim.requests[0].body["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["strict"] is True
    default = await sdk.beta.chat.completions.parse(
        model=MODEL, messages=ASK, response_format=Review
    )
    assert isinstance(default.choices[0].message.parsed, Review)


async def test_parse_refuses_output_cut_by_max_tokens(
    sim: Simulator, sdk: openai.AsyncOpenAI
) -> None:
    sim.script(Turn(content=json.dumps({"verdict": "x" * 400, "score": 1, "tags": []})))
    with pytest.raises(openai.LengthFinishReasonError):
        await sdk.chat.completions.parse(
            model=MODEL,
            messages=ASK,
            response_format=Review,
            max_tokens=20,
        )


async def test_reasoning_effort(sdk: openai.AsyncOpenAI) -> None:
    tokens: dict[str, int | None] = {}
    for effort in ("none", "low", "high"):
        answer = await sdk.chat.completions.create(
            model=GATEWAY,
            messages=ASK,
            reasoning_effort=effort,
        )
        assert answer.usage is not None
        assert answer.usage.completion_tokens_details is not None
        tokens[effort] = answer.usage.completion_tokens_details.reasoning_tokens
        reasoning = extra(answer.choices[0].message, "reasoning_content")
        assert bool(reasoning) == bool(tokens[effort])
    assert tokens["none"] == 0
    assert 0 < (tokens["low"] or 0) < (tokens["high"] or 0)


async def test_tool_choice_forces_a_call_the_sdk_parses(sdk: openai.AsyncOpenAI) -> None:
    tool = openai.pydantic_function_tool(Tag, name="tag", description="Tag the code.")
    answer = await sdk.chat.completions.parse(
        model=MODEL,
        messages=ASK,
        tools=[tool],
        tool_choice={"type": "function", "function": {"name": "tag"}},
    )
    calls = answer.choices[0].message.tool_calls
    assert answer.choices[0].finish_reason == "tool_calls"
    assert calls is not None
    assert isinstance(calls[0].function.parsed_arguments, Tag)
    required = await sdk.chat.completions.create(
        model=MODEL,
        messages=ASK,
        tools=TOOLS,
        tool_choice="required",
        stream=True,
    )
    fragments = [c.choices[0].delta.tool_calls async for c in required if c.choices]
    assert any(f and f[0].function and f[0].function.name == "read_file" for f in fragments)
