"""workspace/executeCommand: the commands the server offers, registered in one place.

| command       | argument        | result                                   |
|---------------|-----------------|------------------------------------------|
| kimi.explain  | {uri, range}    | {markdown, streamId}                     |
| kimi.usage    | none            | {requests, promptTokens, ..., costUsd}   |

Handlers take `*args` because the VS Code palette sends `[]`; arguments are checked by
the handler modules, which answer bad ones with InvalidParams.
"""

from __future__ import annotations

from typing import Any

from kimi_lsp.features import explain, usage
from kimi_lsp.server import KimiLanguageServer

EXPLAIN = "kimi.explain"
USAGE = "kimi.usage"


def register(server: KimiLanguageServer) -> None:
    """Register every command."""

    @server.command(EXPLAIN)
    async def explain_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return await explain.run(ls, args)

    @server.command(USAGE)
    def usage_command(ls: KimiLanguageServer, *args: Any) -> dict[str, Any]:
        return usage.run(ls, args)
