"""Writing a proposal into an open document while the user may be typing anywhere.

The writer makes a `Block` (the proposed text above the original) read a target, one
versioned edit at a time:

- each edit is computed against the document as the server knows it (text and version)
  and changes only the block;
- the writer then waits until the client's `didChange` shows the edit applied (the whole
  document text must be exactly what the edit produces). A change from anyone else that
  arrives first means the edit was stale: VS Code rejects it (`applied: false`), Neovim
  skips it yet answers `applied: true`, eglot answers with an error. Either way the
  writer recomputes and resends. An edit the client never confirms is waited for within
  a bound; then the writer gives up (`EditorNotResponding`) and sends nothing more;
- the user's changes move the block (`Block.apply`); what they touched is remembered, and
  each write says which touches stop it (`Guard`).

The target may change while an edit is in flight (the model keeps writing): the next edit
covers everything new, so a slow client gets fewer, larger edits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from kimi_lsp.edits.block import Block, Change, Where, apply_change, replacement

log = logging.getLogger(__name__)

Guard = Literal["streaming", "review", "undo"]
"""Which of the user's touches stop a write: while streaming, any edit of the proposed
text; for accept and reject, only an edit across the block's boundaries (the user may edit
the proposal before accepting it); for undo, any edit of the text Kimi wrote."""


class EditorPort(Protocol):
    """What the writer needs from the editor (implemented over LSP in `lsp/edit_port.py`)."""

    def snapshot(self) -> tuple[str, int | None]:
        """The document's current text and version, as the server knows them."""
        ...

    async def apply(self, version: int | None, start: int, end: int, text: str) -> bool:
        """Send one edit computed against `version`; True when the client says it applied
        it (an error answer or no answer in time is False)."""
        ...


class BlockTouched(Exception):
    """The user changed what this write may not change: nothing more is written."""


class EditorNotResponding(Exception):
    """The client never confirmed an edit, or kept rejecting them."""


class DocumentGone(Exception):
    """The document was closed, or opened again as a new one: nothing is written into it."""


@dataclass
class _Pending:
    version: int | None
    expected: str
    block: Block
    state: str = "sent"  # sent -> confirmed | stale


@dataclass
class Touches:
    """What the user's changes touched since `reset`."""

    proposal: bool = False
    original: bool = False
    across: bool = False

    def note(self, where: Where) -> None:
        if where == "proposal":
            self.proposal = True
        elif where == "original":
            self.original = True
        elif where == "across":
            self.across = True


@dataclass
class BlockWriter:
    """Keeps one block of one document in step with a target text."""

    port: EditorPort
    block: Block
    confirm_timeout: float = 5.0
    max_conflicts: int = 50
    touches: Touches = field(default_factory=Touches)
    edits_sent: int = 0
    conflicts: int = 0
    """Edits in a row that turned out stale and were sent again."""
    unconfirmed: bool = False
    """An edit was sent and neither confirmed nor known stale (the client is silent)."""
    _pending: _Pending | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    listeners: list[Listener] = field(default_factory=list)
    """Called after every change of the document that reached the writer."""

    @property
    def gone(self) -> bool:
        """Whether the document was closed or opened again."""
        try:
            self.port.snapshot()
        except DocumentGone:
            return True
        return False

    def texts(self) -> tuple[str, str]:
        """The proposed text and the original text, as they stand."""
        current, _ = self.port.snapshot()
        b = self.block
        return current[b.a : b.b], current[b.b : b.c]

    def on_change(self, before: str, changes: Sequence[Change], after: str) -> None:
        """Follow a `didChange` (call it for every change of the document, in order)."""
        pending = self._pending if self._pending and self._pending.state == "sent" else None
        if pending is None:
            for change in changes:
                self.touches.note(self.block.apply(change))
        elif after == pending.expected:
            self._confirm(pending)
        else:
            text = before
            for change in changes:
                text = apply_change(text, change)
                if pending.state == "sent" and text == pending.expected:
                    self._confirm(pending)
                    continue
                if pending.state == "sent":
                    self._stale(pending)  # someone else changed the document first
                self.touches.note(self.block.apply(change))
        self._changed.set()
        for listener in list(self.listeners):
            listener()

    def _stale(self, pending: _Pending) -> None:
        pending.state = "stale"
        self.unconfirmed = False
        self.conflicts += 1

    def _confirm(self, pending: _Pending) -> None:
        pending.state = "confirmed"
        self.unconfirmed = False
        self.conflicts = 0  # the limit is on rejections in a row
        self.block = pending.block.copy()

    def _check(self, guard: Guard) -> None:
        if self.touches.across:
            raise BlockTouched("you edited across the proposed text and the original")
        if guard != "review" and self.touches.proposal:
            raise BlockTouched("you edited the text Kimi wrote")

    async def write(
        self,
        proposal: str | Callable[[str], str],
        original: str | None = None,
        *,
        guard: Guard,
    ) -> str:
        """Edit until the block reads `proposal` followed by `original` (by default the
        original text as it stands), confirmed by the client. `proposal` may be a function
        of the proposed text as it stands, read again before every attempt (the user may
        edit it while an edit is on its way). Returns the original text as it stood when
        the last edit was computed (what an explicit `original` replaced)."""
        replaced: str | None = None
        sent: _Pending | None = None
        while True:
            await self._settle()
            if sent is not None and sent.state == "confirmed" and replaced is not None:
                return replaced  # the block reads what that edit computed
            if self.conflicts > self.max_conflicts:
                raise EditorNotResponding(
                    f"the editor rejected {self.conflicts} edits in a row; giving up"
                )
            self._check(guard)
            text, version = self.port.snapshot()
            b = self.block
            tail = text[b.b : b.c] if original is None else original
            current = text[b.a : b.c]
            head = proposal(text[b.a : b.b]) if callable(proposal) else proposal
            target = head + tail
            if current == target:
                self.block = Block(b.a, b.a + len(head), b.a + len(target))
                return text[b.b : b.c] if replaced is None else replaced
            replaced = text[b.b : b.c]
            start, end, new = replacement(current, target)
            start += b.a
            end += b.a
            expected = text[:start] + new + text[end:]
            after = Block(b.a, b.a + len(head), b.a + len(target))
            pending = sent = _Pending(version, expected, after)
            self._pending = pending
            self._changed.clear()
            self.edits_sent += 1
            self.unconfirmed = True
            applied = await self.port.apply(version, start, end, new)
            if not applied and pending.state == "sent":
                self._stale(pending)
                await self._wait_for_version_change(version)

    async def settle(self) -> None:
        """Wait until the edit in flight, if any, is confirmed or known stale."""
        await self._settle()

    async def _settle(self) -> None:
        pending = self._pending
        while pending is not None and pending.state == "sent":
            await self._next_change(
                "the editor accepted an edit but did not report the change "
                f"within {self.confirm_timeout:g} s"
            )

    async def _wait_for_version_change(self, version: int | None) -> None:
        """After a rejection, wait for the change that made the edit stale."""
        while self.port.snapshot()[1] == version:
            await self._next_change("the editor refused an edit without reporting any change")

    async def _next_change(self, failure: str) -> None:
        self._changed.clear()
        try:
            async with asyncio.timeout(self.confirm_timeout):  # not wait_for: in 3.11
                await self._changed.wait()  # it can swallow a cancellation
        except TimeoutError:
            raise EditorNotResponding(failure) from None


class Listener(Protocol):
    """Told after each change the writer followed."""

    def __call__(self) -> None: ...
