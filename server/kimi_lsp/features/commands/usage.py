"""kimi.usage: the session's requests, tokens and cost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.usage"


def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Totals since the server started (arguments are ignored)."""
    return dict(session.runtime.ledger.snapshot())
