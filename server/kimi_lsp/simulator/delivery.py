"""Delivering a planned answer over HTTP: SSE streaming, plain JSON, broken streams.

Scripted latency (``ttft``, ``chunk_delay``) is applied while watching the connection,
so a client that goes away ends the response at once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterable

from .http import ChunkedWriter, Connection, encode_head, send_response
from .recording import RecordedRequest
from .script import Turn
from .stream import (
    FILLER,
    MALFORMED_EVENT,
    ChunkFactory,
    completion_object,
    content_delta,
    encode_event,
    endless_body_prefix,
    endless_payloads,
    filler,
    stream_payloads,
)
from .tokens import Plan

MAX_RECORDED_CHUNKS = 10_000
"""``chunk_times`` keeps the first this many events (an endless stream has no end)."""
YIELD_EVERY = 64
"""Events written between yields to the event loop when there is no delay between them."""


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
    events: Iterable[tuple[bytes, str]],
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
        if delay <= 0 and index % YIELD_EVERY == YIELD_EVERY - 1:
            await asyncio.sleep(0)  # an endless stream must not starve the loop
            if conn.closed.is_set():
                return False
        await writer.send(event)
        if times is not None and len(times) < MAX_RECORDED_CHUNKS:
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
        plan,
        factory,
        turn.chunk_chars,
        include_usage,
        turn.usage_in_choice,
        turn.omit_done,
        omit_usage=turn.omit_usage,
        endless=turn.endless,
    )
    events = [(encode_event(payload), content_delta(payload)) for payload in payloads]
    if turn.oversized_line is not None:
        big = filler(turn.oversized_line)
        events.insert(1, (encode_event(factory.chunk({"content": big})), big))
    if turn.malformed_after is not None:
        events.insert(turn.malformed_after, (MALFORMED_EVENT, ""))
    stream: Iterable[tuple[bytes, str]] = events
    if turn.endless is not None:
        text = turn.reasoning if turn.endless == "reasoning" else turn.content
        more = endless_payloads(factory, turn.endless, text, turn.chunk_chars)
        stream = itertools.chain(events, ((encode_event(p), content_delta(p)) for p in more))
    writer = ChunkedWriter(conn)
    headers = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    headers.update(turn.headers)
    try:
        await writer.start(200, headers, keep_alive)
        times = record.chunk_times if record is not None else None
        if not await _write_events(writer, conn, stream, turn, times):
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
        completion_object(
            plan, factory, omit_usage=turn.omit_usage, oversized=turn.oversized_line or 0
        ),
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    chunks = sum(len(text) // turn.chunk_chars + 1 for text in (plan.reasoning, plan.content))
    if not await pause(turn.ttft + chunks * turn.chunk_delay, conn):  # when a stream would end
        return False
    if turn.endless is not None:
        return await _endless_body(conn, factory, turn, keep_alive)
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


async def _endless_body(
    conn: Connection, factory: ChunkFactory, turn: Turn, keep_alive: bool
) -> bool:
    """A non-streamed answer whose text never ends (until the client leaves)."""
    writer = ChunkedWriter(conn)
    text = (turn.reasoning if turn.endless == "reasoning" else turn.content) or FILLER
    piece = json.dumps(text * max(1, 4096 // len(text)), ensure_ascii=False)[1:-1].encode()
    try:
        await writer.start(200, {"Content-Type": "application/json", **turn.headers}, keep_alive)
        await writer.send(endless_body_prefix(factory, turn.endless or "content"))
        while not conn.closed.is_set():
            await writer.send(piece)
            await asyncio.sleep(turn.chunk_delay)
    except ConnectionError:
        conn.client_gone()
    return False
