"""create_server(): the language server, with its features registered in order.

| feature module              | LSP surface                                          |
|-----------------------------|------------------------------------------------------|
| features/lifecycle.py       | initialize, initialized, didChangeConfiguration, shutdown |
| features/documents.py       | didClose: forget undo records of the document        |
| features/inline_completion.py | textDocument/inlineCompletion (ghost text)         |
| features/completion.py      | textDocument/completion (ghost-text fallback)        |
| features/code_actions.py    | textDocument/codeAction                              |
| features/commands.py        | workspace/executeCommand: the kimi.* commands        |
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from kimi_lsp import __version__
from kimi_lsp.completion.engine import CompletionEngine
from kimi_lsp.edits.history import UndoHistory
from kimi_lsp.logs import EXPECTED_CODES
from kimi_lsp.lsp.protocol import KimiProtocol
from kimi_lsp.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActiveCommand:
    """A model command in progress."""

    kind: str
    uri: str | None


class KimiLanguageServer(LanguageServer):
    """The pygls server with the session's `Runtime` attached."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__("kimi-lsp", __version__, protocol_cls=KimiProtocol)
        self.runtime = runtime
        self.shown_problems: list[str] = []
        self.client_name = ""
        """`clientInfo.name` from initialize (e.g. "Neovim", "Visual Studio Code")."""
        self.undo = UndoHistory()
        """The last rewrite of each document."""
        self.writing: set[str] = set()
        """Documents a rewrite is streaming into right now (one at a time per document)."""
        self.active: dict[asyncio.Task[Any], ActiveCommand] = {}
        """Running model commands, for kimi.cancel."""
        self.completions = CompletionEngine()
        """Ghost-text state: suggestions shown, the cache."""
        self.ghost_requests: dict[str, asyncio.Task[Any]] = {}
        """The ghost-text request running for each document (a newer one supersedes it)."""
        self.ghost_told: set[str] = set()
        """Kinds of ghost-text failure already shown to the user."""

    @property
    def kimi_protocol(self) -> KimiProtocol:
        """The protocol, typed."""
        return cast(KimiProtocol, self.protocol)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors go to the log, not into popups the user cannot act on. Errors that are
        answers (bad arguments, cancellations, failed model calls) are not faults."""
        if getattr(error, "code", None) in EXPECTED_CODES:
            log.debug("answered with an error: %s", error)
            return
        log.error("internal error (%s): %s", getattr(source, "__name__", source), error)

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """A `window/showMessage` notification."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))


def _features() -> list[Callable[[KimiLanguageServer], None]]:
    from kimi_lsp.features import (
        code_actions,
        commands,
        completion,
        documents,
        inline_completion,
        lifecycle,
    )

    return [
        lifecycle.register,
        documents.register,
        inline_completion.register,
        completion.register,
        code_actions.register,
        commands.register,
    ]


def create_server(runtime: Runtime | None = None) -> KimiLanguageServer:
    """A new server; every feature module registers its handlers on it, in order."""
    server = KimiLanguageServer(runtime or Runtime())
    for register in _features():
        register(server)
    return server
