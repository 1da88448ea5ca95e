"""Snapshots of open documents, and client ranges turned into offsets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from kimi_lsp.text import Encoding, LineIndex, PositionError, encoding_name

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer


@dataclass(frozen=True)
class DocumentSnapshot:
    """An open document at one version, with what a prompt needs to name it."""

    uri: str
    version: int | None
    text: str
    language: str
    path: str
    """Workspace-relative path when the file is in the workspace, else the file path or URI."""
    encoding: Encoding
    index: LineIndex

    def offsets(self, rng: types.Range) -> tuple[int, int]:
        """Start and end offsets of a client range; InvalidParams if it is not in the document."""
        try:
            start = self._offset(rng.start)
            end = self._offset(rng.end)
        except PositionError as exc:
            raise JsonRpcInvalidParams(f"The range is outside {self.path}: {exc}.") from None
        if end < start:
            raise JsonRpcInvalidParams("The range ends before it starts.")
        return start, end

    def _offset(self, position: types.Position) -> int:
        """A position's offset; the line after the last one, at character 0, is the end of
        the document (as editors write the end of a whole-line range)."""
        if position.line == len(self.index.starts) and position.character == 0:
            return len(self.text)
        return self.index.offset(position.line, position.character, self.encoding)


def snapshot(ls: KimiLanguageServer, uri: str) -> DocumentSnapshot:
    """The current state of an open document; InvalidParams if the editor has not opened it."""
    document = ls.workspace.text_documents.get(uri)
    if document is None:
        raise JsonRpcInvalidParams(
            f"{uri} is not open in the editor; open it, then run the command again."
        )
    index = ls.session.documents.index_of(document)
    text = index.text
    return DocumentSnapshot(
        uri=uri,
        version=document.version,
        text=text,
        language=document.language_id or _language_from_name(uri),
        path=display_path(ls, uri),
        encoding=cast(Encoding, encoding_name(ls.workspace.position_encoding)),
        index=index,
    )


def display_path(ls: LanguageServer, uri: str) -> str:
    """How a prompt names the file: relative to its workspace folder when inside one."""
    path = to_fs_path(uri)
    if path is None:
        return uri
    for folder in ls.workspace.folders.values():
        root = to_fs_path(folder.uri)
        if root and Path(path).is_relative_to(root):
            return Path(path).relative_to(root).as_posix()
    root = ls.workspace.root_path
    if root and Path(path).is_relative_to(root):
        return Path(path).relative_to(root).as_posix()
    return path


_EXTENSIONS = {
    ".py": "python", ".js": "javascript", ".ts": "typescript", ".tsx": "typescriptreact",
    ".go": "go", ".rs": "rust", ".c": "c", ".h": "c", ".cpp": "cpp", ".java": "java",
    ".lua": "lua", ".rb": "ruby", ".sh": "shellscript",
}  # fmt: skip


def _language_from_name(uri: str) -> str:
    return _EXTENSIONS.get(Path(uri).suffix.lower(), "plaintext")
