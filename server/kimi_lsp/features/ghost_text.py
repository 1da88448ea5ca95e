"""What the two completion surfaces share: the query for a position, one request per
document at a time (a newer one supersedes the older, which answers "nothing"), and
model failures told once (until the model answers again) instead of on every keystroke."""

from __future__ import annotations

import asyncio
import logging
import os

from lsprotocol import types
from pygls.uris import to_fs_path

from kimi_lsp.completion.engine import Answer, CompletionQuery
from kimi_lsp.lsp.documents import snapshot
from kimi_lsp.model.errors import BudgetExceeded, ModelError
from kimi_lsp.server import KimiLanguageServer
from kimi_lsp.text import LineIndex, PositionError

log = logging.getLogger(__name__)


def enabled_for(ls: KimiLanguageServer, language: str) -> bool:
    """Whether automatic suggestions are on for this language."""
    settings = ls.runtime.settings.completion
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
    for other in list(ls.workspace.text_documents)[-9:]:
        if other != uri:
            path = to_fs_path(other) or other
            out.append((os.path.basename(path), ls.kimi_protocol.index_of(other)))
    return out[-8:]


async def answer(ls: KimiLanguageServer, query: CompletionQuery) -> Answer:
    """Run the engine for `query`, superseding the document's previous request."""
    previous = ls.ghost_requests.get(query.uri)
    if previous is not None and not previous.done():
        previous.cancel()
    work = asyncio.ensure_future(
        ls.completions.complete(
            query,
            settings=ls.runtime.settings.completion,
            service=ls.runtime.service,
            endpoint=ls.runtime.completion_endpoint,
            neighbours=lambda: neighbours(ls, query.uri),
        )
    )
    ls.ghost_requests[query.uri] = work
    try:
        result = await work
        if result.source in ("model", "none"):
            ls.ghost_told.clear()  # the model answers again: a new failure is told again
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
        if ls.ghost_requests.get(query.uri) is work:
            del ls.ghost_requests[query.uri]
        if not work.done():
            work.cancel()


def _tell(ls: KimiLanguageServer, error: ModelError, automatic: bool) -> None:
    """Explicit requests always explain a failure; automatic ones once per kind."""
    if automatic and error.kind in ls.ghost_told:
        log.debug("completion failed again: %s", error.message)
        return
    ls.ghost_told.add(error.kind)
    prefix = "Kimi ghost text paused" if isinstance(error, BudgetExceeded) else "Kimi ghost text"
    ls.show(f"{prefix}: {error.message}", types.MessageType.Warning)
