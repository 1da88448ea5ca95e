"""The proposals of a session: at most one pending per document, and the last applied one
of each document, kept for undo until the next rewrite there or the document closes."""

from __future__ import annotations

from collections.abc import Iterator

from kimi_lsp.edits.proposal import Proposal


class Proposals:
    """Proposals by id and by document."""

    def __init__(self) -> None:
        self._by_uri: dict[str, Proposal] = {}

    def add(self, proposal: Proposal) -> None:
        """`proposal` becomes its document's current one (the previous one is forgotten)."""
        self.forget(proposal.uri)
        self._by_uri[proposal.uri] = proposal

    def of(self, uri: str) -> Proposal | None:
        """The document's current proposal, pending or applied, if any."""
        return self._by_uri.get(uri)

    def pending(self, uri: str) -> Proposal | None:
        """The document's proposal that still waits for the model or the user."""
        proposal = self._by_uri.get(uri)
        return proposal if proposal is not None and proposal.pending else None

    def find(self, proposal_id: str) -> Proposal | None:
        """The proposal with this id, if it is still known."""
        return next((p for p in self._by_uri.values() if p.id == proposal_id), None)

    def __iter__(self) -> Iterator[Proposal]:
        return iter(list(self._by_uri.values()))

    def forget(self, uri: str) -> None:
        """Drop the document's proposal (the document closed, or a new one starts)."""
        self._by_uri.pop(uri, None)
