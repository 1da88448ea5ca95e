"""The proposals of a session: one per document, pending or applied (kept for undo until
the next rewrite there or until the document closes). Proposals that ended (rejected,
failed, cancelled, undone) are dropped."""

from __future__ import annotations

from collections.abc import Iterator

from kimi_lsp.edits.proposal import PENDING, Proposal


class Proposals:
    """Proposals by document; one part of the session that keeps something per document."""

    def __init__(self) -> None:
        self._by_uri: dict[str, Proposal] = {}

    def add(self, proposal: Proposal) -> None:
        """`proposal` becomes its document's current one (the previous one is closed)."""
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

    def streaming(self) -> int:
        """How many proposals the model is writing now."""
        return sum(1 for p in self._by_uri.values() if p.state == "streaming")

    def __iter__(self) -> Iterator[Proposal]:
        return iter(list(self._by_uri.values()))

    def ended(self, proposal: Proposal) -> None:
        """Drop `proposal` if it is over (neither pending nor applied)."""
        if proposal.state not in PENDING and proposal.state != "applied":
            if self._by_uri.get(proposal.uri) is proposal:
                del self._by_uri[proposal.uri]
            proposal.close()

    def forget(self, uri: str) -> None:
        """Drop the document's proposal and stop following the document."""
        proposal = self._by_uri.pop(uri, None)
        if proposal is not None:
            proposal.close()
