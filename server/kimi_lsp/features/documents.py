"""textDocument/didClose: a closed document's undo record and watchers are dropped."""

from __future__ import annotations

from lsprotocol import types

from kimi_lsp.server import KimiLanguageServer


def register(server: KimiLanguageServer) -> None:
    """Register the document lifecycle handlers."""

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KimiLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.undo.forget(params.text_document.uri)
        ls.kimi_protocol.indexes.pop(params.text_document.uri, None)
        ls.completions.typing.forget(params.text_document.uri)
