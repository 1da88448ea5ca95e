"""`$/progress` for long commands: a fresh token each time, begin/report/end, and the
client's cancel button wired to the work."""

from __future__ import annotations

import asyncio
import logging
import uuid
from concurrent.futures import Future
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)


class WorkDone:
    """One progress run. Does nothing when the client cannot show progress."""

    def __init__(self, ls: LanguageServer, title: str) -> None:
        self._ls = ls
        self._title = title
        self._token: str | None = None
        self._last = ""

    @property
    def supported(self) -> bool:
        """Whether the client advertised `window.workDoneProgress`."""
        caps = self._ls.client_capabilities.window
        return bool(caps and caps.work_done_progress)

    async def begin(self, message: str, cancel: asyncio.Task[Any] | None = None) -> None:
        """Create a token and send `begin`; the client's cancel then cancels `cancel`."""
        if not self.supported:
            return
        token = str(uuid.uuid4())
        try:
            await self._ls.work_done_progress.create_async(token)
        except Exception as exc:  # a client that refuses progress still gets the answer
            log.info("progress not created: %s", exc)
            return
        self._token = token
        if cancel is not None:
            future: Future[Any] | None = self._ls.work_done_progress.tokens.get(token)
            if future is not None:
                future.add_done_callback(lambda f: cancel.cancel() if f.cancelled() else None)
        self._last = message
        self._ls.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title=self._title, message=message, cancellable=True)
        )

    def report(self, message: str) -> None:
        """Send a `report` when the message changed."""
        if self._token is None or message == self._last:
            return
        self._last = message
        self._ls.work_done_progress.report(
            token=self._token, value=types.WorkDoneProgressReport(message=message)
        )

    def end(self, message: str) -> None:
        """Send `end`; later calls do nothing."""
        if self._token is None:
            return
        self._ls.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message=message))
        self._token = None
