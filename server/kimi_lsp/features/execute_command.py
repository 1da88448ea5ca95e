"""workspace/executeCommand: the commands the server offers, registered in one place; the
body of each is in `features/commands/`.

| command       | argument                     | result                              |
|---------------|------------------------------|-------------------------------------|
| kimi.explain  | {uri, range}                 | {markdown, streamId}                |
| kimi.refactor | {uri, range, instruction}    | {status, proposalId, streamId, edits, message?} |
| kimi.fix      | {uri, range, diagnostics}    | {status, proposalId, streamId, edits, message?} |
| kimi.edit     | {instruction, uri?, range?}  | {status, proposalId, streamId, files, message?} |
| kimi.accept   | {uri} or {proposalId}        | {status: "applied", proposalId, edits, files?} |
| kimi.reject   | {uri} or {proposalId}        | {status: "rejected", proposalId, edits} |
| kimi.undo     | {uri} or {proposalId}        | {status, edits}                     |
| kimi.cancel   | {uri?}                       | {cancelled}                         |
| kimi.usage    | none                         | {requests, promptTokens, ..., costUsd} |
| kimi.status   | none                         | {commandsRunning, tasks, memoryMb, ...} |

Handlers take `*args` because the VS Code palette sends `[]`; arguments are checked by
the command modules, which answer bad ones with InvalidParams. Commands that need only the
session's state are given the session; those that talk to the editor get the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kimi_lsp.features.commands import (
    accept,
    cancel,
    edit,
    explain,
    fix,
    refactor,
    reject,
    status,
    undo,
    usage,
)

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

EXPLAIN = explain.COMMAND
REFACTOR = refactor.REFACTOR
FIX = fix.FIX
UNDO = undo.COMMAND
EDIT = edit.COMMAND
ACCEPT = accept.COMMAND
REJECT = reject.COMMAND
CANCEL = cancel.COMMAND
USAGE = usage.COMMAND
STATUS = status.COMMAND


def register(server: KimiLanguageServer) -> None:
    """Register every command. The handlers take the server from here, not as an `ls`
    parameter: pygls reads a command handler's annotations at run time, and the server's
    type is only imported for the type checker."""
    session = server.session

    @server.command(EXPLAIN)
    async def explain_command(*args: Any) -> dict[str, Any]:
        return await explain.run(server, args)

    @server.command(REFACTOR)
    async def refactor_command(*args: Any) -> dict[str, Any]:
        return await refactor.run(server, args)

    @server.command(FIX)
    async def fix_command(*args: Any) -> dict[str, Any]:
        return await fix.run(server, args)

    @server.command(UNDO)
    async def undo_command(*args: Any) -> dict[str, Any]:
        return await undo.run(session, args)

    @server.command(EDIT)
    async def edit_command(*args: Any) -> dict[str, Any]:
        return await edit.run(server, args)

    @server.command(ACCEPT)
    async def accept_command(*args: Any) -> dict[str, Any]:
        return await accept.run(session, args)

    @server.command(REJECT)
    async def reject_command(*args: Any) -> dict[str, Any]:
        return await reject.run(session, args)

    @server.command(CANCEL)
    def cancel_command(*args: Any) -> dict[str, Any]:
        return cancel.run(session, args)

    @server.command(USAGE)
    def usage_command(*args: Any) -> dict[str, Any]:
        return usage.run(session, args)

    @server.command(STATUS)
    async def status_command(*args: Any) -> dict[str, Any]:
        return status.run(session, len(server.workspace.text_documents))
