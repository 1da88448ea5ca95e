"""Control endpoints, lifecycle, waiting helpers and the standalone ``run()``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

from kimi_lsp.simulator import DEFAULT_API_KEY, MODELS, Simulator, Turn

from .helpers import chat_body

SERVER_DIR = Path(__file__).resolve().parents[3] / "server"


async def test_script_requests_and_reset_endpoints(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    control = f"http://127.0.0.1:{sim.port}/_simulator"
    async with httpx.AsyncClient() as anonymous:
        queued = await anonymous.post(
            f"{control}/script",
            json=[Turn(content="first").model_dump(), {"status": 503}],
        )
        assert queued.json() == {"queued": 2}
        first = await client.post("/chat/completions", json=chat_body())
        second = await client.post("/chat/completions", json=chat_body())
        assert first.json()["choices"][0]["message"]["content"] == "first"
        assert second.status_code == 503
        recorded = (await anonymous.get(f"{control}/requests")).json()
        assert [(r["path"], r["status"], r["completed"]) for r in recorded] == [
            ("/v1/chat/completions", 200, True),
            ("/v1/chat/completions", 503, True),
        ]
        assert recorded[0]["body"] == chat_body()
        assert (await anonymous.post(f"{control}/reset")).status_code == 200
        assert (await anonymous.get(f"{control}/requests")).json() == []
        bad = await anonymous.post(f"{control}/script", json=[{"bogus": 1}])
        assert bad.status_code == 400
        assert bad.json()["error"]["type"] == "invalid_request_error"
        assert (await anonymous.get(f"{control}/nothing")).status_code == 404
    assert sim.requests == []
    assert sim.queued == 0


async def test_reset_clears_script_and_requests(sim: Simulator, client: httpx.AsyncClient) -> None:
    sim.script(Turn(content="a"), Turn(content="b"))
    await client.post("/chat/completions", json=chat_body())
    sim.reset()
    assert (sim.requests, sim.queued) == ([], 0)


async def test_wait_for_requests(sim: Simulator, client: httpx.AsyncClient) -> None:
    waiter = asyncio.create_task(sim.wait_for_requests(2))
    await client.post("/chat/completions", json=chat_body())
    assert not waiter.done()
    await client.post("/chat/completions", json=chat_body())
    await waiter
    with pytest.raises(TimeoutError):
        await sim.wait_for_requests(3, timeout=0.01)


async def test_start_stop_and_defaults() -> None:
    sim = Simulator()
    await sim.start()
    try:
        assert sim.base_url == f"http://127.0.0.1:{sim.port}/v1"
        headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
        async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as c:
            models = (await c.get("/models")).json()
        assert tuple(m["id"] for m in models["data"]) == MODELS
    finally:
        await sim.stop()
    await sim.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as c:
            await c.get(f"http://127.0.0.1:{sim.port}/v1/models")


async def test_run_serves_until_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(SERVER_DIR)}
    code = "from kimi_lsp.simulator import run; run('127.0.0.1', 0, 'sk-run')"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE, env=env
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
        prefix = "kimi simulator listening on "
        assert line.startswith(prefix + "http://127.0.0.1:")
        base_url = line.removeprefix(prefix)
        assert base_url.endswith("/v1")
        headers = {"Authorization": "Bearer sk-run"}
        async with httpx.AsyncClient(base_url=base_url, headers=headers) as c:
            response = await c.post("/chat/completions", json=chat_body("hello"))
        assert response.status_code == 200
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
