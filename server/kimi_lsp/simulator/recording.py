"""The record of every request the simulator received, with event-based waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field


class RecordedRequest(BaseModel):
    """One request as received and how it was answered.

    ``status`` is None until the answer's status line is decided; ``completed`` is True
    once the full response was written; ``client_disconnected`` is True if the client
    closed the connection while the response was still being written.

    ``chunk_times`` has one ``(time.monotonic(), content)`` pair per SSE data event of a
    streamed answer, appended as each event is written (in order, ``[DONE]`` included):
    ``content`` is the event's ``delta.content`` text, "" for role, reasoning, tool-call,
    finish and usage events. Joined, the contents are the streamed content. It stays
    empty for non-streamed answers and errors.
    """

    method: str
    path: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    status: int | None = None
    completed: bool = False
    client_disconnected: bool = False
    chunk_times: list[tuple[float, str]] = Field(default_factory=list)
    received_at: float = Field(default_factory=time.monotonic)
    """``time.monotonic()`` when the request was read (for benchmarks)."""
    fault: str | None = None
    """The chaos-mode fault injected into the answer (see :mod:`.chaos`), if any."""


class Recorder:
    """Keeps :class:`RecordedRequest` objects in order and wakes waiters on changes."""

    def __init__(self) -> None:
        """Start with no requests and no waiters."""
        self.requests: list[RecordedRequest] = []
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []

    def add(self, request: RecordedRequest) -> RecordedRequest:
        """Append ``request`` and notify waiters; return it."""
        self.requests.append(request)
        self.changed()
        return request

    def clear(self) -> None:
        """Forget every recorded request."""
        self.requests.clear()

    def changed(self) -> None:
        """Resolve the waiters whose condition now holds."""
        remaining = []
        for condition, future in self._waiters:
            if future.done():
                continue
            if condition():
                future.set_result(None)
            else:
                remaining.append((condition, future))
        self._waiters = remaining

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> None:
        """Return once ``condition()`` holds; raise :class:`TimeoutError` after ``timeout``."""
        if condition():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((condition, future))
        try:
            async with asyncio.timeout(timeout):
                await future
        finally:
            if not future.done():
                future.cancel()
            self._waiters = [(c, f) for c, f in self._waiters if f is not future]
