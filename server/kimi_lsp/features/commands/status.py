"""kimi.status: what the server is doing right now, for users, the soak and bug reports."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.status"


def run(session: Session, open_documents: int) -> dict[str, Any]:
    """Counts of live work. `tasks` leaves out the task answering this request, so an idle
    server reports the same number every time."""
    current = asyncio.current_task()
    tasks = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    return {
        "commandsRunning": len(session.commands),
        "documentsBeingRewritten": session.proposals.streaming(),
        "ghostTextRequests": len(session.ghost_text.running),
        "ghostTextPausedSeconds": round(session.ghost_text.engine.paused_for(), 1),
        "openDocuments": open_documents,
        "tasks": len(tasks),
        "memoryMb": _rss_mb(),
    }


def _rss_mb() -> float | None:
    """Resident memory, where /proc tells it (Linux); None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None
