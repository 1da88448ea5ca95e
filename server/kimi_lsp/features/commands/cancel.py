"""kimi.cancel {uri?}: stop the running Kimi commands (of one document, or all).

A cancelled rewrite restores the selection and answers `{"status": "cancelled"}`; a
cancelled explain answers RequestCancelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.cancel"


def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Cancel matching commands; returns how many."""
    uri = None
    if args and isinstance(args[0], dict) and isinstance(args[0].get("uri"), str):
        uri = args[0]["uri"]
    return {"cancelled": session.commands.cancel(uri)}
