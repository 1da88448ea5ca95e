"""kimi.undo {uri} | {proposalId}: after a Kimi change was accepted, put back the text it
replaced, in one edit; refused once the new text was changed by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kimi_lsp.lsp.proposal_commands import act, refuse, target

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.undo"


async def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Undo the document's accepted Kimi change."""
    proposal = target(session, args, COMMAND, "there is no Kimi change to undo in this document.")
    if proposal.pending:
        raise refuse("Kimi's change has not been accepted yet; reject it instead.")
    if proposal.writer.touches.proposal or proposal.writer.touches.across:
        raise refuse(
            "the text Kimi wrote has been changed since, so undo was refused "
            "(use the editor's undo instead)."
        )
    await act(session, proposal, proposal.undo)
    return {"status": "applied", "edits": 1}
