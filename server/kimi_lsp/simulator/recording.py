"""The record of every request the simulator received, with event-based waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field


class RecordedRequest(BaseModel):
    """One request as received and how it was answered.

    ``status`` is None until the status line is decided; ``completed`` once the whole
    response was written; ``client_disconnected`` if the client left before that.
    ``chunk_times`` has one ``(time.monotonic(), content)`` pair per SSE event written
    (``[DONE]`` included; the first 10,000), ``content`` being its ``delta.content`` text
    ("" for other events): joined, they are the streamed content.
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
        for condition, future in self._waiters:
            if not future.done() and condition():
                future.set_result(None)
        self._waiters = [(c, f) for c, f in self._waiters if not f.done()]

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
            future.cancel()  # (no effect once done)
            self._waiters = [(c, f) for c, f in self._waiters if f is not future]
