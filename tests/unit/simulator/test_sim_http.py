"""The HTTP/1.1 layer over raw sockets: framing details httpx does not exercise."""

from __future__ import annotations

import asyncio
import json

from kimi_lsp.simulator import Simulator

from .helpers import KEY, chat_body


async def exchange(sim: Simulator, raw: bytes) -> bytes:
    """Send raw bytes and return everything the server answers until it closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    writer.write(raw)
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    return data


async def test_chunked_request_body(sim: Simulator) -> None:
    body = json.dumps(chat_body("chunked")).encode()
    head = (
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {KEY}\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:10], body[10:]))
    data = await exchange(sim, head + chunks + b"0\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert sim.requests[0].body == chat_body("chunked")


async def test_streamed_response_is_chunked_and_terminated(sim: Simulator) -> None:
    body = json.dumps(chat_body("hi", stream=True)).encode()
    head = (
        "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    data = await exchange(sim, head + body)
    head_part, _, rest = data.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head_part
    assert b"Content-Type: text/event-stream" in head_part
    assert rest.endswith(b"data: [DONE]\n\n\r\n0\r\n\r\n")


async def test_http10_closes_by_default(sim: Simulator) -> None:
    data = await exchange(
        sim, f"GET /v1/models HTTP/1.0\r\nAuthorization: Bearer {KEY}\r\n\r\n".encode()
    )
    assert data.startswith(b"HTTP/1.1 200 OK")
    assert b"Connection: close" in data
