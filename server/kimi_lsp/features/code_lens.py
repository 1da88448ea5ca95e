"""textDocument/codeLens: "Accept | Reject" over a Kimi proposal, so every client that
shows code lenses can review a change without a plugin.

While the model writes: `Kimi is writing… Reject`; once whole: `Accept (Kimi)` and
`Reject`; when it stopped: `Kimi stopped: Reject`. The lens sits on the first line of
the proposed text. The server asks for a refresh when a proposal changes state
(`lsp/proposal_view.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from kimi_lsp.features.commands.accept import COMMAND as ACCEPT
from kimi_lsp.features.commands.reject import COMMAND as REJECT
from kimi_lsp.lsp.proposal_view import ranges

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer


def register(server: KimiLanguageServer) -> None:
    """Register the code lens provider."""

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def code_lens(ls: KimiLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        return lenses_for(ls, params.text_document.uri)


def lenses_for(ls: KimiLanguageServer, uri: str) -> list[types.CodeLens]:
    """The lenses of the document's pending proposal, if it has one."""
    proposal = ls.session.proposals.pending(uri)
    if proposal is None:
        return []
    where = ranges(ls, proposal)
    if where is None:
        return []
    start = where["proposed"]["start"]
    at = types.Range(
        start=types.Position(line=start["line"], character=0),
        end=types.Position(line=start["line"], character=0),
    )
    argument = {"uri": uri, "proposalId": proposal.id}
    if proposal.state == "streaming":
        titles = [("Kimi is writing… Reject", REJECT)]
    elif proposal.state == "proposed":
        titles = [("Accept (Kimi)", ACCEPT), ("Reject", REJECT)]
    else:
        titles = [("Kimi stopped: Reject", REJECT)]
    return [
        types.CodeLens(
            range=at, command=types.Command(title=title, command=command, arguments=[argument])
        )
        for title, command in titles
    ]
