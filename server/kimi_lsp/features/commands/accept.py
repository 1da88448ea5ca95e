"""kimi.accept {uri} | {proposalId}: the proposal replaces the original, in one edit.

The proposed text is taken as it stands, so the user may edit it before accepting.
Refused while the model is still writing, and for a proposal that is not whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kimi_lsp.lsp.proposal_commands import act, refuse, target

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.accept"


async def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Accept the proposal."""
    proposal = target(session, args, COMMAND)
    if proposal.state == "applied":
        raise refuse("this Kimi change was already accepted; kimi.undo puts the original back.")
    edits = await act(session, proposal, proposal.accept)
    return {"status": "applied", "proposalId": proposal.id, "edits": edits}
