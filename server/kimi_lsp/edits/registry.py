"""The proposals of a session.

- A rewrite (`Proposal`): one current proposal per document (pending or applied), and the
  last applied rewrite of each document, kept for undo until another rewrite there is
  applied or the document closes (a rewrite that fails or is rejected does not take it
  away).
- A change across files (`kimi.edit`): any number, by id; pending or applied ones are kept
  (the newest `KEEP_CHANGES`), so accept, reject and undo find them by id or by a document
  they touch.

Undo by document takes the most recently applied of the two kinds. Proposals that ended
(rejected, failed, cancelled, undone, unchanged) are dropped.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Protocol

from kimi_lsp.edits.proposal import PENDING, Proposal

KEEP_CHANGES = 20


class Change(Protocol):
    """A change across files, as the registry needs to know it."""

    id: str

    @property
    def state(self) -> str: ...

    @property
    def pending(self) -> bool: ...

    @property
    def uris(self) -> list[str]: ...

    def close(self) -> None: ...


class Proposals:
    """Rewrites by document and changes by id; one part of the session that keeps
    something per document."""

    def __init__(self) -> None:
        self._current: dict[str, Proposal] = {}
        self._undoable: dict[str, Proposal] = {}
        self._changes: dict[str, Change] = {}
        self._applied: dict[str, int] = {}
        """The order in which proposals were applied, by id."""
        self._count = itertools.count()

    def add(self, proposal: Proposal) -> None:
        """`proposal` becomes its document's current rewrite; the previous one is closed
        unless it is the document's applied rewrite, which stays for undo."""
        previous = self._current.get(proposal.uri)
        if previous is not None and previous is not self._undoable.get(proposal.uri):
            previous.close()
        self._current[proposal.uri] = proposal

    def add_change(self, change: Change) -> None:
        """Keep a change across files (the oldest ended or applied ones make room)."""
        self._changes[change.id] = change
        while len(self._changes) > KEEP_CHANGES:
            oldest = next((c for c in self._changes.values() if not c.pending), None)
            if oldest is None:
                break
            del self._changes[oldest.id]

    def of(self, uri: str) -> Proposal | None:
        """The document's current rewrite, pending or applied, if any."""
        return self._current.get(uri)

    def pending(self, uri: str) -> Proposal | None:
        """The document's rewrite that still waits for the model or the user."""
        proposal = self._current.get(uri)
        return proposal if proposal is not None and proposal.pending else None

    def pending_change(self, uri: str) -> Change | None:
        """The newest pending change across files that touches `uri`."""
        for change in reversed(list(self._changes.values())):
            if change.pending and uri in change.uris:
                return change
        return None

    def undoable(self, uri: str) -> Proposal | Change | None:
        """The Kimi change of the document applied last: its rewrite or a change across
        files that touched it."""
        candidates: list[Proposal | Change] = [
            c for c in self._changes.values() if c.state == "applied" and uri in c.uris
        ]
        rewrite = self._undoable.get(uri)
        if rewrite is not None and rewrite.state == "applied":
            candidates.append(rewrite)
        return max(candidates, key=lambda c: self._applied.get(c.id, -1), default=None)

    def find(self, proposal_id: str) -> Proposal | Change | None:
        """The rewrite or change with this id, if it is still known."""
        for rewrite in [*self._current.values(), *self._undoable.values()]:
            if rewrite.id == proposal_id:
                return rewrite
        return self._changes.get(proposal_id)

    def streaming(self) -> int:
        """How many rewrites and changes the model is writing now."""
        rewrites = sum(1 for p in self._current.values() if p.state == "streaming")
        return rewrites + sum(1 for c in self._changes.values() if c.state == "streaming")

    def __iter__(self) -> Iterator[Proposal]:
        return iter(list(self._current.values()))

    def note(self, proposal: Proposal | Change) -> None:
        """Follow a proposal's new state: remember when it was applied (an older applied
        rewrite of its document is then let go), drop it once it is over."""
        if proposal.state == "applied":
            if proposal.id not in self._applied:
                self._applied[proposal.id] = next(self._count)
            if isinstance(proposal, Proposal):
                older = self._undoable.get(proposal.uri)
                if older is not None and older is not proposal:
                    older.close()
                self._undoable[proposal.uri] = proposal
            return
        if proposal.state in PENDING:
            return
        if isinstance(proposal, Proposal):
            for kept in (self._current, self._undoable):
                if kept.get(proposal.uri) is proposal:
                    del kept[proposal.uri]
        else:
            self._changes.pop(proposal.id, None)
        self._applied.pop(proposal.id, None)
        proposal.close()

    def forget(self, uri: str) -> None:
        """Drop the document's rewrites and stop following the document."""
        for kept in (self._current, self._undoable):
            proposal = kept.pop(uri, None)
            if proposal is not None:
                self._applied.pop(proposal.id, None)
                proposal.close()
