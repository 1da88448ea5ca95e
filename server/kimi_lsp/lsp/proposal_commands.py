"""What kimi.accept, kimi.reject and kimi.undo share: finding the proposal their argument
names (`{uri}` or `{proposalId}`), taking turns on it, and refusals the editor can show."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from kimi_lsp.edits.proposal import Proposal, ProposalRefused
from kimi_lsp.edits.writer import BlockTouched, EditorNotResponding
from kimi_lsp.lsp.arguments import one_object, optional_str
from kimi_lsp.lsp.edit_port import DocumentClosed
from kimi_lsp.lsp.errors import REQUEST_FAILED

if TYPE_CHECKING:
    from kimi_lsp.session import Session


def refuse(message: str) -> JsonRpcException:
    """A RequestFailed answer the editor shows as it is."""
    return JsonRpcException(code=REQUEST_FAILED, message=f"Kimi: {message}")


def target(
    session: Session,
    args: tuple[Any, ...],
    command: str,
    missing: str = "there is no Kimi change in this document.",
) -> Proposal:
    """The proposal `{proposalId}` or `{uri}` names; refused with `missing` when the
    document has none."""
    obj = one_object(args, command, "{uri} or {proposalId}")
    proposal_id = optional_str(obj, "proposalId", command)
    uri = optional_str(obj, "uri", command)
    if uri is None and isinstance(obj.get("textDocument"), dict):
        uri = optional_str(obj["textDocument"], "uri", command)
    if proposal_id:
        proposal = session.proposals.find(proposal_id)
        if proposal is None:
            raise refuse(
                "that Kimi change is no longer known (it was accepted, rejected or replaced, "
                "or its document was closed)."
            )
        return proposal
    if not uri:
        raise JsonRpcInvalidParams(f"{command} takes {{uri}} or {{proposalId}}.")
    proposal = session.proposals.of(uri)
    if proposal is None:
        raise refuse(missing)
    return proposal


async def act(session: Session, proposal: Proposal, action: Callable[[], Awaitable[None]]) -> int:
    """Run `action` on `proposal`, one command at a time; the edits it sent, or a refusal
    that says why nothing was done."""
    async with proposal.lock:
        sent = proposal.writer.edits_sent
        try:
            await action()
        except ProposalRefused as error:
            raise refuse(str(error)) from None
        except BlockTouched as error:
            if proposal.writer.touches.across:
                session.proposals.forget(proposal.uri)
                raise refuse(
                    "you edited across the proposed text and the original, so they cannot "
                    "be told apart any more; nothing was changed. Use the editor's undo, or "
                    "edit the text by hand."
                ) from None
            raise refuse(
                f"{error}, so nothing was changed; use the editor's undo instead."
            ) from None
        except (EditorNotResponding, DocumentClosed) as error:
            raise refuse(f"the change could not be written: {error}.") from None
        return proposal.writer.edits_sent - sent
