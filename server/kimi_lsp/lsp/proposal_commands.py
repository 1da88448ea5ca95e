"""What kimi.accept, kimi.reject and kimi.undo share: finding the proposal their argument
names (`{proposalId}`, or `{uri}`: the document's rewrite, or a change across files that
touches it), taking turns on it, and refusals the editor can show."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from kimi_lsp.edits.proposal import Proposal, ProposalRefused
from kimi_lsp.edits.writer import BlockTouched, DocumentGone, EditorNotResponding
from kimi_lsp.lsp.arguments import one_object, optional_str
from kimi_lsp.lsp.errors import REQUEST_FAILED
from kimi_lsp.lsp.workspace_proposal import WorkspaceProposal
from kimi_lsp.wording import prefixed

if TYPE_CHECKING:
    from kimi_lsp.session import Session

T = TypeVar("T")
Reviewable = Proposal | WorkspaceProposal


def refuse(message: str) -> JsonRpcException:
    """A RequestFailed answer the editor shows as it is."""
    return JsonRpcException(code=REQUEST_FAILED, message=prefixed(message))


def target(
    session: Session,
    args: tuple[Any, ...],
    command: str,
    want: Literal["pending", "applied"],
    missing: str = "there is no Kimi change in this document.",
) -> Reviewable:
    """The proposal `{proposalId}` names, or the one of `{uri}` that is `want`: pending (a
    rewrite of the document first, then a change across files touching it), or applied
    (the one applied last); refused with `missing` when there is none."""
    obj = one_object(args, command, "{uri} or {proposalId}")
    proposal_id = optional_str(obj, "proposalId", command)
    uri = optional_str(obj, "uri", command)
    if uri is None and isinstance(obj.get("textDocument"), dict):
        uri = optional_str(obj["textDocument"], "uri", command)
    if proposal_id:
        found = session.proposals.find(proposal_id)
        if not isinstance(found, Proposal | WorkspaceProposal):
            raise refuse(
                "that Kimi change is no longer known (it was accepted, rejected or replaced, "
                "or its document was closed)."
            )
        return found
    if not uri:
        raise JsonRpcInvalidParams(f"{command} takes {{uri}} or {{proposalId}}.")
    proposals = session.proposals
    if want == "pending":
        candidates = [proposals.pending(uri), proposals.pending_change(uri), proposals.of(uri)]
    else:
        candidates = [proposals.undoable(uri), proposals.of(uri)]
    for candidate in candidates:
        if isinstance(candidate, Proposal | WorkspaceProposal):
            return candidate
    raise refuse(missing)


async def act(session: Session, proposal: Reviewable, action: Callable[[], Awaitable[T]]) -> T:
    """Run `action` on `proposal`, one command at a time; a refusal says why nothing was
    done."""
    async with proposal.lock:
        try:
            return await action()
        except ProposalRefused as error:
            raise refuse(str(error)) from None
        except BlockTouched as error:
            if isinstance(proposal, Proposal) and proposal.writer.touches.across:
                session.proposals.forget(proposal.uri)
                raise refuse(
                    "you edited across the proposed text and the original, so they cannot "
                    "be told apart any more; nothing was changed. Use the editor's undo, or "
                    "edit the text by hand."
                ) from None
            raise refuse(
                f"{error}, so nothing was changed; use the editor's undo instead."
            ) from None
        except (EditorNotResponding, DocumentGone) as error:
            raise refuse(f"the change could not be written: {error}.") from None
