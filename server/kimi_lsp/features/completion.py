"""textDocument/completion: the ghost-text fallback for clients without inline completion
(Neovim 0.11, Emacs). By default one AI item on explicit invocation only
(`kimi.completion.fallback`). The item is a snippet (escaped) only for clients that
declare `snippetSupport` (Neovim's completion expands it whole on CompleteDone, where it
would cut a plain text edit at its first space); every other client gets plain text, which
it inserts exactly (eglot without yasnippet, YouCompleteMe). The label is the first line
as it is, so a client that inserts the label inserts real code. Later lines carry their
own indentation (`insertTextMode: asIs`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lsprotocol import types

from kimi_lsp.ghost_text.requests import answer, enabled_for, query_at

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

_WORD_BEFORE = re.compile(r"[A-Za-z0-9_]*$")


def register(server: KimiLanguageServer) -> None:
    """Register the completion provider."""

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(resolve_provider=False))
    async def completion(
        ls: KimiLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        return await provide(ls, params)


def has_inline_completion(ls: KimiLanguageServer) -> bool:
    """Whether the client shows ghost text itself."""
    text = ls.client_capabilities.text_document
    return bool(text and text.inline_completion is not None)


async def provide(
    ls: KimiLanguageServer, params: types.CompletionParams
) -> types.CompletionList | None:
    """One AI item, or None."""
    mode = ls.session.runtime.settings.completion.fallback
    invoked = params.context is None or (
        params.context.trigger_kind == types.CompletionTriggerKind.Invoked
    )
    if mode == "off" or (mode == "invoked" and (not invoked or has_inline_completion(ls))):
        return None
    uri = params.text_document.uri
    document = ls.workspace.text_documents.get(uri)
    if document is None or (not invoked and not enabled_for(ls, document.language_id or "")):
        return None
    query = query_at(ls, uri, params.position, automatic=not invoked)
    if query is None:
        return None
    found = await answer(ls, query)
    if not found.texts:
        return types.CompletionList(is_incomplete=True, items=[])
    text = found.texts[0]
    line_start = query.index.starts[query.index.position(query.offset, "utf-32")[0]]
    word = _WORD_BEFORE.search(query.index.text[line_start : query.offset])
    typed = word.group(0) if word else ""
    start = types.Position(
        line=params.position.line,
        character=params.position.character - _units(typed, ls),
    )
    full = typed + text
    first_line, *more = full.split("\n")
    snippets = _snippets(ls)
    item = types.CompletionItem(
        label=first_line,
        kind=types.CompletionItemKind.Snippet if more else types.CompletionItemKind.Text,
        insert_text_mode=types.InsertTextMode.AsIs,  # later lines carry their indentation
        detail="Kimi",
        documentation=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=f"```{query.language}\n{full}\n```"
        ),
        sort_text="0",
        filter_text=first_line,
        insert_text_format=(
            types.InsertTextFormat.Snippet if snippets else types.InsertTextFormat.PlainText
        ),
        text_edit=types.TextEdit(
            range=types.Range(start=start, end=params.position),
            new_text=_escape_snippet(full) if snippets else full,
        ),
    )
    return types.CompletionList(is_incomplete=True, items=[item])


def _snippets(ls: KimiLanguageServer) -> bool:
    """Whether the client declared `completionItem.snippetSupport`."""
    text = ls.client_capabilities.text_document
    completion = text.completion if text else None
    item = completion.completion_item if completion else None
    return bool(item and item.snippet_support)


def _escape_snippet(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _units(word: str, ls: KimiLanguageServer) -> int:
    encoding = str(getattr(ls.workspace.position_encoding, "value", "utf-16"))
    if encoding == "utf-8":
        return len(word.encode("utf-8"))
    return len(word)  # identifier characters here are ASCII
