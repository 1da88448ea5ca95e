"""The clock profiles and reasoning_effort, on turns (no waiting: the figures only)."""

from __future__ import annotations

import httpx
import pytest

from kimi_lsp.simulator import Simulator, Turn
from kimi_lsp.simulator.profile import FAST, KIMI, shape
from kimi_lsp.simulator.tokens import estimate_tokens

from .helpers import KEY, chat_body

GATEWAY = {"model": "moonshot/kimi-k2.7-code"}
EMPIRIO = {"model": "kimi-k2-7-code"}


def test_kimi_profile_figures() -> None:
    turn = shape(Turn(content="x" * 40), EMPIRIO, KIMI)
    assert turn.ttft == pytest.approx(0.8)
    assert turn.chunk_delay == pytest.approx(2 / 38)  # 8 characters = 2 tokens at 38/s
    assert estimate_tokens(turn.reasoning) == 76  # thinking is always on: medium
    first_content = turn.ttft + estimate_tokens(turn.reasoning) / 38
    assert first_content == pytest.approx(2.8)


@pytest.mark.parametrize(("effort", "tokens"), [("none", 0), ("low", 38), ("high", 304)])
def test_kimi_reasoning_by_effort_on_aigateway(effort: str, tokens: int) -> None:
    turn = shape(Turn(content="x"), {**GATEWAY, "reasoning_effort": effort}, KIMI)
    assert estimate_tokens(turn.reasoning) == tokens
    empirio = shape(Turn(content="x"), {**EMPIRIO, "reasoning_effort": effort}, KIMI)
    assert estimate_tokens(empirio.reasoning) == 76


def test_scripted_reasoning_is_scaled_and_scripted_timing_kept() -> None:
    scripted = Turn(reasoning="abcdefgh", content="x", ttft=0.01)
    assert shape(scripted, GATEWAY, KIMI).reasoning == "abcdefgh"
    assert shape(scripted, {**GATEWAY, "reasoning_effort": "low"}, KIMI).reasoning == "abcd"
    high = shape(scripted, {**GATEWAY, "reasoning_effort": "high"}, KIMI)
    assert high.reasoning == " ".join(["abcdefgh"] * 4)
    assert (high.ttft, high.chunk_delay) == (0.01, 0.0)


def test_fast_profile_adds_nothing_and_pace_latency_override() -> None:
    turn = shape(Turn(content="x"), EMPIRIO, FAST)
    assert (turn.reasoning, turn.ttft, turn.chunk_delay) == ("", 0.0, 0.0)
    paced = shape(Turn(content="x"), EMPIRIO, KIMI, pace=0.5, latency=2.0)
    assert (paced.ttft, paced.chunk_delay) == (2.0, 0.5)


async def test_a_simulator_takes_a_profile_by_name() -> None:
    async with Simulator(api_key=KEY, profile="kimi", latency=0.01, pace=0.001) as sim:
        assert sim.profile is KIMI
        headers = {"Authorization": f"Bearer {KEY}"}
        async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client:
            sim.script(Turn(content="ok"))
            answer = (await client.post("/chat/completions", json=chat_body())).json()
    assert answer["usage"]["completion_tokens_details"]["reasoning_tokens"] == 76
