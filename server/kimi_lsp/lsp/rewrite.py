"""The rewrite behind kimi.refactor and kimi.fix: the model's code streams in as a
proposal above the selection, which stays untouched (`edits/proposal.py`).

Outcomes (the command's result, never an error once writing may have started):
`proposed` (the whole answer waits for kimi.accept / kimi.reject; `kimi.edits.review`),
`applied` (accepted at once, review off), `stopped` (the user edited the proposed text
while it streamed, or the editor stopped confirming: nothing more is written), `failed`
(the model or the editor failed; what was inserted is removed) and `cancelled` (likewise).

A client without `workspace.applyEdit` is sent no edit: the answer carries the proposed
text (`newText`) and the range it replaces.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from kimi_lsp.edits.block import Block
from kimi_lsp.edits.proposal import Proposal, ProposalRefused
from kimi_lsp.edits.reply import Fitting, eol_of, native
from kimi_lsp.edits.writer import BlockTouched, BlockWriter, EditorNotResponding
from kimi_lsp.lsp.cancellation import run_to_end
from kimi_lsp.lsp.documents import DocumentSnapshot
from kimi_lsp.lsp.edit_port import DocumentClosed, LspEditPort, can_apply_edits
from kimi_lsp.lsp.errors import REQUEST_FAILED
from kimi_lsp.lsp.model_command import run_model_command
from kimi_lsp.lsp.progress import WorkDone
from kimi_lsp.lsp.streaming import StreamNotifier
from kimi_lsp.lsp.toolbox import make_toolbox
from kimi_lsp.model.errors import ModelError
from kimi_lsp.tasks.context import SelectionContext
from kimi_lsp.tasks.rewrite import rewrite
from kimi_lsp.wording import sentences

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

log = logging.getLogger(__name__)

PENDING = (
    "A Kimi change is waiting for review in this document. Accept it or reject it first "
    "(the code lens above it, the code actions “Kimi: Accept change” and “Kimi: Reject "
    "change”, or the commands kimi.accept and kimi.reject)."
)
STOPPED = (
    "The rewrite stopped because you edited the text it was proposing. Nothing more was "
    "written; reject the change to remove the proposed lines."
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
    """Propose the rewrite of [start, end) of `doc`."""
    session = ls.session
    if session.proposals.pending(doc.uri) is not None:
        raise JsonRpcException(code=REQUEST_FAILED, message=f"Kimi: {PENDING}")
    stream = StreamNotifier(ls, kind, stream_id)
    fitting = Fitting.of(doc.text, start, end)
    eol = eol_of(doc.text)
    if not can_apply_edits(ls):
        return await _text_only(ls, kind, doc, start, end, context, instruction, stream)
    settings = session.runtime.settings.edits
    port = LspEditPort(ls, doc.uri, answer_timeout=settings.confirm_seconds)
    writer = BlockWriter(port, Block(start, start, end), confirm_timeout=settings.confirm_seconds)
    unwatch = session.documents.watch(doc.uri, writer.on_change)  # before any await
    proposal = Proposal(
        writer, uri=doc.uri, kind=kind, eol=eol, on_update=_on_update(ls), on_close=unwatch
    )
    session.proposals.add(proposal)
    fitter = fitting.streaming()

    def on_lines(lines: list[str]) -> None:
        if port.versioned:  # unversioned edits could land on text that moved
            proposal.add_lines([native(fitter.line(line), eol) for line in lines])

    def on_turn() -> None:
        nonlocal fitter
        fitter = fitting.streaming()
        proposal.restart()

    async def body(stream: StreamNotifier, progress: WorkDone) -> dict[str, Any]:
        proposal.task = asyncio.current_task()
        if proposal.state != "streaming":  # rejected before the model was even asked
            return _result("cancelled", stream, proposal, None)
        try:
            code = await _ask(ls, context, instruction, stream, progress, on_lines, on_turn)
            progress.report("showing the change")
            final = native(fitting.fit(code, final=True), eol)
            if not settings.review:
                progress.report("applying")
                async with proposal.lock:  # a reject or cancel waits for the edit on its way
                    await run_to_end(proposal.land(final))
                return _result("applied", stream, proposal, None)
            await proposal.show(final)
            return _result("proposed", stream, proposal, None)
        except BlockTouched:
            proposal.stop("you edited the proposed text")
            ls.show(STOPPED, types.MessageType.Warning)
            return _result("stopped", stream, proposal, STOPPED)
        except (ModelError, EditorNotResponding, DocumentClosed, ProposalRefused) as error:
            why = error.message if isinstance(error, ModelError) else str(error)
            message = await _withdraw(ls, proposal, "failed", why)
            return _result(proposal.state, stream, proposal, message)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()  # this cancellation is the user's "stop": answer it
            landed: str = proposal.state
            if landed == "applied":  # the stop came after the change had landed
                return _result("applied", stream, proposal, None)
            message = await _withdraw(ls, proposal, "cancelled", proposal.message or "cancelled")
            return _result(proposal.state, stream, proposal, message)
        except Exception:  # a bug: never half-applied
            log.exception("%s failed", kind)
            message = await _withdraw(ls, proposal, "failed", "an internal error")
            return _result(proposal.state, stream, proposal, message)

    return await run_model_command(ls, title=f"Kimi: {kind}", stream=stream, body=body, uri=doc.uri)


def _on_update(ls: KimiLanguageServer) -> Any:
    def update(proposal: Proposal) -> None:
        ls.proposal_view.update(proposal)
        ls.session.proposals.note(proposal)

    return update


async def _withdraw(ls: KimiLanguageServer, proposal: Proposal, state: Any, why: str) -> str:
    """Remove what was inserted, even through a second cancel; the message says what
    happened, and the user is told."""
    wrote = proposal.writer.edits_sent > 0
    removed = await run_to_end(proposal.withdraw(state, why))
    kind = proposal.kind
    if not wrote:
        outcome = "Nothing was changed."
    elif removed:
        outcome = "The proposed lines were removed; your code is as it was."
    elif proposal.state != "stopped":
        outcome = "The document was closed or opened again, so nothing more was written into it."
    elif proposal.writer.touches.proposal or proposal.writer.touches.across:
        outcome = (
            "You had edited the proposed lines, so they were kept; reject the change to "
            "remove them."
        )
    else:
        outcome = (
            "The editor did not confirm Kimi's edits, so nothing more was written; your "
            "original code is intact below any proposed lines, and rejecting the change "
            "removes them."
        )
    if state == "cancelled":
        head = f"The {kind} was cancelled" + ("" if why == "cancelled" else f": {why}")
    else:
        head = f"The {kind} failed: {why}"
    message = sentences(head, outcome)
    ls.show(message, types.MessageType.Info if state == "cancelled" else types.MessageType.Error)
    return message


def _result(
    status: str, stream: StreamNotifier, proposal: Proposal, message: str | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "status": status,
        "proposalId": proposal.id,
        "streamId": stream.id,
        "edits": proposal.writer.edits_sent,
    }
    if message:
        result["message"] = message
    return result


async def _text_only(
    ls: KimiLanguageServer,
    kind: str,
    doc: DocumentSnapshot,
    start: int,
    end: int,
    context: SelectionContext,
    instruction: str,
    stream: StreamNotifier,
) -> dict[str, Any]:
    """For a client that cannot apply edits: the whole answer, and the range it replaces
    (at the version the command saw), in the command's result."""
    fitting = Fitting.of(doc.text, start, end)

    async def body(stream: StreamNotifier, progress: WorkDone) -> dict[str, Any]:
        code = await _ask(ls, context, instruction, stream, progress, lambda lines: None, noop)
        a = doc.index.position(start, doc.encoding)
        b = doc.index.position(end, doc.encoding)
        return {
            "status": "proposed",
            "proposalId": uuid.uuid4().hex,
            "streamId": stream.id,
            "edits": 0,
            "newText": native(fitting.fit(code, final=True), eol_of(doc.text)),
            "range": {
                "start": {"line": a[0], "character": a[1]},
                "end": {"line": b[0], "character": b[1]},
            },
            "version": doc.version,
        }

    return await run_model_command(ls, title=f"Kimi: {kind}", stream=stream, body=body, uri=doc.uri)


async def _ask(
    ls: KimiLanguageServer,
    context: SelectionContext,
    instruction: str,
    stream: StreamNotifier,
    progress: WorkDone,
    on_lines: Callable[[list[str]], None],
    on_turn: Callable[[], None],
) -> str:
    """The model's whole answer: the code of the rewrite."""
    runtime = ls.session.runtime
    return await rewrite(
        runtime.service,
        await runtime.endpoint(),
        context,
        instruction,
        max_tokens=runtime.max_tokens,
        toolbox=make_toolbox(ls, runtime.settings.tools),
        on_lines=on_lines,
        on_turn=on_turn,
        on_text=stream.send,
        on_status=progress.report,
    )


def noop() -> None:
    """A new model turn, for a rewrite that streams nothing."""
