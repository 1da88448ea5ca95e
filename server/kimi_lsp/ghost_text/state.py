"""What a connection keeps for ghost text."""

from __future__ import annotations

import asyncio

from kimi_lsp.ghost_text.engine import Answer, CompletionEngine


class GhostText:
    """The connection's ghost text: the engine (suggestions shown, the cache, the
    rate-limit pause), the request running for each document, and the kinds of failure
    already shown to the user."""

    def __init__(self, engine: CompletionEngine | None = None) -> None:
        self.engine = engine or CompletionEngine()
        self.running: dict[str, asyncio.Task[Answer]] = {}
        """The request running for each document (a newer one supersedes it)."""
        self.told: set[str] = set()
        """Kinds of failure already shown to the user."""

    def forget(self, uri: str) -> None:
        """The document was closed: drop its shown suggestions, stop its request."""
        self.engine.typing.forget(uri)
        work = self.running.pop(uri, None)
        if work is not None and not work.done():
            work.cancel()
