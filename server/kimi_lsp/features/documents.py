"""textDocument/didClose: the session forgets the document (its line index, its Kimi
proposal, the ghost text shown in it and any suggestion still being asked for);
textDocument/didOpen of a document already open does the same (it is a new document now,
and a rewrite streaming into the old one stops).

`didOpen` and `didChange` are applied by the protocol (`lsp/protocol.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer


def register(server: KimiLanguageServer) -> None:
    """Register the document lifecycle handlers."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KimiLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        # A second didOpen of an open document is a new document: nothing kept for the
        # old one applies (a rewrite streaming into it stops, writing nothing more).
        ls.session.forget(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KimiLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.session.forget(params.text_document.uri)
