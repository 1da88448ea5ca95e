"""The edit writer's view of an open document: its text and version, and versioned
`workspace/applyEdit` requests (no label: Neovim prints the label of every edit).

Whatever the client answers is information, never a failure of the command: `applied:
false`, an error response (eglot answers a stale edit that way), a malformed answer and
no answer within the bound all mean "not applied"; the writer then waits for the
document's own `didChange` to tell what happened. A document closed or opened again
(a second `didOpen`) is a different document: nothing more is written into it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, cast

from lsprotocol import types

from kimi_lsp.edits.writer import DocumentGone
from kimi_lsp.text import Encoding, encoding_name

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

log = logging.getLogger(__name__)


class DocumentClosed(DocumentGone):
    """The document was closed (or opened again) while the server was writing into it."""


def can_apply_edits(ls: KimiLanguageServer) -> bool:
    """Whether the client declared `workspace.applyEdit`."""
    caps = ls.client_capabilities.workspace
    return bool(caps and caps.apply_edit)


class LspEditPort:
    """`EditorPort` over LSP for one open document."""

    def __init__(self, ls: KimiLanguageServer, uri: str, *, answer_timeout: float) -> None:
        self._ls = ls
        self.uri = uri
        self._document = ls.workspace.text_documents.get(uri)
        self._answer_timeout = answer_timeout
        self._encoding = cast(Encoding, encoding_name(ls.workspace.position_encoding))
        caps = ls.client_capabilities.workspace
        edit_caps = caps.workspace_edit if caps else None
        self.neovim = ls.session.client_name == "Neovim"
        self.versioned = bool(edit_caps and edit_caps.document_changes) or self.neovim
        """Whether edits carry the document version. Neovim checks versions in
        `documentChanges` but does not advertise them; without versions, a proposal is
        written in one edit when it is whole instead of streamed."""

    def snapshot(self) -> tuple[str, int | None]:
        """The current text and version."""
        document = self._ls.workspace.text_documents.get(self.uri)
        if document is None or document is not self._document:
            raise DocumentClosed(f"{self.uri} was closed or opened again")
        return document.source, document.version

    async def apply(self, version: int | None, start: int, end: int, text: str) -> bool:
        """Replace [start, end) of the text at `version`; True only when the client
        answered `applied: true` in time."""
        current = self.snapshot()[0]
        if self.neovim:
            start, end, text = _inside_last_line(current, start, end, text)
        index = self._ls.kimi_protocol.index_of(self.uri)
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
        params = types.ApplyWorkspaceEditParams(edit=workspace_edit)
        try:
            async with asyncio.timeout(self._answer_timeout):
                result = await self._ls.workspace_apply_edit_async(params)
            return bool(getattr(result, "applied", False))
        except TimeoutError:
            log.info("the editor did not answer an edit of %s in time", self.uri)
        except Exception as error:  # an error answer: the client refused the edit
            log.info("the editor refused an edit of %s: %s", self.uri, error)
        return False


def _inside_last_line(current: str, start: int, end: int, text: str) -> tuple[int, int, str]:
    """Neovim adds a stray empty line when an edit reaches the position after the final
    newline (line = line count); the same change is expressed before that newline."""
    if not current.endswith("\n") or end != len(current) or not text.endswith("\n"):
        return start, end, text
    if start == len(current):
        return start - 1, end - 1, "\n" + text[:-1]
    return start, end - 1, text[:-1]
