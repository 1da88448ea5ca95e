"""Delivering a planned answer over HTTP: SSE streaming, plain JSON, broken streams.

Scripted latency (``ttft``, ``chunk_delay``) is applied while watching the connection,
so a client that goes away ends the response at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from .http import ChunkedWriter, Connection, encode_head, send_json
from .recording import RecordedRequest
from .script import Turn
from .stream import ChunkFactory, completion_object, dumps, endless_body, stream_events
from .tokens import Plan

MAX_RECORDED_CHUNKS = 10_000
"""``chunk_times`` keeps the first this many events (an endless stream has no end)."""
YIELD_EVERY = 64
"""Events written between yields to the event loop when there is no delay between them."""


async def pause(seconds: float, conn: Connection) -> bool:
    """Wait ``seconds`` unless the client goes away first; return False if it did."""
    if conn.closed.is_set() or seconds <= 0:
        return not conn.closed.is_set()
    closed = asyncio.ensure_future(conn.closed.wait())
    try:
        done, _ = await asyncio.wait({closed}, timeout=seconds)
    finally:
        closed.cancel()
    return not done


async def _write_events(
    writer: ChunkedWriter,
    conn: Connection,
    events: Iterable[tuple[bytes, str]],
    turn: Turn,
    times: list[tuple[float, str]],
) -> bool:
    """Write the events with the scripted timing, noting each one's time and content text
    in ``times``; return False if the stream was cut."""
    limit = turn.drop_after if turn.drop_after is not None else turn.stall_after
    for index, (event, content) in enumerate(events):
        if limit is not None and index >= limit:
            break
        delay = turn.ttft if index == 0 else turn.chunk_delay
        if not await pause(delay, conn):
            return False
        if delay <= 0 and index % YIELD_EVERY == YIELD_EVERY - 1:
            await asyncio.sleep(0)  # an endless stream must not starve the loop
        await writer.send(event)
        if len(times) < MAX_RECORDED_CHUNKS:
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
    record: RecordedRequest,
) -> bool:
    """Stream ``plan`` as SSE in a chunked body; return whether it was written in full.
    Each event's write time goes to ``record.chunk_times``."""
    writer = ChunkedWriter(conn)
    headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache", **turn.headers}
    events = stream_events(plan, factory, turn, include_usage)
    try:
        await writer.start(200, headers, keep_alive)
        if not await _write_events(writer, conn, events, turn, record.chunk_times):
            return False
        await writer.finish()
    except ConnectionError:
        conn.client_gone()
        return False
    return True


async def send_completion(
    conn: Connection, plan: Plan, turn: Turn, factory: ChunkFactory, keep_alive: bool
) -> bool:
    """Answer a non-streaming request when its stream would have ended; ``drop_after`` and
    ``stall_after`` break the body, ``endless`` never ends it. Returns whether the full
    response was written."""
    body = dumps(completion_object(plan, factory, turn)).encode("utf-8")
    chunks = sum(len(text) // turn.chunk_chars + 1 for text in (plan.reasoning, plan.content))
    if not await pause(turn.ttft + chunks * turn.chunk_delay, conn):
        return False
    if turn.drop_after is None and turn.stall_after is None and turn.endless is None:
        await send_json(conn, 200, body, turn.headers, keep_alive)
        return True
    try:
        if turn.endless is not None:
            return await _endless(conn, factory, turn, keep_alive)
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        conn.writer.write(encode_head(200, {**headers, **turn.headers}) + body[: len(body) // 2])
        await conn.writer.drain()
    except ConnectionError:
        conn.client_gone()
        return False
    if turn.drop_after is not None:
        conn.abort_close()
    else:
        await conn.closed.wait()
    return False


async def _endless(conn: Connection, factory: ChunkFactory, turn: Turn, keep_alive: bool) -> bool:
    """A non-streamed body whose text never ends (until the client leaves)."""
    writer = ChunkedWriter(conn)
    start, piece = endless_body(factory, turn)
    await writer.start(200, {"Content-Type": "application/json", **turn.headers}, keep_alive)
    await writer.send(start)
    while not conn.closed.is_set():
        await writer.send(piece)
        await asyncio.sleep(turn.chunk_delay)
    return False
