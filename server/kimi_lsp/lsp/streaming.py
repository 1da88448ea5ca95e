"""`kimi/stream` notifications: the text of a command's answer as the model writes it.

`{id, kind, delta, done}`; the last one has `done: true` (and `error` when it failed).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

STREAM = "kimi/stream"


class StreamNotifier:
    """Sends one command's stream to the client."""

    def __init__(self, ls: KimiLanguageServer, kind: str, stream_id: str | None) -> None:
        self._ls = ls
        self.kind = kind
        self.id = stream_id or str(uuid.uuid4())
        self._done = False

    async def delta(self, text: str) -> None:
        """Send a piece of text (awaitable form, for stream callbacks)."""
        self.send(text)

    def send(self, text: str) -> None:
        """Send a piece of text."""
        self._send({"id": self.id, "kind": self.kind, "delta": text, "done": False})

    def done(self, error: str | None = None) -> None:
        """Send the closing notification (once)."""
        if self._done:
            return
        self._done = True
        message: dict[str, Any] = {"id": self.id, "kind": self.kind, "delta": "", "done": True}
        if error is not None:
            message["error"] = error
        self._send(message)

    def _send(self, message: dict[str, Any]) -> None:
        self._ls.protocol.notify(STREAM, message)
