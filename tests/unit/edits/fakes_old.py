"""An editor in the test's event loop that applies edits the way real clients do.

`vscode`: a stale edit (version mismatch) is rejected with `applied: false`; `didChange`
reaches the server before the `applyEdit` answer. `neovim`: a stale edit is skipped but
answered `applied: true`; `didChange` reaches the server after the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from kimi_lsp.edits.region import Change, apply_change
from kimi_lsp.edits.writer import RegionWriter

Hook = Callable[["FakeEditor"], None]


@dataclass
class FakeEditor:
    text: str
    mode: str = "vscode"
    version: int = 1
    server_text: str = ""
    server_version: int = 1
    writers: list[RegionWriter] = field(default_factory=list)
    before_edit: Hook | None = None
    """Runs when an edit reaches the editor, before it is applied (the user types here)."""
    applied: list[Change] = field(default_factory=list)
    rejected: int = 0
    requests: int = 0

    def __post_init__(self) -> None:
        self.server_text = self.text

    # --- the server's side (EditorPort) ---
    def snapshot(self) -> tuple[str, int | None]:
        return self.server_text, self.server_version

    async def apply(self, version: int | None, start: int, end: int, text: str) -> bool:
        """The request is on its way once sent: cancelling the caller does not stop it."""
        self.requests += 1
        if self.before_edit is not None:
            self.before_edit(self)  # the user typed before the edit arrived
        if version != self.version:
            applied = self.mode == "neovim"  # Neovim skips it, yet answers applied = true
            self.rejected += 1
        else:
            applied = True
            change = (start, end, text)
            self.applied.append(change)
            self._change(change, deliver_now=self.mode == "vscode")
        await asyncio.sleep(0)  # the answer travels back
        return applied

    # --- the user's side ---
    def type(self, change: Change) -> None:
        """The user changes the buffer; the server hears of it on the next loop turn."""
        self._change(change, deliver_now=False)

    def _change(self, change: Change, deliver_now: bool) -> None:
        before = self.text
        self.text = apply_change(before, change)
        self.version += 1
        version, after = self.version, self.text
        if deliver_now:
            self._deliver(before, change, after, version)
        else:  # Neovim: after the answer to the edit, as its changetracking debounces
            loop = asyncio.get_running_loop()
            loop.call_soon(loop.call_soon, self._deliver, before, change, after, version)

    def _deliver(self, before: str, change: Change, after: str, version: int) -> None:
        assert before == self.server_text, "changes must reach the server in order"
        self.server_text, self.server_version = after, version
        for writer in self.writers:
            writer.on_change(before, [change], after)

    async def settle(self) -> None:
        """Let every scheduled didChange reach the server."""
        for _ in range(5):
            await asyncio.sleep(0)
