"""Delivering a planned answer over HTTP: SSE streaming, plain JSON, broken streams.

Scripted latency (``ttft``, ``chunk_delay``) is applied while watching the connection,
so a client that goes away ends the response at once.
"""

from __future__ import annotations

import asyncio
import json
import time

from .http import ChunkedWriter, Connection, encode_head, send_response
from .recording import RecordedRequest
from .script import Turn
from .stream import (
    MALFORMED_EVENT,
    ChunkFactory,
    completion_object,
    content_delta,
    encode_event,
    stream_payloads,
)
from .tokens import Plan


async def pause(seconds: float, conn: Connection) -> bool:
    """Wait ``seconds`` unless the client goes away first; return False if it did."""
    if conn.closed.is_set():
        return False
    if seconds <= 0:
        return True
    closed = asyncio.ensure_future(conn.closed.wait())
    try:
        done, _ = await asyncio.wait({closed}, timeout=seconds)
    finally:
        closed.cancel()
    return not done


async def _write_events(
    writer: ChunkedWriter,
    conn: Connection,
    events: list[tuple[bytes, str]],
    turn: Turn,
    times: list[tuple[float, str]] | None,
) -> bool:
    """Write the events with the scripted timing; return False if the stream was cut.

    Each written event's time and content text is appended to ``times`` (if given).
    """
    limit = turn.drop_after if turn.drop_after is not None else turn.stall_after
    for index, (event, content) in enumerate(events):
        if limit is not None and index >= limit:
            break
        delay = turn.ttft if index == 0 else turn.chunk_delay
        if not await pause(delay, conn):
            return False
        await writer.send(event)
        if times is not None:
            times.append((time.monotonic(), content))
    else:
        return True
    if turn.drop_after is not None:
        conn.abort_close()
        return False
    await conn.closed.wait()  # stall: keep the connection open until the client leaves
    return False


async def stream_answer(
    conn: Connection,
    plan: Plan,
    turn: Turn,
    factory: ChunkFactory,
    include_usage: bool,
    keep_alive: bool,
    record: RecordedRequest | None = None,
) -> bool:
    """Stream ``plan`` as SSE in a chunked body; return whether it was written in full.

    With a ``record``, each event's write time goes to its ``chunk_times``.
    """
    payloads = stream_payloads(
        plan, factory, turn.chunk_chars, include_usage, turn.usage_in_choice, turn.omit_done
    )
    events = [(encode_event(payload), content_delta(payload)) for payload in payloads]
    if turn.malformed_after is not None:
        events.insert(turn.malformed_after, (MALFORMED_EVENT, ""))
    writer = ChunkedWriter(conn)
    headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    headers.update(turn.headers)
    try:
        await writer.start(200, headers, keep_alive)
        times = record.chunk_times if record is not None else None
        if not await _write_events(writer, conn, events, turn, times):
            return False
        await writer.finish()
    except ConnectionError:
        conn.client_gone()
        return False
    return True


async def send_completion(
    conn: Connection,
    plan: Plan,
    turn: Turn,
    factory: ChunkFactory,
    keep_alive: bool,
) -> bool:
    """Answer a non-streaming request; ``drop_after``/``stall_after`` break the body.

    Returns whether the full response was written.
    """
    body = json.dumps(
        completion_object(plan, factory), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    if not await pause(turn.ttft, conn):
        return False
    if turn.drop_after is None and turn.stall_after is None:
        await send_response(conn, 200, body, headers=turn.headers, keep_alive=keep_alive)
        return True
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    headers.update(turn.headers)
    try:
        conn.writer.write(encode_head(200, headers) + body[: len(body) // 2])
        await conn.writer.drain()
    except ConnectionError:
        conn.client_gone()
        return False
    if turn.drop_after is not None:
        conn.abort_close()
    else:
        await conn.closed.wait()
    return False
