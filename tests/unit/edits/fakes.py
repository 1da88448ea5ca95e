"""An editor in the test's event loop that applies edits the way real clients do.

- `vscode`: a stale edit (version mismatch) is rejected with `applied: false`; `didChange`
  reaches the server before the `applyEdit` answer.
- `neovim`: a stale edit is skipped but answered `applied: true`; `didChange` reaches the
  server after the answer.
- `eglot`: a stale edit is answered with an error (the port reports it as not applied).
- `late` (YouCompleteMe): answers `applied: true` at once and applies the edit a few loop
  turns later, skipping it if the buffer changed meanwhile.
- `silent`: never answers (the port gives up: not applied) and applies nothing.
- `mute`: applies edits but never sends `didChange`.

`checks` run after every change of the editor's text, whoever made it: that is where the
tests assert the lossless contract "after every edit".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from kimi_lsp.edits.block import Change, apply_change
from kimi_lsp.edits.writer import BlockWriter

Hook = Callable[["FakeEditor"], None]
MODES = ["vscode", "neovim", "eglot", "late", "silent", "mute"]


@dataclass
class FakeEditor:
    text: str
    mode: str = "vscode"
    version: int = 1
    server_text: str = ""
    server_version: int = 1
    writers: list[BlockWriter] = field(default_factory=list)
    before_edit: Hook | None = None
    """Runs when an edit reaches the editor, before it is applied (the user types here)."""
    checks: list[Hook] = field(default_factory=list)
    applied: list[Change] = field(default_factory=list)
    rejected: int = 0
    requests: int = 0
    late_turns: int = 3

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
        change = (start, end, text)
        if self.mode == "silent":
            await asyncio.sleep(0)
            return False
        if self.mode == "late":
            asyncio.get_running_loop().call_soon(self._late, version, change, self.late_turns)
            await asyncio.sleep(0)
            return True
        if version != self.version:
            self.rejected += 1
            await asyncio.sleep(0)
            return self.mode == "neovim"  # Neovim skips it, yet answers applied = true
        self.applied.append(change)
        self._change(change, deliver=self.mode in ("vscode", "eglot"))
        await asyncio.sleep(0)  # the answer travels back
        return True

    def _late(self, version: int | None, change: Change, turns: int) -> None:
        if turns:
            asyncio.get_running_loop().call_soon(self._late, version, change, turns - 1)
        elif version == self.version:
            self.applied.append(change)
            self._change(change, deliver=True)
        else:
            self.rejected += 1

    # --- the user's side ---
    def type(self, change: Change) -> None:
        """The user changes the buffer; the server hears of it on the next loop turn."""
        self._change(change, deliver=False, user=True)

    def _change(self, change: Change, deliver: bool, user: bool = False) -> None:
        before = self.text
        self.text = apply_change(before, change)
        self.version += 1
        for check in self.checks:
            check(self)
        if self.mode == "mute" and not user:
            return
        version, after = self.version, self.text
        if deliver:
            self._deliver(before, change, after, version)
        else:  # Neovim: after the answer to the edit, as its changetracking debounces
            loop = asyncio.get_running_loop()
            loop.call_soon(loop.call_soon, self._deliver, before, change, after, version)

    def _deliver(self, before: str, change: Change, after: str, version: int) -> None:
        if self.mode == "mute" and before != self.server_text:
            # the server missed edits; it hears the user's change as a full replacement
            change, before = (0, len(self.server_text), after), self.server_text
        assert before == self.server_text, "changes must reach the server in order"
        self.server_text, self.server_version = after, version
        for writer in self.writers:
            writer.on_change(before, [change], after)

    async def settle(self) -> None:
        """Let every scheduled didChange reach the server."""
        for _ in range(10):
            await asyncio.sleep(0)
