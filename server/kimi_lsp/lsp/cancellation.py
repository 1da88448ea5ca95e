"""Running a command's work so that it can be cancelled and answers exactly once.

The work runs as its own task. `$/cancelRequest` for the command's request id, the cancel
button of its progress, or `kimi.cancel` cancels that task (closing any model stream at
once); the command then answers with RequestCancelled. Shutdown cancels every command and
waits until each has answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from pygls.exceptions import JsonRpcRequestCancelled

T = TypeVar("T")
MsgId = int | str


@dataclass(frozen=True)
class ActiveCommand:
    """A model command in progress."""

    kind: str
    uri: str | None


class RunningCommands:
    """The commands running now: the work of each by the client's request id, the tasks
    that answer those requests, and what each model command is (for `kimi.cancel`)."""

    def __init__(self) -> None:
        self._by_request: dict[MsgId, asyncio.Task[Any]] = {}
        self._runners: set[asyncio.Task[Any]] = set()
        self._active: dict[asyncio.Task[Any], ActiveCommand] = {}

    def __len__(self) -> int:
        """How many model commands are running."""
        return len(self._active)

    def started(self, task: asyncio.Task[Any], command: ActiveCommand) -> None:
        """`task` does the work of `command` until `finished`."""
        self._active[task] = command

    def finished(self, task: asyncio.Task[Any]) -> None:
        """`task` is done with its command."""
        self._active.pop(task, None)

    def cancel_request(self, msg_id: MsgId) -> None:
        """`$/cancelRequest`: cancel the work of that request, if it is a running command."""
        task = self._by_request.pop(msg_id, None)
        if task is not None:
            task.cancel()

    def cancel(self, uri: str | None) -> int:
        """Cancel the model commands of one document (all when `uri` is None); how many."""
        cancelled = 0
        for task, command in list(self._active.items()):
            if uri is None or command.uri == uri:
                task.cancel()
                cancelled += 1
        return cancelled

    async def cancel_all(self) -> None:
        """Cancel every running command and wait until each has answered."""
        for task in list(self._by_request.values()):
            task.cancel()
        runners = [t for t in self._runners if t is not asyncio.current_task()]
        if runners:
            await asyncio.wait(runners)

    async def run(self, msg_id: MsgId | None, work: Callable[[], Awaitable[T]], what: str) -> T:
        """Run `work()` as a task the client can cancel; returns its result."""
        inner: asyncio.Task[T] = asyncio.ensure_future(work())
        if msg_id is not None:
            self._by_request[msg_id] = inner
        runner = asyncio.current_task()
        if runner is not None:
            self._runners.add(runner)
        try:
            return await inner
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            raise JsonRpcRequestCancelled(f"{what} was cancelled") from None
        finally:
            if msg_id is not None:
                self._by_request.pop(msg_id, None)
            if runner is not None:
                self._runners.discard(runner)
            if not inner.done():
                inner.cancel()


async def run_to_end(work: Coroutine[Any, Any, T]) -> T:
    """Run `work` to the end even if this task is cancelled meanwhile (an edit already on
    its way, or a cleanup, must not be abandoned half-way); a cancellation that arrived is
    passed on afterwards."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            cancelled = True
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
    result = task.result()
    if cancelled:
        raise asyncio.CancelledError
    return result
