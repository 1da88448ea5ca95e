"""kimi.reject {proposalId} | {uri}: the proposal goes; the document (or the workspace)
stays exactly as it is.

While the model is still writing, rejecting stops it; the command that was writing then
answers `cancelled`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kimi_lsp.lsp.proposal_commands import act, refuse, target

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.reject"


async def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Reject the proposal."""
    proposal = target(session, args, COMMAND, "pending")
    if proposal.state == "applied":
        raise refuse("this Kimi change was already accepted; kimi.undo puts the original back.")
    sent = proposal.edits_sent
    if proposal.state == "streaming" and proposal.task is not None:
        proposal.task.cancel()  # the command removes what it inserted, and answers
        await proposal.streamed()
        now: str = proposal.state
        if now == "applied":  # it landed before the stop reached it
            raise refuse(
                "this Kimi change had already been applied; kimi.undo puts the original back."
            )
    if proposal.pending:
        await act(session, proposal, proposal.reject)
    return {"status": "rejected", "proposalId": proposal.id, "edits": proposal.edits_sent - sent}
