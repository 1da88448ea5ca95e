"""The demo's stand-in for an editor: one open buffer that applies `workspace/applyEdit`
the way a real editor does (checking versions, then reporting the change with
`didChange`), and the files that are not open, changed, created and deleted on disk (a
change across files)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from kimi_lsp.text import LineIndex


def _path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


def _spans(text: str, edits: list[types.TextEdit]) -> list[tuple[int, int, types.TextEdit]]:
    """The edits' offsets in `text`, last first (so earlier offsets stay valid)."""
    index = LineIndex(text)
    spans = [
        (
            index.offset(e.range.start.line, e.range.start.character, "utf-16"),
            index.offset(e.range.end.line, e.range.end.character, "utf-16"),
            e,
        )
        for e in edits
    ]
    return sorted(spans, key=lambda span: span[0], reverse=True)


@dataclass
class DemoBuffer:
    """One open document of the demo, in UTF-16 positions like VS Code."""

    client: LanguageClient
    uri: str
    text: str
    version: int = 1
    on_edit: Callable[[DemoBuffer, types.TextEdit], None] | None = None
    edits: list[types.TextEdit] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    """Files other than the buffer that edits changed, created or deleted on disk."""

    def apply(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        """Apply the whole edit, refusing it when the buffer's version is stale."""
        changes = params.edit.document_changes or []
        for change in changes:
            if (
                isinstance(change, types.TextDocumentEdit)
                and change.text_document.uri == self.uri
                and change.text_document.version not in (None, self.version)
            ):
                return types.ApplyWorkspaceEditResult(applied=False)
        for change in changes:
            if isinstance(change, types.CreateFile):
                _path(change.uri).parent.mkdir(parents=True, exist_ok=True)
                _path(change.uri).write_text("", encoding="utf-8")
                self.files_changed.append(change.uri)
            elif isinstance(change, types.DeleteFile):
                _path(change.uri).unlink(missing_ok=True)
                self.files_changed.append(change.uri)
            elif isinstance(change, types.TextDocumentEdit):
                edits = [e for e in change.edits if isinstance(e, types.TextEdit)]
                if change.text_document.uri == self.uri:
                    for _, _, edit in _spans(self.text, edits):
                        self._replace(edit)
                else:
                    self._on_disk(change.text_document.uri, edits)
        return types.ApplyWorkspaceEditResult(applied=True)

    def _on_disk(self, uri: str, edits: list[types.TextEdit]) -> None:
        path = _path(uri)
        text = path.read_text(encoding="utf-8")
        for start, end, edit in _spans(text, edits):
            text = text[:start] + edit.new_text + text[end:]
        path.write_text(text, encoding="utf-8")
        self.files_changed.append(uri)

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
