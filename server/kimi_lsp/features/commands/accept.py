"""kimi.accept {proposalId} | {uri}: a proposal lands.

- A rewrite: the proposed text replaces the original in one edit; it is taken as it
  stands, so the user may edit it before accepting. Refused while the model is still
  writing, and for a proposal that is not whole.
- A change across files (kimi.edit): every file (or the files named in `uris`) in one
  `workspace/applyEdit`; a file changed since is re-matched or refused by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

from kimi_lsp.edits.proposal import Proposal
from kimi_lsp.lsp.proposal_commands import act, refuse, target

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.accept"


async def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Accept the proposal."""
    proposal = target(session, args, COMMAND, "pending")
    if proposal.state == "applied":
        raise refuse("this Kimi change was already accepted; kimi.undo puts the original back.")
    sent = proposal.edits_sent
    if isinstance(proposal, Proposal):
        await act(session, proposal, proposal.accept)
        return {"status": "applied", "proposalId": proposal.id, "edits": proposal.edits_sent - sent}
    uris = _uris(args[0].get("uris"))
    files = await act(session, proposal, lambda: proposal.accept(uris))
    return {
        "status": "applied",
        "proposalId": proposal.id,
        "edits": proposal.edits_sent - sent,
        "files": files,
    }


def _uris(value: object) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise JsonRpcInvalidParams(f"{COMMAND}: `uris` must be a list of document URIs.")
    return list(value)
