"""The open documents' text as the server keeps it: each one's line index, kept up to date
change by change, and the watchers of its changes (edit writers, undo records).

`didChange` is applied here with LSP line breaks (`\\n`, `\\r\\n`, `\\r` only); pygls splits
with `str.splitlines`, which also breaks at form feeds and U+2028 (`lsp/protocol.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from lsprotocol import types
from pygls.workspace import TextDocument

from kimi_lsp.edits.block import Change, replacement
from kimi_lsp.text import Encoding, LineIndex

log = logging.getLogger(__name__)

Watcher = Callable[[str, list[Change], str], None]
"""Called as `watcher(text before, changes, text after)` for every change of a document."""


class OpenDocuments:
    """The line index of each open document at its version, and who watches its changes.

    Per document; `forget` drops the index on close. Watchers belong to whoever registered
    them (an edit writer, an undo record) and are removed with the function `watch` returns.
    """

    def __init__(self) -> None:
        self._indexes: dict[str, tuple[int | None, LineIndex]] = {}
        self._watchers: dict[str, list[Watcher]] = {}

    def index_of(self, document: TextDocument) -> LineIndex:
        """The line index of the document's current text (built once, then kept)."""
        cached = self._indexes.get(document.uri)
        if (
            cached is not None
            and cached[0] == document.version
            and cached[1].text is document.source
        ):
            return cached[1]
        index = LineIndex(document.source)
        self._indexes[document.uri] = (document.version, index)
        return index

    def watch(self, uri: str, watcher: Watcher) -> Callable[[], None]:
        """Call `watcher(before, changes, after)` on every change of `uri`; returns the undo."""
        self._watchers.setdefault(uri, []).append(watcher)

        def unwatch() -> None:
            listeners = self._watchers.get(uri, [])
            if watcher in listeners:
                listeners.remove(watcher)
            if not listeners:
                self._watchers.pop(uri, None)

        return unwatch

    def apply(
        self,
        document: TextDocument,
        changes: Sequence[types.TextDocumentContentChangeEvent],
        version: int,
        encoding: Encoding,
    ) -> None:
        """Apply a `didChange` to `document`, then tell the document's watchers."""
        index = self.index_of(document)
        before = index.text
        applied: list[Change] = []
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = index.clamped_offset(change.range.start, encoding)
                end = max(start, index.clamped_offset(change.range.end, encoding))
                index = index.edited(start, end, change.text)
            else:  # the whole text (ycmd, ALE): watchers get the smallest replacement
                start, end, new = replacement(index.text, change.text)
                index = LineIndex(change.text)
                applied.append((start, end, new))
                continue
            applied.append((start, end, change.text))
        text = index.text
        document._source = text
        document.version = version
        self._indexes[document.uri] = (version, index)
        for watcher in list(self._watchers.get(document.uri, ())):
            try:
                watcher(before, applied, text)
            except Exception:
                log.exception("a document watcher failed")

    def forget(self, uri: str) -> None:
        """The document was closed: drop its index."""
        self._indexes.pop(uri, None)
