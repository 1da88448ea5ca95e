"""create_server(): the language server, with its features registered in order.

| feature module                | LSP surface                                               |
|-------------------------------|-----------------------------------------------------------|
| features/lifecycle.py         | initialize, initialized, didChangeConfiguration, shutdown |
| features/documents.py         | didOpen, didClose: a reopened or closed document's state  |
| features/inline_completion.py | textDocument/inlineCompletion (ghost text)                |
| features/completion.py        | textDocument/completion (the ghost-text fallback)         |
| features/code_actions.py      | textDocument/codeAction                                   |
| features/code_lens.py         | textDocument/codeLens: Accept / Reject over a proposal    |
| features/execute_command.py   | workspace/executeCommand: the kimi.* commands             |

The body of each command is in features/commands/ (one module per command); what every
model command shares (its frame, streaming, errors, the rewrite) is in lsp/. The server
class (`lsp/language_server.py`) holds the connection's `Session` (`session.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from kimi_lsp.features import (
    code_actions,
    code_lens,
    completion,
    documents,
    execute_command,
    inline_completion,
    lifecycle,
)
from kimi_lsp.lsp.language_server import KimiLanguageServer
from kimi_lsp.runtime import Runtime
from kimi_lsp.session import Session

FEATURES: list[Callable[[KimiLanguageServer], None]] = [
    lifecycle.register,
    documents.register,
    inline_completion.register,
    completion.register,
    code_actions.register,
    code_lens.register,
    execute_command.register,
]
"""Every feature module's `register`, in the order they are registered."""


def create_server(runtime: Runtime | None = None) -> KimiLanguageServer:
    """A new server with a new session; every feature module registers its handlers on
    it, in order."""
    server = KimiLanguageServer(Session(runtime))
    for register in FEATURES:
        register(server)
    return server
