"""Every shape a real OpenAI-compatible server sends: reasoning under other names, think
tags in the content, object arguments, a BOM, finish reasons, odd non-streamed bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kimi_lsp.model.errors import AbnormalFinish, BadResponse, ContentFiltered, ModelError
from kimi_lsp.model.types import (
    ChatRequest,
    Completed,
    ContentDelta,
    ReasoningDelta,
    StreamEvent,
    TurnResult,
)

from .wire import REQUEST, Recorder, client_for, collect, delta, finish, ok, sse


def result_of(events: list[StreamEvent]) -> TurnResult:
    done = events[-1]
    assert isinstance(done, Completed)
    return done.result


def shown(events: list[StreamEvent]) -> tuple[str, str]:
    """(reasoning, content) as the caller saw them streamed."""
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    content = "".join(e.text for e in events if isinstance(e, ContentDelta))
    return reasoning, content


TOOL_CALL = {"index": 0, "id": "c1", "type": "function",
             "function": {"name": "read_file", "arguments": '{"path": "a.py"}'}}  # fmt: skip


@pytest.mark.parametrize(
    "reasoning_delta",
    [
        {"reasoning": "Look at a.py"},
        {"reasoning_details": [{"type": "reasoning.text", "text": "Look at a.py"}]},
        {"reasoning_details": [{"type": "reasoning.summary", "summary": "Look at a.py"}]},
        # OpenRouter sends both with the same text: counted once
        {"reasoning": "Look at a.py", "reasoning_details": [{"text": "Look at a.py"}]},
        {"reasoning_content": "Look at a.py", "reasoning": "Look at a.py"},
    ],
    ids=["reasoning", "details-text", "details-summary", "both", "content-and-reasoning"],
)
async def test_reasoning_under_any_name_is_thinking_and_is_replayed(
    reasoning_delta: dict[str, Any],
) -> None:
    body = sse(delta(**reasoning_delta), delta(tool_calls=[TOOL_CALL]), finish("tool_calls"))
    events = await collect(client_for(Recorder(ok(body + b"data: [DONE]\n\n"))))
    assert shown(events) == ("Look at a.py", "")
    message = result_of(events).assistant_message()
    assert message["reasoning_content"] == "Look at a.py"
    assert message["tool_calls"][0]["function"]["name"] == "read_file"


@pytest.mark.parametrize("key", ["reasoning", "reasoning_content", "reasoning_details"])
async def test_non_streamed_reasoning_is_read_under_any_name(key: str) -> None:
    value: Any = [{"text": "why"}] if key == "reasoning_details" else "why"
    message = {"role": "assistant", "content": "answer", key: value}
    body = {"choices": [{"index": 0, "finish_reason": "stop", "message": message}]}
    events = await collect(client_for(Recorder(ok(json.dumps(body).encode(), "application/json"))))
    assert shown(events) == ("why", "answer")
    assert result_of(events).reasoning == "why"


async def test_think_tags_in_the_content_are_reasoning_even_split_across_chunks() -> None:
    text = "<think>The user wants x.</think>\n\nIt adds one. <thi"
    chunks = [delta(content=text[i : i + 3]) for i in range(0, len(text), 3)]
    body = sse(*chunks, delta(content="nk>more</think>Done."), finish(), "[DONE]")
    events = await collect(client_for(Recorder(ok(body))))
    assert shown(events) == ("The user wants x.more", "It adds one. Done.")
    result = result_of(events)
    assert "think" not in result.content
    assert result.reasoning == "The user wants x.more"


async def test_tool_call_arguments_sent_as_an_object_become_its_json_text() -> None:
    call = {**TOOL_CALL, "function": {"name": "read_file", "arguments": {"path": "é.py"}}}
    body = sse(delta(tool_calls=[call]), finish("tool_calls"), "[DONE]")
    result = result_of(await collect(client_for(Recorder(ok(body)))))
    assert json.loads(result.tool_calls[0].arguments) == {"path": "é.py"}


async def test_a_leading_byte_order_mark_keeps_the_first_event() -> None:
    body = b"\xef\xbb\xbf" + sse(delta(content="first"), delta(content=" second"), finish())
    events = await collect(client_for(Recorder(ok(body + b"data: [DONE]\n\n"))))
    assert shown(events)[1] == "first second"


@pytest.mark.parametrize("reason", ["error", "abort", "cancelled", "max_tokens", "unknown"])
async def test_a_finish_reason_that_is_not_a_finished_answer_is_a_failure(reason: str) -> None:
    recorder = Recorder(ok(sse(delta(content="partial"), finish(reason), "[DONE]")))
    with pytest.raises(AbnormalFinish) as caught:
        await collect(client_for(recorder, []))
    assert reason in caught.value.message
    assert caught.value.kind == "cut-off"
    assert caught.value.status is None
    assert len(recorder.requests) == 1  # content had started: never retried


async def test_an_abnormal_finish_before_any_content_is_retried() -> None:
    good = sse(delta(content="fine"), finish(), "[DONE]")
    recorder = Recorder(ok(sse(delta(reasoning_content="r"), finish("error"))), ok(good))
    events = await collect(client_for(recorder, []))
    assert result_of(events).content == "fine"


async def test_content_filter_is_a_failure() -> None:
    with pytest.raises(ContentFiltered):
        await collect(
            client_for(Recorder(ok(sse(delta(content="x"), finish("content_filter")))), [])
        )


@pytest.mark.parametrize("reason", ["stop", "tool_calls", "length", None])
async def test_the_finish_reason_is_kept_exactly_as_sent(reason: str | None) -> None:
    body = sse(delta(content="whole answer"), finish(reason), "[DONE]")
    result = result_of(await collect(client_for(Recorder(ok(body)))))
    assert result.finish_reason == reason


async def test_no_finish_reason_and_no_done_is_never_an_answer() -> None:
    with pytest.raises(ModelError, match="ended before"):
        await collect(client_for(Recorder(ok(sse(delta(content="half")))), []))


@pytest.mark.parametrize(
    "body",
    [
        {"choices": [{"index": 0, "message": "just a string", "finish_reason": "stop"}]},
        {"choices": [{"index": 0, "message": ["a", "list"], "finish_reason": "stop"}]},
        {"choices": [{"index": 0, "text": "a legacy completion"}]},
        {"choices": "none"},
        ["not", "an", "object"],
    ],
    ids=["message-string", "message-list", "legacy-text", "choices-string", "list"],
)
async def test_a_malformed_non_streamed_body_is_a_clear_error(body: Any) -> None:
    recorder = Recorder(ok(json.dumps(body).encode(), "application/json"))
    with pytest.raises(BadResponse) as caught:
        await collect(client_for(recorder, []), ChatRequest(REQUEST.messages, max_tokens=100))
    assert caught.value.message.endswith(".")
    assert "completion" in caught.value.message


async def test_content_given_as_parts_is_read() -> None:
    parts = [{"type": "text", "text": "Hello"}, {"type": "text", "text": " there"}]
    body = sse(delta(content=parts), finish(), "[DONE]")
    assert result_of(await collect(client_for(Recorder(ok(body))))).content == "Hello there"
