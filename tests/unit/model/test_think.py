"""Reasoning and content kept apart under any chunking: think tags split anywhere,
reasoning under any of its names, arguments as objects, absurd usage."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kimi_lsp.model.accumulate import TurnAccumulator
from kimi_lsp.model.think import ThinkSplitter
from kimi_lsp.model.types import ContentDelta, ReasoningDelta, StreamEvent, Usage

from .wire import pieces

CUTS = st.lists(st.integers(min_value=0, max_value=500), max_size=25)


def split(chunks: list[str]) -> tuple[str, str]:
    splitter = ThinkSplitter()
    out = [p for c in chunks for p in splitter.feed(c)] + splitter.flush()
    return "".join(t for r, t in out if r), "".join(t for r, t in out if not r)


CASES = [
    ("<think>a plan</think>\n\nThe answer.", ("a plan", "The answer.")),
    ("Just <b>html</b> and a < b.", ("", "Just <b>html</b> and a < b.")),
    ("<thinking>long</thinking>Then <think>more</think>text", ("longmore", "Then text")),
    ("<think>never closed", ("never closed", "")),
    ("ends with <thi", ("", "ends with <thi")),
    ("Intro. <think>mid</think> outro.", ("mid", "Intro.  outro.")),
]  # fmt: skip


@given(st.sampled_from(CASES), CUTS)
def test_think_tags_split_anywhere_give_the_same_result(
    case: tuple[str, tuple[str, str]], cuts: list[int]
) -> None:
    text, expected = case
    assert split(list(pieces(text, cuts))) == expected


@given(st.text(alphabet="<>/thinkgabc \n", max_size=60), CUTS)
def test_any_text_splits_the_same_whole_or_in_pieces(text: str, cuts: list[int]) -> None:
    reasoning, content = split(list(pieces(text, cuts)))
    assert (reasoning, content) == split([text])
    assert "<think>" not in content


def feed(chunks: list[dict[str, Any]]) -> tuple[TurnAccumulator, list[StreamEvent]]:
    acc = TurnAccumulator("m")
    events: list[StreamEvent] = []
    for chunk in chunks:
        events += acc.add(chunk)
    return acc, events + acc.end()


def choice(delta: dict[str, Any]) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": delta, "finish_reason": None}]}


NAMES = ["reasoning_content", "reasoning", "reasoning_details", "think-tags"]


def reasoning_chunk(name: str, text: str) -> dict[str, Any]:
    if name == "reasoning_details":
        return choice({name: [{"type": "reasoning.text", "text": text}]})
    if name == "think-tags":
        return choice({"content": text})
    return choice({name: text})


@given(
    st.sampled_from(NAMES),
    st.text(min_size=1, max_size=80),
    CUTS,
    st.one_of(st.text(max_size=40), st.sampled_from(["", " x", "\n\nAnswer."])),
)
def test_reasoning_under_any_name_and_any_chunking_is_reasoning(
    name: str, thought: str, cuts: list[int], answer: str
) -> None:
    thought = thought.replace("<", "(").strip() or "x"
    stream = f"<think>{thought}</think>" if name == "think-tags" else thought
    chunks = [reasoning_chunk(name, piece) for piece in pieces(stream, cuts)]
    answer = answer.replace("<", "(")
    acc, events = feed([*chunks, choice({"content": answer}) if answer else {}])
    shown = answer.lstrip() if name == "think-tags" else answer  # no blank after </think>
    result = acc.result()
    assert result.reasoning == thought
    assert result.content == shown
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)) == thought
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == shown
    assert result.assistant_message()["reasoning_content"] == thought
    assert acc.output_chars == len(thought) + len(shown)


@given(st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=5))
def test_object_arguments_become_their_json_text(arguments: dict[str, Any]) -> None:
    call = {"index": 0, "id": "a", "function": {"name": "read_file", "arguments": arguments}}
    acc, _ = feed([choice({"tool_calls": [call]})])
    assert json.loads(acc.result().tool_calls[0].arguments) == arguments


@given(
    st.one_of(
        st.integers(max_value=-1),
        st.integers(min_value=10_000_001),
        st.floats().filter(lambda f: not f.is_integer()),
        st.booleans(),
        st.text(max_size=5),
        st.none(),
    )
)
def test_absurd_usage_is_not_believed(value: object) -> None:
    assert Usage.from_wire({"prompt_tokens": 5, "completion_tokens": value}) is None
    assert Usage.from_wire({"prompt_tokens": value, "completion_tokens": 5}) is None


def test_believable_usage_is_read() -> None:
    assert Usage.from_wire({"prompt_tokens": 5.0, "completion_tokens": 7}) == Usage(5, 7)
    usage = Usage.from_wire(
        {"prompt_tokens": 5, "completion_tokens": 7, "web_search_calls": 10**40}
    )
    assert usage == Usage(5, 7)
    assert Usage.from_wire({"total_tokens": 12}) is None


def test_a_later_unbelievable_usage_keeps_the_earlier_one() -> None:
    acc, _ = feed(
        [
            {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}},
            {"choices": [], "usage": {"prompt_tokens": 10**40, "completion_tokens": 4}},
        ]
    )
    assert acc.usage == Usage(3, 4)
