"""kimi.edit {instruction, uri?, range?, streamId?, diagnostics?}: a change described in
words, anywhere in the workspace. The model reads with the read tools and proposes with
`edit_file` and `create_file`; nothing is written until the user accepts the change
(`lsp/workspace_proposal.py`).

`uri`/`range` are where the user is (context, not a limit). `diagnostics` (optional) are
the problems the editor shows: a list of LSP diagnostics with a `uri` each, or an object
of lists by URI. The answer is `{"status": "proposed", "proposalId", "streamId", "files":
[{uri, kind, edits}], "message"?, "costUsd"}`; `unchanged` when the model proposed
nothing; `failed` or `cancelled` with the reason, and nothing changed.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from kimi_lsp.agent import readers
from kimi_lsp.agent.edit_tools import edit_tools
from kimi_lsp.agent.loop import Toolbox
from kimi_lsp.agent.tools import READ_TOOLS
from kimi_lsp.edits.proposal import ProposalRefused
from kimi_lsp.edits.workspace import ChangeLimits, WorkspaceChange
from kimi_lsp.lsp.arguments import one_object, optional_str, range_of
from kimi_lsp.lsp.cancellation import run_to_end
from kimi_lsp.lsp.documents import display_path, snapshot
from kimi_lsp.lsp.model_command import run_model_command
from kimi_lsp.lsp.progress import WorkDone
from kimi_lsp.lsp.proposal_commands import refuse
from kimi_lsp.lsp.streaming import StreamNotifier
from kimi_lsp.lsp.toolbox import make_toolbox
from kimi_lsp.lsp.workspace_proposal import WorkspaceProposal
from kimi_lsp.model.errors import ModelError
from kimi_lsp.tasks.edit import EditContext, propose_edit

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

COMMAND = "kimi.edit"
MAX_LISTED = 300
"""Workspace files named in the prompt at most."""
MAX_OPEN = 20
MAX_DIAGNOSTICS = 50
MAX_SELECTION = 4_000


async def run(ls: KimiLanguageServer, args: tuple[Any, ...]) -> dict[str, Any]:
    """kimi.edit: propose a change across the workspace."""
    obj = one_object(args, COMMAND, "{instruction, uri?, range?, streamId?}")
    instruction = (optional_str(obj, "instruction", COMMAND) or "").strip()
    if not instruction:
        raise JsonRpcInvalidParams(f"{COMMAND} needs an `instruction`: the change, in words.")
    session = ls.session
    settings = session.runtime.settings
    tools = make_toolbox(ls, settings.tools)
    if tools is None:
        raise refuse(
            "kimi.edit needs a workspace folder and the workspace tools (kimi.tools.enabled)."
        )
    change = WorkspaceChange(ChangeLimits(settings.edit.max_files, settings.edit.max_bytes))
    toolbox: Toolbox = dataclasses.replace(
        tools, tools=READ_TOOLS + edit_tools(change), max_rounds=settings.edit.max_rounds
    )
    context = _context(ls, toolbox, obj)
    stream = StreamNotifier(ls, "edit", optional_str(obj, "streamId", COMMAND))
    proposal = WorkspaceProposal(
        ls, change, label=f"Kimi: {instruction[:80]}", on_update=_on_update(ls)
    )
    session.proposals.add_change(proposal)

    async def body(stream: StreamNotifier, progress: WorkDone) -> dict[str, Any]:
        proposal.task = asyncio.current_task()
        ledger = session.runtime.ledger
        spent = ledger.cost_usd or 0.0
        try:
            summary = await propose_edit(
                session.runtime.service,
                await session.runtime.endpoint(),
                instruction,
                context,
                max_tokens=session.runtime.max_tokens,
                toolbox=toolbox,
                on_text=stream.send,
                on_status=progress.report,
            )
        except ModelError as error:
            proposal.set_state("failed", error.message)
            return _result("failed", proposal, stream, f"The change failed: {error.message}", spent)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()  # the user's stop: answer it
            proposal.set_state("cancelled", "cancelled")
            cancelled = "The change was cancelled. Nothing was changed."
            return _result("cancelled", proposal, stream, cancelled, spent)
        if not change.files:
            message = summary or "The model proposed no change."
            proposal.set_state("unchanged", message)
            return _result("unchanged", proposal, stream, message, spent)
        if settings.edits.review:
            proposal.set_state("proposed", summary)
            return _result("proposed", proposal, stream, summary, spent)
        progress.report("applying")
        async with proposal.lock:  # a reject or cancel waits for the edit on its way
            proposal.set_state("proposed", summary)
            try:
                await run_to_end(proposal.accept())
            except ProposalRefused as error:
                return _result("proposed", proposal, stream, f"{summary}\n\n{error}", spent)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None:
                    current.uncancel()
                if proposal.state != "applied":
                    raise
        return _result("applied", proposal, stream, summary, spent)

    uri = optional_str(obj, "uri", COMMAND)
    return await run_model_command(ls, title="Kimi: edit", stream=stream, body=body, uri=uri)


def _result(
    status: str, proposal: WorkspaceProposal, stream: StreamNotifier, message: str, spent: float
) -> dict[str, Any]:
    cost = proposal._ls.session.runtime.ledger.cost_usd
    result: dict[str, Any] = {
        "status": status,
        "proposalId": proposal.id,
        "streamId": stream.id,
        "files": proposal.files() if status in ("proposed", "applied") else [],
        "costUsd": None if cost is None else round(cost - spent, 6),
    }
    if message:
        result["message"] = message
    return result


def _on_update(ls: KimiLanguageServer) -> Any:
    def update(proposal: WorkspaceProposal) -> None:
        ls.proposal_view.update_change(proposal)
        ls.session.proposals.note(proposal)

    return update


def _context(ls: KimiLanguageServer, toolbox: Toolbox, obj: dict[str, Any]) -> EditContext:
    """The workspace's files, the open documents (the user's first), the user's place and
    the problems the editor reported, each bounded."""
    limits = dataclasses.replace(toolbox.limits, max_files=MAX_LISTED)
    files = readers.list_files(toolbox.sandbox, None, None, limits)
    uri = optional_str(obj, "uri", COMMAND)
    documents = sorted(ls.workspace.text_documents, key=lambda u: u != uri)
    open_documents = [display_path(ls, u) for u in documents[:MAX_OPEN]]
    where = None
    if uri is not None and uri in ls.workspace.text_documents:
        doc = snapshot(ls, uri)
        if "range" in obj:
            start, end = doc.offsets(range_of(obj, COMMAND))
        else:
            start = end = 0
        first, _ = doc.index.position(start, "utf-32")
        last, _ = doc.index.position(end, "utf-32")
        selection = doc.text[start:end][:MAX_SELECTION]
        lines = f", lines {first + 1}-{last + 1}" if end > start else ""
        where = (doc.path, lines, selection)
    return EditContext(files, open_documents, where, _diagnostics(ls, obj.get("diagnostics")))


def _diagnostics(ls: KimiLanguageServer, raw: object) -> list[str]:
    """`path:line: [source code] message`, one per diagnostic, at most MAX_DIAGNOSTICS."""
    pairs: list[tuple[object, object]] = []
    if isinstance(raw, dict):
        for uri, items in raw.items():
            if isinstance(items, list):
                pairs += [(uri, item) for item in items]
    elif isinstance(raw, list):
        pairs = [(item.get("uri") if isinstance(item, dict) else None, item) for item in raw]
    out: list[str] = []
    for uri, item in pairs[:MAX_DIAGNOSTICS]:
        if not isinstance(item, dict) or not isinstance(item.get("message"), str):
            continue
        path = display_path(ls, uri) if isinstance(uri, str) and to_fs_path(uri) else "?"
        rng = item.get("range")
        start = rng.get("start") if isinstance(rng, dict) else None
        line = start.get("line") if isinstance(start, dict) else None
        origin = " ".join(str(item[k]) for k in ("source", "code") if item.get(k) not in (None, ""))
        where = f"{path}:{line + 1}" if isinstance(line, int) else path
        out.append(f"{where}: {'[' + origin + '] ' if origin else ''}{item['message'][:300]}")
    return out
