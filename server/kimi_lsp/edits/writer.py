"""Writing into a region of an open document while the user may be typing elsewhere.

The writer makes the region read a target text, one versioned edit at a time:

- each edit is computed against the document as the server knows it (text and version)
  and changes only the region;
- the writer then waits until the client's `didChange` shows the edit applied (the whole
  document text must be exactly what the edit produces). A change from anyone else that
  arrives first means the edit was stale: VS Code rejects it (`applied: false`), Neovim
  skips it yet answers `applied: true`. Either way the writer recomputes and resends;
- the user's changes before or after the region move it; a change inside the region stops
  the writer (`RegionTouched`), and nothing more is written.

The target may change while an edit is in flight (the model keeps writing): the next edit
covers everything new, so a slow client gets fewer, larger edits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from kimi_lsp.edits.region import Change, Region, apply_change, replacement

log = logging.getLogger(__name__)


class EditorPort(Protocol):
    """What the writer needs from the editor (implemented over LSP in `lsp/edit_port.py`)."""

    def snapshot(self) -> tuple[str, int | None]:
        """The document's current text and version, as the server knows them."""
        ...

    async def apply(self, version: int | None, start: int, end: int, text: str) -> bool:
        """Send one edit computed against `version`; the client's `applied` answer."""
        ...


class RegionTouched(Exception):
    """Someone else changed the region: the writer stops and touches nothing more."""


class EditorNotResponding(Exception):
    """The client accepted an edit but never reported the change, or kept rejecting."""


@dataclass
class _Pending:
    version: int | None
    expected: str
    region: Region
    state: str = "sent"  # sent -> confirmed | stale


class RegionWriter:
    """Keeps one region of one document in step with a target text."""

    def __init__(
        self,
        port: EditorPort,
        region: Region,
        *,
        confirm_timeout: float = 5.0,
        max_conflicts: int = 50,
    ) -> None:
        self.port = port
        self.region = region
        self.touched = False
        """True once anyone else changed the region."""
        self.edits_sent = 0
        self.conflicts = 0
        """Edits in a row that turned out stale and were sent again."""
        self._confirm_timeout = confirm_timeout
        self._max_conflicts = max_conflicts
        self._pending: _Pending | None = None
        self._changed = asyncio.Event()

    @property
    def text(self) -> str:
        """The region's current text."""
        current, _ = self.port.snapshot()
        return current[self.region.start : self.region.end]

    def on_change(self, before: str, changes: Sequence[Change], after: str) -> None:
        """Follow a `didChange` (call it for every change of the document, in order)."""
        pending = self._pending if self._pending and self._pending.state == "sent" else None
        if pending is None:  # nothing in flight: only follow the region (no text rebuilt)
            for change in changes:
                if not self.region.apply(change):
                    self.touched = True
        elif after == pending.expected:
            self._confirm(pending)
        else:
            text = before
            for change in changes:
                text = apply_change(text, change)
                if pending is not None and pending.state == "sent" and text == pending.expected:
                    self._confirm(pending)
                    continue
                if pending is not None and pending.state == "sent":
                    self._stale(pending)  # someone else changed the document first
                if not self.region.apply(change):
                    self.touched = True
        self._changed.set()

    def _stale(self, pending: _Pending) -> None:
        pending.state = "stale"
        self.conflicts += 1

    def _confirm(self, pending: _Pending) -> None:
        pending.state = "confirmed"
        self.conflicts = 0  # the limit is on rejections in a row
        self.region = Region(pending.region.start, pending.region.end)

    async def write(self, target: str) -> None:
        """Edit until the region reads `target` (confirmed by the client)."""
        while True:
            await self._settle()
            if self.conflicts > self._max_conflicts:
                raise EditorNotResponding(
                    f"the editor rejected {self.conflicts} edits in a row; giving up"
                )
            if self.touched:
                raise RegionTouched("the region was edited by someone else")
            text, version = self.port.snapshot()
            current = text[self.region.start : self.region.end]
            if current == target:
                return
            start, end, new = replacement(current, target)
            start += self.region.start
            end += self.region.start
            expected = text[:start] + new + text[end:]
            pending = _Pending(
                version, expected, Region(self.region.start, self.region.start + len(target))
            )
            self._pending = pending
            self._changed.clear()
            self.edits_sent += 1
            applied = await self.port.apply(version, start, end, new)
            if not applied and pending.state == "sent":
                self._stale(pending)
                await self._wait_for_version_change(version)

    async def _settle(self) -> None:
        """Wait until the edit in flight is confirmed or known stale."""
        pending = self._pending
        while pending is not None and pending.state == "sent":
            await self._next_change(
                "the editor accepted an edit but did not report the change "
                f"within {self._confirm_timeout:g}s"
            )

    async def _wait_for_version_change(self, version: int | None) -> None:
        """After a rejection, wait for the change that made the edit stale."""
        while self.port.snapshot()[1] == version:
            await self._next_change("the editor rejected an edit without reporting any change")

    async def _next_change(self, failure: str) -> None:
        self._changed.clear()
        try:
            async with asyncio.timeout(self._confirm_timeout):  # not wait_for: in 3.11
                await self._changed.wait()  # it can swallow a cancellation
        except TimeoutError:
            raise EditorNotResponding(failure) from None
