"""Folding chunks into a turn: deltas kept apart, tool calls joined by index, usage."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kimi_lsp.model.accumulate import TurnAccumulator
from kimi_lsp.model.types import ContentDelta, ReasoningDelta, ToolCallStarted, Usage


def chunk(
    delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}], **extra}


def test_reasoning_and_content_are_kept_apart() -> None:
    acc = TurnAccumulator("m")
    events = []
    for c in (
        chunk({"role": "assistant", "content": ""}),
        chunk({"reasoning_content": "think "}),
        chunk({"reasoning_content": "more"}),
        chunk({"content": "Hello"}),
        chunk({"content": " world"}),
        chunk(finish="stop"),
    ):
        events += acc.add(c)
    assert events == [
        ReasoningDelta("think "),
        ReasoningDelta("more"),
        ContentDelta("Hello"),
        ContentDelta(" world"),
    ]
    result = acc.result()
    assert (result.reasoning, result.content, result.finish_reason) == (
        "think more",
        "Hello world",
        "stop",
    )


def test_tool_calls_accumulate_by_index_in_parallel() -> None:
    acc = TurnAccumulator("m")
    started = []
    for c in (
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "a",
                        "type": "function",
                        "function": {"name": "read_file", "arguments": ""},
                    }
                ]
            }
        ),
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 1,
                        "id": "b",
                        "type": "function",
                        "function": {"name": "list_files", "arguments": ""},
                    }
                ]
            }
        ),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"path":'}}]}),
        chunk({"tool_calls": [{"index": 1, "function": {"arguments": "{}"}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": ' "x.py"}'}}]}),
        chunk(finish="tool_calls"),
    ):
        started += acc.add(c)
    assert started == [ToolCallStarted(0, "read_file"), ToolCallStarted(1, "list_files")]
    calls = acc.result().tool_calls
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("a", "read_file", '{"path": "x.py"}'),
        ("b", "list_files", "{}"),
    ]
    message = acc.result().assistant_message()
    assert message["tool_calls"][0]["function"] == {
        "name": "read_file",
        "arguments": '{"path": "x.py"}',
    }
    assert "reasoning_content" in message


@given(
    st.text(max_size=40),
    st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=30),
)
def test_any_fragmenting_of_arguments_joins_back(value: str, sizes: list[int]) -> None:
    arguments = json.dumps({"query": value})
    pieces, at = [], 0
    for size in sizes * (len(arguments) // max(sum(sizes), 1) + 1):
        if at >= len(arguments):
            break
        pieces.append(arguments[at : at + size])
        at += size
    acc = TurnAccumulator("m")
    acc.add(
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "c",
                        "type": "function",
                        "function": {"name": "search_text", "arguments": ""},
                    }
                ]
            }
        )
    )
    for piece in pieces:
        acc.add(chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
    assert json.loads(acc.result().tool_calls[0].arguments) == {"query": value}


def test_usage_from_top_level_chunk() -> None:
    acc = TurnAccumulator("m")
    acc.add(chunk({"content": "x"}, finish="stop"))
    acc.add(
        {
            "choices": [],
            "usage": {
                "prompt_tokens": 10,
                "completion_tokens": 5,
                "completion_tokens_details": {"reasoning_tokens": 3},
            },
        }
    )
    assert acc.result().usage == Usage(10, 5, 3)


def test_usage_inside_the_choice() -> None:
    acc = TurnAccumulator("m")
    acc.add(
        {
            "choices": [
                {
                    "index": 0,
                    "delta": {},
                    "finish_reason": "stop",
                    "usage": {"prompt_tokens": 4, "completion_tokens": 2},
                }
            ]
        }
    )
    assert acc.result().usage == Usage(4, 2)


def test_garbage_chunks_are_ignored() -> None:
    acc = TurnAccumulator("m")
    assert acc.add({"choices": "nope"}) == []
    assert acc.add({"choices": [None]}) == []
    assert acc.add(chunk({"content": 5, "tool_calls": ["x"]})) == []
    assert not acc.has_output


def test_fragments_without_index_continue_the_last_call() -> None:
    acc = TurnAccumulator("m")
    acc.add(
        chunk(
            {
                "tool_calls": [
                    {
                        "id": "a",
                        "type": "function",
                        "function": {"name": "read_file", "arguments": ""},
                    }
                ]
            }
        )
    )
    acc.add(chunk({"tool_calls": [{"function": {"arguments": '{"path": "x"}'}}]}))
    acc.add(
        chunk(
            {
                "tool_calls": [
                    {
                        "id": "b",
                        "type": "function",
                        "function": {"name": "list_files", "arguments": "{}"},
                    }
                ]
            }
        )
    )
    calls = acc.result().tool_calls
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("a", "read_file", '{"path": "x"}'),
        ("b", "list_files", "{}"),
    ]
