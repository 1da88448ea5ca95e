"""The proposals of a session.

- A rewrite (`Proposal`): one per document, pending or applied (kept for undo until the
  next rewrite there or until the document closes).
- A change across files (`kimi.edit`): any number, by id; pending or applied ones are kept
  (the newest `KEEP_CHANGES`), so accept, reject and undo can find them by id or by a
  document they touch.

Proposals that ended (rejected, failed, cancelled, undone) are dropped.
"""

from __future__ import annotations

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
        self._by_uri: dict[str, Proposal] = {}
        self._changes: dict[str, Change] = {}

    def add(self, proposal: Proposal) -> None:
        """`proposal` becomes its document's current one (the previous one is closed)."""
        self.forget(proposal.uri)
        self._by_uri[proposal.uri] = proposal

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
        return self._by_uri.get(uri)

    def change_touching(self, uri: str) -> Change | None:
        """The newest change across files that touches `uri` and is pending or applied."""
        for change in reversed(list(self._changes.values())):
            if uri in change.uris and (change.pending or change.state == "applied"):
                return change
        return None

    def pending(self, uri: str) -> Proposal | None:
        """The document's rewrite that still waits for the model or the user."""
        proposal = self._by_uri.get(uri)
        return proposal if proposal is not None and proposal.pending else None

    def find(self, proposal_id: str) -> Proposal | Change | None:
        """The rewrite or change with this id, if it is still known."""
        found = next((p for p in self._by_uri.values() if p.id == proposal_id), None)
        return found if found is not None else self._changes.get(proposal_id)

    def streaming(self) -> int:
        """How many rewrites and changes the model is writing now."""
        rewrites = sum(1 for p in self._by_uri.values() if p.state == "streaming")
        return rewrites + sum(1 for c in self._changes.values() if c.state == "streaming")

    def __iter__(self) -> Iterator[Proposal]:
        return iter(list(self._by_uri.values()))

    def ended(self, proposal: Proposal | Change) -> None:
        """Drop `proposal` if it is over (neither pending nor applied)."""
        if proposal.state in PENDING or proposal.state == "applied":
            return
        if isinstance(proposal, Proposal):
            if self._by_uri.get(proposal.uri) is proposal:
                del self._by_uri[proposal.uri]
        else:
            self._changes.pop(proposal.id, None)
        proposal.close()

    def forget(self, uri: str) -> None:
        """Drop the document's rewrite and stop following the document."""
        proposal = self._by_uri.pop(uri, None)
        if proposal is not None:
            proposal.close()

    def close_all(self) -> None:
        """Stop every change the model still works on (shutdown)."""
        for change in list(self._changes.values()):
            change.close()
