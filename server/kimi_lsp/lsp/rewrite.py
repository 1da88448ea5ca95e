"""The rewrite pipeline behind kimi.refactor and kimi.fix: the model's code streams into
the selection as versioned edits, lands exactly, or the selection is restored.

Outcomes (the command's result, never an error once writing may have started):
`applied`; `stopped` (the user edited inside the region: nothing more is touched);
`failed` (model or editor failure: the original text is put back in one edit);
`cancelled` (kimi.cancel or the progress cancel button: restored too).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from kimi_lsp.edits.history import UndoRecord
from kimi_lsp.edits.region import Region
from kimi_lsp.edits.reply import Fitting, progressive
from kimi_lsp.edits.session import EditSession
from kimi_lsp.edits.writer import EditorNotResponding, RegionTouched, RegionWriter
from kimi_lsp.lsp.documents import DocumentSnapshot
from kimi_lsp.lsp.edit_port import DocumentClosed, LspEditPort
from kimi_lsp.lsp.errors import REQUEST_FAILED
from kimi_lsp.lsp.model_command import run_model_command
from kimi_lsp.lsp.progress import WorkDone
from kimi_lsp.lsp.streaming import StreamNotifier
from kimi_lsp.lsp.toolbox import make_toolbox
from kimi_lsp.model.errors import ModelError
from kimi_lsp.tasks.context import SelectionContext
from kimi_lsp.tasks.rewrite import rewrite

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

log = logging.getLogger(__name__)

STOPPED = (
    "Kimi stopped: you edited the text it was rewriting. Your edits were kept; "
    "nothing more was changed."
)


async def run_rewrite(
    ls: KimiLanguageServer,
    *,
    kind: str,
    doc: DocumentSnapshot,
    start: int,
    end: int,
    context: SelectionContext,
    instruction: str,
    stream_id: str | None,
) -> dict[str, Any]:
    """Stream the rewrite of [start, end) of `doc` into the editor."""
    if doc.uri in ls.session.writing:
        raise JsonRpcException(
            code=REQUEST_FAILED,
            message="Kimi is already writing into this document; wait for it or cancel it.",
        )
    original = doc.text[start:end]
    fitting = Fitting.of(doc.text, start, end)
    eol = "\r\n" if doc.text.count("\r\n") * 2 > doc.text.count("\n") else "\n"

    def native(text: str) -> str:
        """The model writes `\n`; a CRLF document gets CRLF (editors convert otherwise,
        and the writer would take its own edit for someone else's)."""
        return text.replace("\r\n", "\n").replace("\n", eol) if eol != "\n" else text

    port = LspEditPort(ls, doc.uri)
    writer = RegionWriter(port, Region(start, end))
    unwatch = ls.session.documents.watch(doc.uri, writer.on_change)  # before any await
    session = EditSession(writer, original)
    stream = StreamNotifier(ls, kind, stream_id)
    ls.session.writing.add(doc.uri)
    kept = False

    async def body(stream: StreamNotifier, progress: WorkDone) -> dict[str, Any]:
        nonlocal kept
        try:
            code = await rewrite(
                ls.session.runtime.service,
                await ls.session.runtime.endpoint(),
                context,
                instruction,
                max_tokens=ls.session.runtime.max_tokens,
                toolbox=make_toolbox(ls, ls.session.runtime.settings.tools),
                on_code=lambda code: (
                    session.set_target(
                        progressive(original, native(fitting.fit(code, final=False)))
                    )
                    if port.versioned  # unversioned edits could land on text that moved
                    else None
                ),
                on_text=stream.send,
                on_status=progress.report,
            )
            final = native(fitting.fit(code, final=True))
            progress.report("applying")
            await session.finish(final)
        except RegionTouched:
            await _settle_quietly(session)
            ls.show(STOPPED, types.MessageType.Warning)
            return _result("stopped", stream, writer, STOPPED)
        except (ModelError, EditorNotResponding, DocumentClosed) as error:
            why = error.message if isinstance(error, ModelError) else str(error)
            message = await _restore(ls, session, kind, why)
            return _result("failed", stream, writer, message)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()  # this cancellation is the user's "stop": answer it
            message = await _restore(ls, session, kind, "cancelled")
            return _result("cancelled", stream, writer, message)
        except Exception as error:  # a client error answer, or a bug: never half-applied
            log.exception("%s failed", kind)
            message = await _restore(ls, session, kind, f"{type(error).__name__}: {error}")
            return _result("failed", stream, writer, message)
        finally:
            session.close()
        ls.session.undo.remember(doc.uri, UndoRecord(writer, original, final, unwatch))
        kept = True
        return _result("applied", stream, writer, None)

    try:
        return await run_model_command(
            ls, title=f"Kimi: {kind}", stream=stream, body=body, uri=doc.uri
        )
    finally:
        ls.session.writing.discard(doc.uri)
        if not kept:
            unwatch()


async def _restore(ls: KimiLanguageServer, session: EditSession, kind: str, why: str) -> str:
    """Put the original back, even through a second cancel; the message says what happened."""
    wrote = session.writer.edits_sent > 0
    failure = ""
    try:
        restored = await _shielded(session.restore())
    except (RegionTouched, EditorNotResponding, DocumentClosed) as error:
        log.warning("could not restore after %s: %s", kind, error)
        restored, failure = False, str(error)
    if not wrote:
        outcome = " Nothing was changed."
    elif restored:
        outcome = " The selection was restored."
    elif session.writer.touched:
        outcome = " You had edited the region, so your text was kept as it is."
    else:
        outcome = f" The selection could not be restored ({failure}); use the editor's undo."
    if why == "cancelled":
        message = f"Kimi {kind} cancelled.{outcome}"
    else:
        message = f"Kimi {kind} failed: {why}{outcome}"
    ls.show(message, types.MessageType.Error if why != "cancelled" else types.MessageType.Info)
    return message


async def _shielded(work: Coroutine[Any, Any, bool]) -> bool:
    """Run `work` to the end even if this task is cancelled meanwhile (a restore must not be
    abandoned half-way); a cancellation that arrived is passed on afterwards."""
    task = asyncio.ensure_future(work)
    cancelled = False
    while not task.done():
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            cancelled = True
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
    result = task.result()
    if cancelled:
        raise asyncio.CancelledError
    return result


async def _settle_quietly(session: EditSession) -> None:
    with contextlib.suppress(RegionTouched, EditorNotResponding, DocumentClosed):
        await session.restore()  # touched: only stops the follower, writes nothing


def _result(
    status: str, stream: StreamNotifier, writer: RegionWriter, message: str | None
) -> dict[str, Any]:
    result: dict[str, Any] = {"status": status, "streamId": stream.id, "edits": writer.edits_sent}
    if message:
        result["message"] = message
    return result
