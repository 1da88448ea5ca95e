"""Error turns, broken and stalled streams, client disconnects."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from kimi_lsp.simulator import Simulator, Turn

from .helpers import chat_body, parse_sse


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (402, "insufficient_credits"),
        (403, "permission_error"),
        (404, "not_found"),
        (429, "rate_limit_error"),
        (500, "server_error"),
        (503, "service_unavailable"),
    ],
)
async def test_error_turn_default_types(
    sim: Simulator, client: httpx.AsyncClient, status: int, error_type: str
) -> None:
    sim.script(Turn(status=status))
    response = await client.post("/chat/completions", json=chat_body(stream=True))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["type"] == error_type
    assert error["message"]
    assert error["code"] is None


async def test_rate_limit_with_retry_after_then_success(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(
        Turn(status=429, headers={"Retry-After": "1"}, error_message="slow down"),
        Turn(content="ok"),
    )
    limited = await client.post("/chat/completions", json=chat_body())
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"
    assert limited.json()["error"] == {
        "type": "rate_limit_error",
        "message": "slow down",
        "code": None,
    }
    ok = await client.post("/chat/completions", json=chat_body())
    assert ok.json()["choices"][0]["message"]["content"] == "ok"
    assert [r.status for r in sim.requests] == [429, 200]


async def test_custom_error_type(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(status=429, error_type="exceeded_current_quota_error"))
    response = await client.post("/chat/completions", json=chat_body())
    assert response.json()["error"]["type"] == "exceeded_current_quota_error"


async def test_drop_after_is_a_protocol_error(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(reasoning="thinking hard about it", content="never finished", drop_after=3))
    received: list[bytes] = []

    async def consume() -> None:
        async with client.stream("POST", "/chat/completions", json=chat_body(stream=True)) as r:
            assert r.status_code == 200
            async for data in r.aiter_bytes():
                received.append(data)

    with pytest.raises(httpx.RemoteProtocolError):
        await consume()
    assert len(parse_sse(b"".join(received).decode())) == 3
    record = sim.requests[0]
    assert (record.status, record.completed, record.client_disconnected) == (200, False, False)
    # The simulator keeps serving after an abrupt close.
    sim.script(Turn(content="ok"))
    response = await client.post("/chat/completions", json=chat_body())
    assert response.json()["choices"][0]["message"]["content"] == "ok"


async def test_drop_after_non_streaming(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(content="a full answer", drop_after=0))
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/chat/completions", json=chat_body())


async def test_client_leaving_a_stalled_stream_is_detected(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="a long answer that stalls", chunk_chars=2, stall_after=2))
    async with client.stream("POST", "/chat/completions", json=chat_body(stream=True)) as r:
        lines = r.aiter_lines()
        assert (await anext(lines)).startswith("data: ")
    await sim.wait_for_disconnect(0)
    record = sim.requests[0]
    assert record.client_disconnected
    assert not record.completed


async def test_cancelled_client_during_ttft_is_detected(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="slow", ttft=60.0))

    async def consume() -> None:
        async with client.stream("POST", "/chat/completions", json=chat_body(stream=True)) as r:
            await r.aread()

    task = asyncio.create_task(consume())
    await sim.wait_for_requests(1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await sim.wait_for_disconnect(0)
    assert sim.requests[0].client_disconnected


async def test_wait_for_disconnect_times_out(sim: Simulator) -> None:
    with pytest.raises(TimeoutError):
        await sim.wait_for_disconnect(0, timeout=0.01)


async def test_keep_alive_reuses_one_connection(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(content="one"), Turn(content="two"))
    first = await client.post("/chat/completions", json=chat_body(stream=True))
    second = await client.post("/chat/completions", json=chat_body())
    assert first.status_code == second.status_code == 200
    assert second.json()["choices"][0]["message"]["content"] == "two"
    assert sim.connections_accepted == 1


async def test_raw_keep_alive_and_connection_close(sim: Simulator) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    request = "GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n{extra}\r\n"
    writer.write(request.format(extra="").encode())
    writer.write(request.format(extra="Connection: close\r\n").encode())
    await writer.drain()
    data = await reader.read()  # the server closes after the second response
    writer.close()
    await writer.wait_closed()
    assert data.count(b"HTTP/1.1 200 OK") == 2
    assert b"Connection: close" in data.split(b"HTTP/1.1 200 OK")[2]
    assert sim.connections_accepted == 1


async def test_malformed_request_line_is_400(sim: Simulator) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    writer.write(b"NONSENSE\r\n\r\n")
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    assert data.startswith(b"HTTP/1.1 400 ")


async def test_stop_ends_a_stalled_stream(client: httpx.AsyncClient, sim: Simulator) -> None:
    sim.script(Turn(content="stalled", stall_after=1))
    async with client.stream("POST", "/chat/completions", json=chat_body(stream=True)) as r:
        lines = r.aiter_lines()
        assert (await anext(lines)).startswith("data: ")
        await sim.stop()
        with pytest.raises(httpx.RemoteProtocolError):
            async for _ in lines:
                pass
