"""textDocument/didClose: the session forgets the document (its line index, its undo
record, the ghost text shown in it and any suggestion still being asked for).

`didOpen` and `didChange` are applied by the protocol (`lsp/protocol.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer


def register(server: KimiLanguageServer) -> None:
    """Register the document lifecycle handlers."""

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KimiLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.session.forget(params.text_document.uri)
