"""kimi.reject {uri} | {proposalId}: the proposed text goes, the original stays as it is.

While the model is still writing, rejecting stops it; the rewrite command then answers
`cancelled`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kimi_lsp.lsp.proposal_commands import act, refuse, target

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.reject"


async def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Reject the proposal."""
    proposal = target(session, args, COMMAND)
    if proposal.state == "applied":
        raise refuse("this Kimi change was already accepted; kimi.undo puts the original back.")
    edits = 0
    if proposal.state == "streaming" and proposal.task is not None:
        before = proposal.writer.edits_sent
        proposal.task.cancel()  # the rewrite removes what it inserted, and answers
        await proposal.streamed()
        edits = proposal.writer.edits_sent - before
    if proposal.pending:
        edits += await act(session, proposal, proposal.reject)
    return {"status": "rejected", "proposalId": proposal.id, "edits": edits}
