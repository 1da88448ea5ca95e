"""The last Kimi rewrite of each document, so it can be undone in one step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kimi_lsp.edits.writer import RegionWriter


@dataclass
class UndoRecord:
    """A finished rewrite: the region (still followed) and the text it replaced."""

    writer: RegionWriter
    original: str
    final: str
    unwatch: Callable[[], None]

    @property
    def intact(self) -> bool:
        """True while nobody has changed the rewritten region since."""
        return not self.writer.touched and self.writer.text == self.final


class UndoHistory:
    """One record per document; a new rewrite replaces the old record."""

    def __init__(self) -> None:
        self._records: dict[str, UndoRecord] = {}

    def remember(self, uri: str, record: UndoRecord) -> None:
        """Keep `record` as the document's last rewrite."""
        self.forget(uri)
        self._records[uri] = record

    def get(self, uri: str) -> UndoRecord | None:
        """The document's last rewrite, if any."""
        return self._records.get(uri)

    def forget(self, uri: str) -> None:
        """Drop the document's record and stop following its region."""
        record = self._records.pop(uri, None)
        if record is not None:
            record.unwatch()
