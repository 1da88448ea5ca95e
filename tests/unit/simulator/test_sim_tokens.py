"""Token accounting and the output budget, as properties of ``plan_turn``."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kimi_lsp.simulator import ToolCallSpec, Turn
from kimi_lsp.simulator.tokens import estimate_tokens, plan_turn


def test_estimate_tokens() -> None:
    assert [estimate_tokens(t) for t in ("", "a", "abcd", "abcde", "é" * 8)] == [0, 1, 1, 2, 2]


@given(
    reasoning=st.text(max_size=200),
    content=st.text(max_size=200),
    arguments=st.lists(st.text(max_size=50), max_size=3),
    max_tokens=st.integers(min_value=1, max_value=150),
    stop=st.lists(st.text(min_size=1, max_size=3), max_size=4),
)
def test_plan_respects_budget_and_prefixes(
    reasoning: str, content: str, arguments: list[str], max_tokens: int, stop: list[str]
) -> None:
    calls = [ToolCallSpec(name=f"f{i}", arguments=a, id=f"id{i}") for i, a in enumerate(arguments)]
    turn = Turn(reasoning=reasoning, content=content, tool_calls=calls)
    plan = plan_turn(turn, max_tokens, stop, prompt=3, web_search=False)
    usage = plan.usage
    assert usage["completion_tokens"] <= max_tokens
    assert usage["total_tokens"] == 3 + usage["completion_tokens"]
    assert usage["completion_tokens_details"]["reasoning_tokens"] == estimate_tokens(plan.reasoning)
    assert reasoning.startswith(plan.reasoning)
    assert content.startswith(plan.content)
    assert not any(s in plan.content for s in stop)
    for planned, spec in zip(plan.tool_calls, calls, strict=False):
        assert spec.arguments.startswith(planned.arguments)
    if plan.finish_reason == "length":
        assert usage["completion_tokens"] >= max_tokens - 1 or plan.content != content
    if estimate_tokens(reasoning) > max_tokens:
        assert (plan.content, plan.tool_calls, plan.finish_reason) == ("", [], "length")
