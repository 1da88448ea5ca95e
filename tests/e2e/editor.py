"""The editor side of the e2e tests: buffers that apply `workspace/applyEdit` the way real
clients do, and a user who types while Kimi writes.

- `vscode`: a `TextDocumentEdit` whose version is not the buffer's is rejected
  (`applied: false`); an applied edit is reported by `didChange` before the answer.
- `neovim`: a stale edit is skipped, yet answered `applied: true` ("Buffer newer than
  edits"); `didChange` follows the answer.
- `eglot`: a stale edit is answered with an error response; `didChange` first.
- `late` (YouCompleteMe): answers `applied: true` at once and applies the edit later,
  skipping it if the buffer changed meanwhile.
- `silent` (ALE): never answers and applies nothing.
- `mute`: applies edits and answers, but never sends their `didChange`.

`checks` run after every change of a buffer, whoever made it: the tests assert the
lossless contract there, after every edit. Positions are converted here independently of
the server's code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError
from pytest_lsp import LanguageClient

Check = Callable[["Editor", str], None]


def offset(text: str, line: int, character: int, encoding: str) -> int:
    lines = text.split("\n")
    start = sum(len(text_line) + 1 for text_line in lines[:line])
    column, used = 0, 0
    for ch in lines[line] if line < len(lines) else "":
        width = len(ch.encode("utf-8")) if encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1)
        if used + width > character:
            break
        used += width
        column += 1
    return start + column


def position(text: str, at: int, encoding: str) -> types.Position:
    before = text[:at]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1 :]
    if encoding == "utf-8":
        character = len(column.encode("utf-8"))
    else:
        character = len(column.encode("utf-16-le")) // 2
    return types.Position(line=line, character=character)


@dataclass
class Buffer:
    uri: str
    text: str
    version: int = 1


@dataclass
class Editor:
    client: LanguageClient
    mode: str
    encoding: str
    buffers: dict[str, Buffer] = field(default_factory=dict)
    edits: list[types.ApplyWorkspaceEditParams] = field(default_factory=list)
    """Every applyEdit request received, applied or not."""
    stale: int = 0
    workspace_edits: int = 0
    """Changes across files applied."""
    before_edit: Callable[[Editor, int], None] | None = None
    """Called with the edit's number (1-based) before it is looked at: the user types here."""
    checks: list[Check] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    forever: asyncio.Event = field(default_factory=asyncio.Event)

    def open(self, uri: str, text: str, language: str = "python") -> None:
        self.buffers[uri] = Buffer(uri, text)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language, version=1, text=text
                )
            )
        )

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def text(self, uri: str) -> str:
        return self.buffers[uri].text

    def type(self, uri: str, at: int, end: int | None, new: str) -> None:
        """The user replaces [at, end) with `new`; the server hears of it at once."""
        self._change(self.buffers[uri], at, at if end is None else end, new, send_now=True)

    async def handle_apply_edit(
        self, params: types.ApplyWorkspaceEditParams
    ) -> types.ApplyWorkspaceEditResult:
        self.edits.append(params)
        if self.before_edit is not None:
            self.before_edit(self, len(self.edits))
        if self.mode == "silent":
            await self.forever.wait()  # never answers
        changes = params.edit.document_changes
        assert changes, "kimi-lsp sends versioned TextDocumentEdits"
        if any(not isinstance(c, types.TextDocumentEdit) for c in changes) or any(
            c.text_document.uri not in self.buffers for c in changes
        ):
            return self._apply_workspace(list(changes))
        for change in changes:
            assert isinstance(change, types.TextDocumentEdit)
            buffer = self.buffers[change.text_document.uri]
            if self.mode == "late":
                self._later(buffer, change, buffer.version, turns=5)
                continue
            if change.text_document.version != buffer.version:
                self.stale += 1
                if self.mode == "eglot":
                    raise JsonRpcInternalError(
                        f"Edits on `{buffer.uri}' require version "
                        f"{change.text_document.version}, you have {buffer.version}"
                    )
                return types.ApplyWorkspaceEditResult(applied=self.mode == "neovim")
            self._apply(buffer, change, send_now=self.mode in ("vscode", "eglot"))
        return types.ApplyWorkspaceEditResult(applied=True)

    def _apply(self, buffer: Buffer, change: types.TextDocumentEdit, send_now: bool) -> None:
        for start, end, new in reversed(self._offsets(buffer.text, change)):
            self._change(buffer, start, end, new, send_now=send_now)

    def _offsets(self, text: str, change: types.TextDocumentEdit) -> list[tuple[int, int, str]]:
        """The edits of `change` as offsets into `text` (all against the same text)."""
        out = []
        for edit in change.edits:
            assert isinstance(edit, types.TextEdit | types.AnnotatedTextEdit)
            start = offset(text, edit.range.start.line, edit.range.start.character, self.encoding)
            end = offset(text, edit.range.end.line, edit.range.end.character, self.encoding)
            out.append((start, end, edit.new_text))
        out.sort()
        return out

    def _apply_workspace(self, changes: list[object]) -> types.ApplyWorkspaceEditResult:
        """A change across files, all or nothing, as VS Code applies one: open documents in
        their buffers (versions checked), files that are not open on disk, created and
        deleted files on disk."""
        for change in changes:
            if isinstance(change, types.TextDocumentEdit):
                buffer = self.buffers.get(change.text_document.uri)
                version = change.text_document.version
                if buffer is not None and version is not None and version != buffer.version:
                    self.stale += 1
                    return types.ApplyWorkspaceEditResult(applied=False, failure_reason="stale")
        disk: dict[Path, str | None] = {}
        for change in changes:
            if isinstance(change, types.CreateFile):
                path = _path(change.uri)
                if path.exists() or disk.get(path) is not None:
                    return types.ApplyWorkspaceEditResult(applied=False, failure_reason="exists")
                disk[path] = ""
            elif isinstance(change, types.DeleteFile):
                disk[_path(change.uri)] = None
            elif isinstance(change, types.TextDocumentEdit):
                if change.text_document.uri in self.buffers:
                    continue
                path = _path(change.text_document.uri)
                text = disk[path] if path in disk else path.read_text(encoding="utf-8")
                assert text is not None, "an edit of a deleted file"
                for start, end, new in reversed(self._offsets(text, change)):
                    text = text[:start] + new + text[end:]
                disk[path] = text
        for change in changes:
            if (
                isinstance(change, types.TextDocumentEdit)
                and change.text_document.uri in self.buffers
            ):
                self._apply(self.buffers[change.text_document.uri], change, send_now=True)
        for path, text in disk.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        self.workspace_edits += 1
        return types.ApplyWorkspaceEditResult(applied=True)

    def _later(
        self, buffer: Buffer, change: types.TextDocumentEdit, version: int, turns: int
    ) -> None:
        loop = asyncio.get_running_loop()
        if turns:
            loop.call_soon(self._later, buffer, change, version, turns - 1)
        elif change.text_document.version == buffer.version == version:
            self._apply(buffer, change, send_now=True)
        else:
            self.stale += 1

    def _change(self, buffer: Buffer, start: int, end: int, new: str, send_now: bool) -> None:
        rng = types.Range(
            start=position(buffer.text, start, self.encoding),
            end=position(buffer.text, end, self.encoding),
        )
        buffer.text = buffer.text[:start] + new + buffer.text[end:]
        buffer.version += 1
        for check in self.checks:
            check(self, buffer.uri)
        params = types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=buffer.uri, version=buffer.version
            ),
            content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)],
        )
        if self.mode == "mute" and not send_now:
            pass  # the server never hears of it
        elif send_now:
            self.client.text_document_did_change(params)
        else:  # Neovim: after the answer to the edit
            asyncio.get_running_loop().call_soon(self.client.text_document_did_change, params)
        self.changed.set()

    async def wait_until(self, uri: str, text: str, timeout: float = 10.0) -> None:
        """Wait until the buffer reads `text` (the server restores after it answered)."""
        async with asyncio.timeout(timeout):
            while self.buffers[uri].text != text:
                self.changed.clear()
                await self.changed.wait()


def _path(uri: str) -> Path:
    assert uri.startswith("file://")
    return Path(unquote(uri[len("file://") :]))
