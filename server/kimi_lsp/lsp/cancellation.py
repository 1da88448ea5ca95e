"""Running a command's work so that it can be cancelled and answers exactly once.

The work runs as its own task. `$/cancelRequest` for the command's request id, or the
cancel button of its progress, cancels that task (closing any model stream at once); the
command then answers with RequestCancelled. Shutdown cancels the command itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pygls.exceptions import JsonRpcRequestCancelled

from kimi_lsp.lsp.protocol import KimiProtocol

T = TypeVar("T")


async def run_cancellable(protocol: KimiProtocol, work: Callable[[], Awaitable[T]], what: str) -> T:
    """Run `work()` as a task the client can cancel; returns its result."""
    inner: asyncio.Task[T] = asyncio.ensure_future(work())
    msg_id = protocol.msg_id
    if msg_id is not None:
        protocol.command_tasks[msg_id] = inner
    runner = asyncio.current_task()
    if runner is not None:
        protocol.command_runners.add(runner)
    try:
        return await inner
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
        raise JsonRpcRequestCancelled(f"{what} was cancelled") from None
    finally:
        if msg_id is not None:
            protocol.command_tasks.pop(msg_id, None)
        if runner is not None:
            protocol.command_runners.discard(runner)
        if not inner.done():
            inner.cancel()
