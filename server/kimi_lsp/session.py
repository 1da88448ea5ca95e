"""What one connection holds, in one place.

- `runtime`: settings, the model service and its usage ledger, the built-in simulator;
- `documents`*: the line index of each open document, and the watchers of its changes;
- `commands`: the running commands, by request id and by document (for cancelling);
- `proposals`*: each document's rewrite, while it streams, waits for review, or (once
  accepted) for `kimi.undo`;
- `ghost_text`*: suggestions shown, the cache, the rate-limit pause, the request running
  for each document, the failures already told;
- `client_name`, `shown_problems`: what the client said it is; the settings problems
  last shown.

A document closed by the client is forgotten through one hook, `forget(uri)`, which tells
every part that keeps something per document (marked *).
"""

from __future__ import annotations

from typing import Protocol

from kimi_lsp.edits.registry import Proposals
from kimi_lsp.ghost_text.state import GhostText
from kimi_lsp.lsp.cancellation import RunningCommands
from kimi_lsp.lsp.open_documents import OpenDocuments
from kimi_lsp.runtime import Runtime


class PerDocument(Protocol):
    """A part of the session that keeps something for each open document."""

    def forget(self, uri: str) -> None:
        """The document was closed: drop what is kept for it."""


class Session:
    """The state of one connection."""

    def __init__(self, runtime: Runtime | None = None) -> None:
        self.runtime = runtime or Runtime()
        """Settings and the resources they configure (no LSP in there)."""
        self.documents = OpenDocuments()
        self.commands = RunningCommands()
        self.proposals = Proposals()
        self.ghost_text = GhostText()
        self.shown_problems: list[str] = []
        """The settings problems last shown, so the same ones are not shown again."""

    @property
    def client_name(self) -> str:
        """`clientInfo.name` from initialize (e.g. "Neovim", "Visual Studio Code"); kept by
        the runtime, which words the API key hints for that editor."""
        return self.runtime.client_name

    @client_name.setter
    def client_name(self, name: str) -> None:
        self.runtime.client_name = name

    @property
    def per_document(self) -> tuple[PerDocument, ...]:
        """The parts told when a document is closed."""
        return (self.documents, self.proposals, self.ghost_text)

    def forget(self, uri: str) -> None:
        """The client closed `uri`: every part drops what it kept for it."""
        for part in self.per_document:
            part.forget(uri)

    async def aclose(self) -> None:
        """Shutdown: cancel every command and wait for its answer, then close the runtime
        (the HTTP client only after the commands, so a cancelled stream is never retried
        against a closed client)."""
        await self.commands.cancel_all()
        await self.runtime.aclose()
