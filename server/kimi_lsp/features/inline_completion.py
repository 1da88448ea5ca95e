"""textDocument/inlineCompletion: ghost text (LSP 3.18). Registered with
`InlineCompletionOptions`, without which pygls advertises nothing.

Automatic requests get one item, explicit ones up to three alternatives. With
`selectedCompletionInfo`, items extend the selected completion and use its range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from kimi_lsp.ghost_text.requests import answer, enabled_for, query_at

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer


def register(server: KimiLanguageServer) -> None:
    """Register the inline completion provider."""

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(
        ls: KimiLanguageServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList | None:
        return await provide(ls, params)


async def provide(
    ls: KimiLanguageServer, params: types.InlineCompletionParams
) -> types.InlineCompletionList | None:
    """The items for one request (None when there is nothing to show)."""
    automatic = params.context.trigger_kind != types.InlineCompletionTriggerKind.Invoked
    uri = params.text_document.uri
    document = ls.workspace.text_documents.get(uri)
    if document is None:
        return None
    if automatic and not enabled_for(ls, document.language_id or ""):
        return None
    selected = params.context.selected_completion_info
    inserted = (selected.range, selected.text) if selected else None
    query = query_at(
        ls,
        uri,
        params.position,
        automatic=automatic,
        alternatives=1 if automatic else 3,
        inserted=inserted,
    )
    if query is None:
        return None
    found = await answer(ls, query)
    if not found.texts:
        return None
    if selected is not None:
        items = [
            types.InlineCompletionItem(insert_text=selected.text + text, range=selected.range)
            for text in found.texts
        ]
    else:
        here = types.Range(start=params.position, end=params.position)
        items = [types.InlineCompletionItem(insert_text=text, range=here) for text in found.texts]
    return types.InlineCompletionList(items=items)
