"""The selection's context for a command, with a too-large selection refused clearly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kimi_lsp.lsp.documents import DocumentSnapshot
from kimi_lsp.lsp.errors import request_failed
from kimi_lsp.model.errors import ModelError
from kimi_lsp.tasks.context import SelectionContext, gather

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer


def selection_context(
    ls: KimiLanguageServer, doc: DocumentSnapshot, start: int, end: int
) -> SelectionContext:
    """The selection [start, end) of `doc` with its surrounding lines."""
    settings = ls.session.runtime.settings.explain
    try:
        return gather(
            doc.index,
            start,
            end,
            path=doc.path,
            language=doc.language,
            context_lines=settings.context_lines,
            max_selection_chars=settings.max_selection_chars,
            max_context_chars=settings.max_context_chars,
        )
    except ModelError as error:
        raise request_failed(error) from None
