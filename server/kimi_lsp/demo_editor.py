"""The demo's stand-in for an editor buffer: it applies `workspace/applyEdit` the way a
real editor does (checking versions, then reporting the change with `didChange`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from kimi_lsp.text import LineIndex


@dataclass
class DemoBuffer:
    """One open document of the demo, in UTF-16 positions like VS Code."""

    client: LanguageClient
    uri: str
    text: str
    version: int = 1
    on_edit: Callable[[DemoBuffer, types.TextEdit], None] | None = None
    edits: list[types.TextEdit] = field(default_factory=list)

    def apply(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        """Apply the edits meant for this buffer, refusing stale versions."""
        for change in params.edit.document_changes or []:
            if (
                not isinstance(change, types.TextDocumentEdit)
                or change.text_document.uri != self.uri
            ):
                continue
            if change.text_document.version not in (None, self.version):
                return types.ApplyWorkspaceEditResult(applied=False)
            for edit in change.edits:
                if isinstance(edit, types.TextEdit):
                    self._replace(edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    def _replace(self, edit: types.TextEdit) -> None:
        index = LineIndex(self.text)
        start = index.offset(edit.range.start.line, edit.range.start.character, "utf-16")
        end = index.offset(edit.range.end.line, edit.range.end.character, "utf-16")
        self.text = self.text[:start] + edit.new_text + self.text[end:]
        self.version += 1
        self.edits.append(edit)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
                ],
            )
        )
        if self.on_edit is not None:
            self.on_edit(self, edit)
