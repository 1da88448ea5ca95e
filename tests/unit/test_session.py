"""The session: one place for the connection's state, one hook to forget a document."""

from __future__ import annotations

import asyncio
import typing
from typing import Any, cast

from lsprotocol import types
from pygls.workspace import TextDocument

from kimi_lsp.edits.block import Block
from kimi_lsp.edits.proposal import Proposal
from kimi_lsp.edits.writer import BlockWriter
from kimi_lsp.ghost_text.engine import Answer
from kimi_lsp.server import create_server
from kimi_lsp.session import Session

URI = "file:///tmp/a.py"
OTHER = "file:///tmp/b.py"


def open_in(session: Session, uri: str, text: str) -> TextDocument:
    document = TextDocument(uri, text, version=1)
    session.documents.index_of(document)
    return document


async def never_answered() -> Answer:
    await asyncio.Event().wait()
    return Answer([], "none")


async def test_forget_tells_every_part_that_keeps_a_document() -> None:
    session = Session()
    document = open_in(session, URI, "x = 1\n")
    open_in(session, OTHER, "y = 2\n")
    unwatched: list[str] = []
    writer = BlockWriter(cast(Any, None), Block(0, 0, 1))
    session.proposals.add(
        Proposal(writer, uri=URI, kind="refactor", on_close=lambda: unwatched.append(URI))
    )
    session.ghost_text.engine.typing.remember(URI, "x = ", 4, ["1"])
    running = asyncio.ensure_future(never_answered())
    session.ghost_text.running[URI] = running
    index = session.documents.index_of(document)

    session.forget(URI)
    await asyncio.sleep(0)

    assert session.proposals.of(URI) is None
    assert unwatched == [URI]
    assert session.ghost_text.engine.typing.remainder(URI, "x = ", 4) is None
    assert running.cancelled()
    assert URI not in session.ghost_text.running
    assert session.documents.index_of(document) is not index  # built again when asked
    assert {type(part).__name__ for part in session.per_document} == {
        "OpenDocuments",
        "Proposals",
        "GhostText",
    }


def test_a_change_reaches_the_watchers_of_its_document_only() -> None:
    session = Session()
    document = open_in(session, URI, "a\nb\n")
    seen: list[tuple[str, str]] = []
    unwatch = session.documents.watch(
        URI, lambda before, changes, after: seen.append((before, after))
    )
    session.documents.watch(OTHER, lambda *_: seen.append(("other", "")))
    change = types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=1, character=0), end=types.Position(line=1, character=1)
        ),
        text="c",
    )
    session.documents.apply(document, [change], 2, "utf-16")
    unwatch()
    session.documents.apply(
        document, [types.TextDocumentContentChangeWholeDocument(text="z")], 3, "utf-16"
    )
    assert seen == [("a\nb\n", "a\nc\n")]
    assert (document.source, document.version) == ("z", 3)


def test_every_handler_can_be_read_by_pygls() -> None:
    """pygls reads a command handler's annotations when the command runs: a name imported
    only for the type checker would fail every call with InvalidParams."""
    server = create_server()
    for handler in server.protocol.fm.commands.values():
        typing.get_type_hints(getattr(handler, "func", handler))
