"""kimi.usage: the session's requests, tokens and cost."""

from __future__ import annotations

from typing import Any

from kimi_lsp.server import KimiLanguageServer


def run(ls: KimiLanguageServer, args: tuple[Any, ...]) -> dict[str, Any]:
    """Totals since the server started (arguments are ignored)."""
    return dict(ls.runtime.ledger.snapshot())


def cost_line(ls: KimiLanguageServer) -> str:
    """A short summary for progress and messages, e.g. `session $0.0123 · 4 requests`."""
    ledger = ls.runtime.ledger
    cost = ledger.cost_usd
    spent = "cost unknown" if cost is None else f"${cost:.4f}"
    plural = "" if ledger.requests == 1 else "s"
    return f"session {spent} · {ledger.requests} request{plural}"
