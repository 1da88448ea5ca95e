"""kimi.undo {uri} | {proposalId}: after a Kimi change was accepted, put back what it
replaced in one edit (every file of a change across files, deleting the files it
created); refused, by name, once what Kimi wrote was changed by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kimi_lsp.edits.proposal import Proposal
from kimi_lsp.lsp.proposal_commands import act, refuse, target

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.undo"


async def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Undo the accepted Kimi change."""
    proposal = target(
        session, args, COMMAND, "applied", "there is no Kimi change to undo in this document."
    )
    if proposal.pending:
        raise refuse("Kimi's change has not been accepted yet; reject it instead.")
    if isinstance(proposal, Proposal) and (
        proposal.writer.touches.proposal or proposal.writer.touches.across
    ):
        raise refuse(
            "the text Kimi wrote has been changed since, so undo was refused "
            "(use the editor's undo instead)."
        )
    await act(session, proposal, proposal.undo)
    return {"status": "applied", "edits": 1}
