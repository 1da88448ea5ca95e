"""The edit writer's view of an open document: its text and version, and versioned
`workspace/applyEdit` requests (no label: Neovim prints the label of every edit)."""

from __future__ import annotations

from typing import cast

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from kimi_lsp.lsp.protocol import KimiProtocol
from kimi_lsp.text import Encoding, LineIndex, encoding_name


class DocumentClosed(Exception):
    """The document was closed while the server was writing into it."""


class LspEditPort:
    """`EditorPort` over LSP for one document."""

    def __init__(self, ls: LanguageServer, uri: str) -> None:
        self._ls = ls
        self.uri = uri
        self._encoding = cast(Encoding, encoding_name(ls.workspace.position_encoding))
        caps = ls.client_capabilities.workspace
        edit_caps = caps.workspace_edit if caps else None
        client = str(getattr(ls, "client_name", ""))
        self.neovim = client == "Neovim"
        self.versioned = bool(edit_caps and edit_caps.document_changes) or self.neovim
        """Whether edits carry the document version. Neovim checks versions in
        `documentChanges` but does not advertise them; without versions, a rewrite is
        written in one edit at the end instead of streamed."""

    def snapshot(self) -> tuple[str, int | None]:
        """The current text and version."""
        document = self._ls.workspace.text_documents.get(self.uri)
        if document is None:
            raise DocumentClosed(f"{self.uri} was closed")
        return document.source, document.version

    async def apply(self, version: int | None, start: int, end: int, text: str) -> bool:
        """Replace [start, end) of the text at `version`; the client's `applied` answer."""
        if self.neovim:
            start, end, text = _inside_last_line(self.snapshot()[0], start, end, text)
        self.snapshot()  # raises when closed
        protocol = self._ls.protocol
        if isinstance(protocol, KimiProtocol):
            index = protocol.index_of(self.uri)
        else:
            index = LineIndex(self.snapshot()[0])
        a = index.position(start, self._encoding)
        b = index.position(end, self._encoding)
        rng = types.Range(
            start=types.Position(line=a[0], character=a[1]),
            end=types.Position(line=b[0], character=b[1]),
        )
        edit = types.TextEdit(range=rng, new_text=text)
        if self.versioned:
            workspace_edit = types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=self.uri, version=version
                        ),
                        edits=[edit],
                    )
                ]
            )
        else:
            workspace_edit = types.WorkspaceEdit(changes={self.uri: [edit]})
        result = await self._ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=workspace_edit)
        )
        return bool(result.applied)


def _inside_last_line(current: str, start: int, end: int, text: str) -> tuple[int, int, str]:
    """Neovim adds a stray empty line when an edit reaches the position after the final
    newline (line = line count); the same change is expressed before that newline."""
    if not current.endswith("\n") or end != len(current) or not text.endswith("\n"):
        return start, end, text
    if start == len(current):
        return start - 1, end - 1, "\n" + text[:-1]
    return start, end - 1, text[:-1]
