"""Chaos mode: seeded random faults, each observable from a real HTTP client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pydantic
import pytest

from kimi_lsp.simulator import (
    BASIC_FAULT_KINDS,
    FAULT_KINDS,
    HOSTILE_FAULT_KINDS,
    Chaos,
    Simulator,
    ToolCallSpec,
    Turn,
)
from kimi_lsp.simulator.chaos import RATE_FIELDS

from .helpers import KEY, WORKSPACE_TOOLS, chat_body

READ_TIMEOUT = 0.3
"""The client's read timeout: a stalled stream is noticed after this long."""


def tool_turn() -> Turn:
    """A turn with content and a tool call, so that every fault kind applies."""
    return Turn(
        content="Let me read the pricing module first.",
        tool_calls=[ToolCallSpec(name="read_file", arguments='{"path": "pkg/pricing.py"}')],
    )


TOOL_BODY = chat_body(
    "Explain restock_cost", tools=WORKSPACE_TOOLS, stream_options={"include_usage": True}
)
ENOUGH = 100_000
"""Bytes after which a client reading an answer stops: endless, or one oversized line."""
OVERSIZED = 300_000


@asynccontextmanager
async def chaos_sim(chaos: Chaos) -> AsyncIterator[tuple[Simulator, httpx.AsyncClient]]:
    """A simulator in chaos mode and a client whose read timeout ends stalls quickly."""
    headers = {"Authorization": f"Bearer {KEY}"}
    timeout = httpx.Timeout(10.0, read=READ_TIMEOUT)
    async with (
        Simulator(api_key=KEY, chaos=chaos) as sim,
        httpx.AsyncClient(base_url=sim.base_url, headers=headers, timeout=timeout) as client,
    ):
        yield sim, client


def _outputs(line: str) -> bool:
    """Whether an SSE line is a JSON chunk carrying content or a tool-call fragment."""
    try:
        chunk = json.loads(line.removeprefix("data: "))
    except ValueError:
        return False
    if not isinstance(chunk, dict) or not chunk.get("choices"):
        return False
    delta = chunk["choices"][0]["delta"]
    return bool(delta.get("content") or delta.get("tool_calls"))


def _classify_stream(lines: list[str]) -> str | None:
    """Classify a complete SSE stream: malformed event, invalid tool arguments, or fine."""
    data = [line.removeprefix("data: ") for line in lines if line.startswith("data: ")]
    arguments: dict[int, str] = {}
    for item in data:
        if item == "[DONE]":
            continue
        try:
            chunk = json.loads(item)
        except ValueError:
            return "malformed_sse"
        for fragment in (chunk["choices"] or [{"delta": {}}])[0]["delta"].get("tool_calls") or []:
            index = fragment["index"]
            arguments[index] = arguments.get(index, "") + fragment["function"]["arguments"]
    for text in arguments.values():
        try:
            json.loads(text)
        except ValueError:
            return "bad_tool_json"
    assert data[-1] == "[DONE]"
    if not any(json.loads(item).get("usage") for item in data[:-1]):
        return "no_usage"
    return None


def _classify_long(lines: list[str]) -> str:
    """Name the fault of a stream the client stopped reading: endless or one big line."""
    if max(len(line) for line in lines) > ENOUGH:
        return "oversized_line"
    delta = json.loads(lines[-1].removeprefix("data: "))["choices"][0]["delta"]
    return "endless_reasoning" if "reasoning_content" in delta else "endless_content"


async def observe(client: httpx.AsyncClient, body: dict[str, Any]) -> str | None:
    """Send a streaming chat request and name the fault the client sees (None if none)."""
    lines: list[str] = []
    try:
        async with client.stream("POST", "/chat/completions", json={**body, "stream": True}) as r:
            if r.status_code != 200:
                await r.aread()
                error = r.json()["error"]
                assert error["message"]
                assert error["code"] is None
                if r.status_code == 429:
                    assert error["type"] == "rate_limit_error"
                    if "retry-after" in r.headers:
                        assert r.headers["retry-after"] == "0"
                        return "429"
                    return "429_no_retry_after"
                assert (
                    error["type"]
                    == {500: "server_error", 503: "service_unavailable"}[r.status_code]
                )
                return str(r.status_code)
            read = 0
            async for line in r.aiter_lines():
                if line:
                    lines.append(line)
                read += len(line)
                if read > ENOUGH:
                    return _classify_long(lines)
    except httpx.RemoteProtocolError:
        seen_output = any(_outputs(line) for line in lines)
        return "drop_during_content" if seen_output else "drop_before_content"
    except httpx.ReadTimeout:
        return "stall"
    return _classify_stream(lines)


async def run_requests(chaos: Chaos, n: int) -> tuple[list[str | None], Simulator]:
    """Send ``n`` tool-calling requests; return the faults the client saw and the sim."""
    async with chaos_sim(chaos) as (sim, client):
        sim.script(*(tool_turn() for _ in range(n)))
        observed = [await observe(client, TOOL_BODY) for _ in range(n)]
        for index, fault in enumerate(observed):
            if fault is not None and fault.startswith("endless"):
                await sim.wait_for_disconnect(index)
    assert observed == [record.fault for record in sim.requests]
    counts: dict[str, int] = {}
    for fault in observed:
        if fault is not None:
            counts[fault] = counts.get(fault, 0) + 1
    assert sim.faults == counts
    return observed, sim


async def test_same_seed_gives_same_faults() -> None:
    first, _ = await run_requests(Chaos.uniform(0.6, seed=7), 30)
    second, _ = await run_requests(Chaos.uniform(0.6, seed=7), 30)
    other, _ = await run_requests(Chaos.uniform(0.6, seed=8), 30)
    assert first == second
    assert first != other
    assert sum(fault is not None for fault in first) > 0


@pytest.mark.parametrize("kind", FAULT_KINDS)
async def test_each_fault_kind_is_observable(kind: str) -> None:
    chaos = Chaos(seed=3, oversized_bytes=OVERSIZED, **{RATE_FIELDS[kind]: 1.0})
    observed, sim = await run_requests(chaos, 2)
    assert observed == [kind, kind]
    assert sim.faults == {kind: 2}
    record = sim.requests[0]
    assert record.fault == kind
    if kind != "oversized_line":  # the client left after it: the rest may be in buffers
        cut = kind.startswith(("drop", "stall", "endless"))
        assert not record.completed if cut else record.completed
    expected_status = int(kind[:3]) if kind[0].isdigit() else 200
    assert record.status == expected_status


async def test_drop_before_content_sends_only_the_role_chunk() -> None:
    async with chaos_sim(Chaos(drop_before_content=1.0)) as (sim, client):
        sim.script(Turn(reasoning="thinking it through", content="the answer", chunk_chars=4))
        received: list[str] = []

        async def consume() -> None:
            async with client.stream("POST", "/chat/completions", json=chat_body(stream=True)) as r:
                async for line in r.aiter_lines():
                    received.append(line)

        with pytest.raises(httpx.RemoteProtocolError):
            await consume()
    chunks = [json.loads(line.removeprefix("data: ")) for line in received if line]
    deltas = [chunk["choices"][0]["delta"] for chunk in chunks]
    assert deltas[0] == {"role": "assistant"}
    assert all("reasoning_content" in delta for delta in deltas[1:])
    assert len(deltas) == 1 + len("thinking it through") // 4 + 1


async def test_malformed_event_is_one_non_json_line() -> None:
    async with chaos_sim(Chaos(seed=5, malformed_sse=1.0)) as (sim, client):
        sim.script(tool_turn())
        response = await client.post("/chat/completions", json={**TOOL_BODY, "stream": True})
    data = [line for line in response.text.split("\n\n") if line]
    assert data.count("data: {not json") == 1
    assert data[0] != "data: {not json"
    assert data[-1] == "data: [DONE]"
    assert sim.requests[0].completed


async def test_bad_tool_json_non_streaming() -> None:
    async with chaos_sim(Chaos(bad_tool_json=1.0)) as (sim, client):
        sim.script(tool_turn())
        response = await client.post("/chat/completions", json=TOOL_BODY)
    call = response.json()["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["arguments"] == '{"path": "pkg/pricing.py", "'
    with pytest.raises(ValueError, match="Unterminated string"):
        json.loads(call["function"]["arguments"])
    assert sim.faults == {"bad_tool_json": 1}


async def test_non_streaming_drop_and_stall() -> None:
    async with chaos_sim(Chaos(drop_during_content=1.0)) as (sim, client):
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/chat/completions", json=chat_body())
    async with chaos_sim(Chaos(stall=1.0)) as (sim, client):
        with pytest.raises(httpx.ReadTimeout):
            await client.post("/chat/completions", json=chat_body())
        await sim.wait_for_disconnect(0)
    assert sim.requests[0].fault == "stall"


async def test_inapplicable_faults_are_not_injected() -> None:
    # No tool calls: no bad tool JSON; not streaming: no malformed SSE event.
    async with chaos_sim(Chaos(bad_tool_json=0.5, malformed_sse=0.5)) as (sim, client):
        for _ in range(10):
            response = await client.post("/chat/completions", json=chat_body())
            assert response.status_code == 200
        sim.script(Turn(status=503), Turn(status=503))
        for _ in range(2):
            assert await observe(client, chat_body()) == "503"
    assert sim.faults == {}
    assert [record.fault for record in sim.requests] == [None] * 12


async def test_zero_rates_inject_nothing() -> None:
    observed, sim = await run_requests(Chaos(seed=1), 20)
    assert observed == [None] * 20
    assert sim.faults == {}


def test_uniform_spreads_over_the_basic_kinds_unless_told() -> None:
    basic = Chaos.uniform(0.9, seed=1).rates()
    assert {kind for kind, rate in basic.items() if rate} == set(BASIC_FAULT_KINDS)
    every = Chaos.uniform(0.9, seed=1, kinds=FAULT_KINDS).rates()
    assert all(rate == pytest.approx(0.9 / len(FAULT_KINDS)) for rate in every.values())
    hostile = Chaos.uniform(0.4, kinds=HOSTILE_FAULT_KINDS).rates()
    assert {kind for kind, rate in hostile.items() if rate} == set(HOSTILE_FAULT_KINDS)
    with pytest.raises(ValueError, match="unknown"):
        Chaos.uniform(0.1, kinds=("meteor",))


async def test_hostile_faults_in_a_non_streamed_answer() -> None:
    async with chaos_sim(Chaos(no_usage=1.0)) as (sim, client):
        response = await client.post("/chat/completions", json=chat_body())
        assert response.status_code == 200
        assert "usage" not in response.json()
    async with chaos_sim(Chaos(endless_content=1.0)) as (sim, client):
        body = bytearray()
        async with client.stream("POST", "/chat/completions", json=chat_body()) as r:
            async for piece in r.aiter_bytes():
                body.extend(piece)
                if len(body) > ENOUGH:
                    break
        assert body.startswith(b'{"id":"chatcmpl-sim')
        assert b'"message":{"role":"assistant","content":"' in body
        await sim.wait_for_disconnect(0)
    async with chaos_sim(Chaos(oversized_line=1.0)) as (sim, client):  # streaming only
        response = await client.post("/chat/completions", json=chat_body())
        assert response.status_code == 200
        assert sim.faults == {}


async def test_uniform_rate_over_200_requests() -> None:
    chaos = Chaos.uniform(0.2, seed=42)
    assert sum(chaos.rates().values()) == pytest.approx(0.2)
    observed, sim = await run_requests(chaos, 200)
    injected = sum(fault is not None for fault in observed)
    assert 25 <= injected <= 55  # 37 with seed 42 (expected 40)
    assert sum(sim.faults.values()) == injected
    assert len(sim.faults) >= 5


async def test_control_requests_and_models_draw_no_fault() -> None:
    async with chaos_sim(Chaos.uniform(1.0, seed=2)) as (sim, client):
        assert (await client.get("/models")).status_code == 200
        invalid = await client.post("/chat/completions", json={"model": "kimi-k2-7-code"})
        assert invalid.status_code == 400
        assert sum(sim.faults.values()) == 0
        sim.reset()
        assert sim.faults == {}


def test_example_configuration_and_validation() -> None:
    chaos = Chaos(
        seed=1,
        rate_429=0.05,
        rate_429_no_retry_after=0.03,
        rate_500=0.04,
        rate_503=0.03,
        drop_before_content=0.03,
        drop_during_content=0.03,
        stall=0.02,
        malformed_sse=0.02,
        bad_tool_json=0.02,
    )
    assert sum(chaos.rates().values()) == pytest.approx(0.27)
    assert not chaos.no_usage
    assert list(chaos.rates()) == list(FAULT_KINDS)
    assert not Chaos().enabled
    with pytest.raises(pydantic.ValidationError):
        Chaos(rate_500=0.7, rate_503=0.7)
    with pytest.raises(pydantic.ValidationError):
        Chaos(stall=-0.1)
