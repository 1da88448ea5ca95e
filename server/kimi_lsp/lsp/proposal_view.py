"""What the client is told about proposals: the `kimi/proposal` notification after every
edit a proposal makes and every change of its state, and `workspace/codeLens/refresh`
when its code lens changes (for clients that declared `refreshSupport`).

`kimi/proposal`: `{uri, proposalId, kind, state, version, proposed, original, message?}`;
`proposed` and `original` are the two ranges (in the negotiated position encoding, at
`version`): the text Kimi proposes and the user's original text directly below it. For a
change across files (`kind: "edit"`): `{proposalId, kind, state, files: [{uri, kind}],
message?}`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from kimi_lsp.edits.proposal import Proposal
from kimi_lsp.text import Encoding, encoding_name

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer
    from kimi_lsp.lsp.workspace_proposal import WorkspaceProposal

log = logging.getLogger(__name__)

NOTIFICATION = "kimi/proposal"


def ranges(ls: KimiLanguageServer, proposal: Proposal) -> dict[str, Any] | None:
    """The proposal's two ranges and the version they hold at; None when its document is
    no longer open."""
    document = ls.workspace.text_documents.get(proposal.uri)
    if document is None:
        return None
    index = ls.kimi_protocol.index_of(proposal.uri)
    encoding = cast(Encoding, encoding_name(ls.workspace.position_encoding))
    block = proposal.writer.block
    size = len(index.text)
    if not 0 <= block.a <= block.b <= block.c <= size:
        return None

    def position(offset: int) -> dict[str, int]:
        line, character = index.position(offset, encoding)
        return {"line": line, "character": character}

    return {
        "version": document.version,
        "proposed": {"start": position(block.a), "end": position(block.b)},
        "original": {"start": position(block.b), "end": position(block.c)},
    }


class ProposalView:
    """Tells one client about the proposals of its session."""

    def __init__(self, ls: KimiLanguageServer) -> None:
        self._ls = ls
        self._states: dict[str, str] = {}

    def update(self, proposal: Proposal) -> None:
        """Send the proposal's state and ranges; refresh code lenses when the state moved."""
        where = ranges(self._ls, proposal)
        message: dict[str, Any] = {
            "uri": proposal.uri,
            "proposalId": proposal.id,
            "kind": proposal.kind,
            "state": proposal.state,
        }
        if where is not None:
            message.update(where)
        if proposal.message:
            message["message"] = proposal.message
        self._ls.protocol.notify(NOTIFICATION, message)
        if self._states.get(proposal.id) != proposal.state:
            self._states[proposal.id] = proposal.state
            self.refresh_lenses()
        if not proposal.pending and proposal.state != "applied":
            self._states.pop(proposal.id, None)

    def update_change(self, change: WorkspaceProposal) -> None:
        """Send a change's state and the files it touches."""
        message: dict[str, Any] = {
            "proposalId": change.id,
            "kind": change.kind,
            "state": change.state,
            "files": [{"uri": f["uri"], "kind": f["kind"]} for f in change.files()],
        }
        if change.message:
            message["message"] = change.message
        self._ls.protocol.notify(NOTIFICATION, message)
        if self._states.get(change.id) != change.state:
            self._states[change.id] = change.state
            self.refresh_lenses()

    def refresh_lenses(self) -> None:
        """Ask the client to ask for code lenses again, if it said it can."""
        caps = self._ls.client_capabilities.workspace
        lens = caps.code_lens if caps else None
        if not (lens and lens.refresh_support):
            return
        try:
            answer = self._ls.workspace_code_lens_refresh(None)
        except Exception as error:  # the client's answer does not matter
            log.info("code lens refresh failed: %s", error)
            return
        answer.add_done_callback(_ignore)


def _ignore(answer: Any) -> None:
    """Read the answer's error, if any, so that it is not reported as never retrieved."""
    if not answer.cancelled():
        answer.exception()
