"""pygls protocol with two fixes every command needs.

1. `$/cancelRequest` reaches `workspace/executeCommand` handlers: pygls runs a command as
   a separate task that the cancel never reaches, so commands register their task here.
2. pygls#621: a reply to a server->client request whose waiter was cancelled must not turn
   into an "Error in server" popup.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pygls.protocol import LanguageServerProtocol

MsgId = int | str


class KimiProtocol(LanguageServerProtocol):
    """The language-server protocol with cancellable commands."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.command_tasks: dict[MsgId, asyncio.Task[Any]] = {}

    def _handle_cancel_notification(self, msg_id: MsgId) -> None:
        task = self.command_tasks.pop(msg_id, None)
        if task is not None:
            task.cancel()
        super()._handle_cancel_notification(msg_id)

    def _handle_response(self, msg_id: MsgId, result: Any = None, error: Any = None) -> None:
        future = self._request_futures.get(msg_id)
        if future is not None and future.cancelled():
            self._request_futures.pop(msg_id, None)
            return
        super()._handle_response(msg_id, result, error)
