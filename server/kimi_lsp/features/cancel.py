"""kimi.cancel {uri?}: stop the running Kimi commands (of one document, or all).

A cancelled rewrite restores the selection and answers `{"status": "cancelled"}`; a
cancelled explain answers RequestCancelled.
"""

from __future__ import annotations

from typing import Any

from kimi_lsp.server import KimiLanguageServer


def run(ls: KimiLanguageServer, args: tuple[Any, ...]) -> dict[str, Any]:
    """Cancel matching commands; returns how many."""
    uri = None
    if args and isinstance(args[0], dict) and isinstance(args[0].get("uri"), str):
        uri = args[0]["uri"]
    cancelled = 0
    for task, command in list(ls.active.items()):
        if uri is None or command.uri == uri:
            task.cancel()
            cancelled += 1
    return {"cancelled": cancelled}
