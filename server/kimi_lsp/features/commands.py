"""workspace/executeCommand: the commands the server offers, registered in one place.

| command       | argument                     | result                              |
|---------------|------------------------------|-------------------------------------|
| kimi.explain  | {uri, range}                 | {markdown, streamId}                |
| kimi.refactor | {uri, range, instruction}    | {status, message?, streamId, edits} |
| kimi.fix      | {uri, range, diagnostics}    | {status, message?, streamId, edits} |
| kimi.undo     | {uri}                        | {status, edits}                     |
| kimi.cancel   | {uri?}                       | {cancelled}                         |
| kimi.usage    | none                         | {requests, promptTokens, ..., costUsd} |
| kimi.status   | none                         | {commandsRunning, tasks, memoryMb, ...} |

Handlers take `*args` because the VS Code palette sends `[]`; arguments are checked by
the handler modules, which answer bad ones with InvalidParams.
"""

from __future__ import annotations

from typing import Any

from kimi_lsp.features import cancel, explain, refactor, status, undo, usage
from kimi_lsp.server import KimiLanguageServer

EXPLAIN = "kimi.explain"
REFACTOR = refactor.REFACTOR
FIX = refactor.FIX
UNDO = undo.COMMAND
CANCEL = "kimi.cancel"
USAGE = "kimi.usage"
STATUS = "kimi.status"


def register(server: KimiLanguageServer) -> None:
    """Register every command."""

    @server.command(EXPLAIN)
    async def explain_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return await explain.run(ls, args)

    @server.command(REFACTOR)
    async def refactor_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return await refactor.run_refactor(ls, args)

    @server.command(FIX)
    async def fix_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return await refactor.run_fix(ls, args)

    @server.command(UNDO)
    async def undo_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return await undo.run(ls, args)

    @server.command(CANCEL)
    def cancel_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return cancel.run(ls, args)

    @server.command(USAGE)
    def usage_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return usage.run(ls, args)

    @server.command(STATUS)
    async def status_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return status.run(ls, args)
