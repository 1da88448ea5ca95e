"""What the two ghost-text surfaces share (`features/inline_completion.py` and the
`features/completion.py` fallback): the query for a position, one request per document at
a time (a newer one supersedes the older, which answers "nothing"), and model failures
told once (until the model answers again) instead of on every keystroke.

The one module of the package that speaks LSP; the state it uses is the session's
`GhostText` (`state.py`)."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from kimi_lsp.ghost_text.engine import Answer, CompletionQuery
from kimi_lsp.lsp.documents import snapshot
from kimi_lsp.model.errors import BudgetExceeded, ModelError
from kimi_lsp.text import LineIndex, PositionError

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

log = logging.getLogger(__name__)


def enabled_for(ls: KimiLanguageServer, language: str) -> bool:
    """Whether automatic suggestions are on for this language."""
    settings = ls.session.runtime.settings.completion
    return settings.languages.get(language, settings.enabled)


def query_at(
    ls: KimiLanguageServer,
    uri: str,
    position: types.Position,
    *,
    automatic: bool,
    alternatives: int = 1,
    inserted: tuple[types.Range, str] | None = None,
) -> CompletionQuery | None:
    """The query for a cursor; `inserted` pretends a completion item was accepted first."""
    if uri not in ls.workspace.text_documents:
        return None
    doc = snapshot(ls, uri)
    index = doc.index
    try:
        offset = index.offset(position.line, position.character, doc.encoding)
        if inserted is not None:
            rng, text = inserted
            start = index.offset(rng.start.line, rng.start.character, doc.encoding)
            end = index.offset(rng.end.line, rng.end.character, doc.encoding)
            index = index.edited(start, max(start, end), text)
            offset = start + len(text)
    except PositionError:
        return None
    return CompletionQuery(uri, doc.path, doc.language, index, offset, automatic, alternatives)


def neighbours(ls: KimiLanguageServer, uri: str) -> list[tuple[str, LineIndex]]:
    """Other open documents (at most eight), for related snippets."""
    out: list[tuple[str, LineIndex]] = []
    documents = ls.workspace.text_documents
    for other in list(documents)[-9:]:
        if other != uri:
            path = to_fs_path(other) or other
            out.append((os.path.basename(path), ls.session.documents.index_of(documents[other])))
    return out[-8:]


async def answer(ls: KimiLanguageServer, query: CompletionQuery) -> Answer:
    """Run the engine for `query`, superseding the document's previous request."""
    state = ls.session.ghost_text
    runtime = ls.session.runtime
    previous = state.running.get(query.uri)
    if previous is not None and not previous.done():
        previous.cancel()
    work = asyncio.ensure_future(
        state.engine.complete(
            query,
            settings=runtime.settings.completion,
            service=runtime.service,
            endpoint=runtime.completion_endpoint,
            neighbours=lambda: neighbours(ls, query.uri),
        )
    )
    state.running[query.uri] = work
    try:
        result = await work
        if result.source in ("model", "none"):
            state.told.clear()  # the model answers again: a new failure is told again
        return result
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise  # the client cancelled this request
        return Answer([], "superseded")
    except ModelError as error:
        _tell(ls, error, query.automatic)
        return Answer([], "error")
    finally:
        if state.running.get(query.uri) is work:
            del state.running[query.uri]
        if not work.done():
            work.cancel()


def _tell(ls: KimiLanguageServer, error: ModelError, automatic: bool) -> None:
    """Explicit requests always explain a failure; automatic ones once per kind."""
    told = ls.session.ghost_text.told
    if automatic and error.kind in told:
        log.debug("completion failed again: %s", error.message)
        return
    told.add(error.kind)
    what = "is paused" if isinstance(error, BudgetExceeded) else "failed"
    ls.show(f"ghost text {what}: {error.message}", types.MessageType.Warning)
