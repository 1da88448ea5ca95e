"""One rewrite of one selection, lossless at every instant.

The proposed lines stream in *above* the original, which stays untouched until
acceptance removes it in one edit; rejection, failure and cancellation remove only what
was inserted. So after every edit the client applies, whatever it answers and whatever
interrupts the stream, the document holds the original text verbatim and contiguous
(except where the user edited it).

States: `streaming` (the model is writing) -> `proposed` (the whole answer is shown and
waits for review) -> `applied` (accepted; kept for undo) -> `undone`; or `rejected`,
`failed`, `cancelled` (what was inserted has been removed), or `stopped` (the user edited
the proposed text while it streamed, or the editor stopped confirming edits: nothing more
is written, the proposal can only be rejected).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from typing import Any, Literal

from kimi_lsp.edits.writer import BlockTouched, BlockWriter, DocumentGone, EditorNotResponding

State = Literal[
    "streaming", "proposed", "stopped", "applied", "undone", "rejected", "failed", "cancelled"
]
PENDING: frozenset[State] = frozenset({"streaming", "proposed", "stopped"})


class ProposalRefused(Exception):
    """The proposal cannot do what was asked in its state; the message says why."""


class Proposal:
    """A rewrite's proposed text above its original, from the first line to the end."""

    def __init__(
        self,
        writer: BlockWriter,
        *,
        uri: str,
        kind: str,
        eol: str = "\n",
        on_update: Callable[[Proposal], None] | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.uri = uri
        self.kind = kind
        self.writer = writer
        self.eol = eol
        self.state: State = "streaming"
        self.final: str | None = None
        """The whole answer (fitted, in the document's line breaks), once it arrived."""
        self.removed: str | None = None
        """The original text that acceptance removed, for undo."""
        self.message = ""
        """Why the proposal stopped or failed, for code lenses and status."""
        self._separator = False
        self._lines: list[str] = []
        self._generation = 0
        self._written = 0
        self._progress = asyncio.Event()
        self._poked = asyncio.Event()
        self._follower: asyncio.Task[None] | None = None
        self._on_update = on_update or (lambda proposal: None)
        self._on_close = on_close or (lambda: None)
        self._streamed = asyncio.Event()
        self.lock = asyncio.Lock()
        """Held by each command that acts on the proposal, so they take turns."""
        self.task: asyncio.Task[Any] | None = None
        """The work that streams the model's answer in (cancelled by a reject meanwhile)."""

    @property
    def edits_sent(self) -> int:
        """The edits sent to the editor so far."""
        return self.writer.edits_sent

    @property
    def pending(self) -> bool:
        """Whether the proposal still waits for the model or for the user."""
        return self.state in PENDING

    # --- while the model writes ---

    def add_lines(self, lines: list[str]) -> None:
        """Complete lines of the answer (fitted, in the document's line breaks); they are
        written as soon as the editor allows. Raises what stopped the writing."""
        if not lines or self.state != "streaming":
            return
        self._lines.extend(lines)
        self._poke()

    def restart(self) -> None:
        """A new model turn: what the last turn streamed is taken back."""
        if self._lines and self.state == "streaming":
            self._lines.clear()
            self._poke()

    def _poke(self) -> None:
        self._generation += 1
        self._poked.set()
        if self._follower is None:
            self._follower = asyncio.ensure_future(self._follow())
        elif self._follower.done():
            self._follower.result()  # re-raise what stopped it

    async def _follow(self) -> None:
        while True:
            self._poked.clear()
            generation = self._generation
            await self.writer.write("".join(self._lines), guard="streaming")
            self._written = generation
            self._progress.set()
            self._on_update(self)
            if generation == self._generation:
                await self._poked.wait()

    async def flush(self) -> None:
        """Wait until every line added so far is in the document (raises what stopped the
        writing)."""
        while (follower := self._follower) is not None:
            if follower.done():
                follower.result()
                return
            if self._written == self._generation:
                return
            self._progress.clear()
            waiter = asyncio.ensure_future(self._progress.wait())
            try:
                await asyncio.wait([follower, waiter], return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()

    async def _stop_follower(self) -> None:
        follower, self._follower = self._follower, None
        if follower is None:
            return
        if not follower.done():
            follower.cancel()
            await asyncio.wait([follower])  # our own cancellation still propagates
            return
        follower.result()

    async def show(self, final: str) -> None:
        """The whole answer arrived: show it above the original and wait for review."""
        await self._stop_follower()
        if self.state != "streaming":
            raise ProposalRefused(f"this Kimi change was {self.state} before it was complete.")
        self.final = final
        self._separator = bool(final) and not final.endswith(("\n", "\r"))
        await self.writer.write(final + (self.eol if self._separator else ""), guard="streaming")
        self._set("proposed")

    async def land(self, final: str) -> None:
        """The whole answer arrived and needs no review: it replaces the original at once,
        in one edit (`applied`)."""
        await self._stop_follower()
        if self.state != "streaming":
            raise ProposalRefused(f"this Kimi change was {self.state} before it was complete.")
        self.final = final
        self.removed = await self.writer.write(final, "", guard="streaming")
        self.writer.touches.proposal = False
        self._set("applied")

    # --- the user's decision ---

    async def accept(self) -> None:
        """Replace the original with the proposed text (as the user may have edited it)."""
        if self.state == "streaming":
            raise ProposalRefused("Kimi is still writing this change; wait for it, or reject it.")
        if self.state != "proposed" or self.final is None:
            raise ProposalRefused(self._not_pending("accept"))
        separator = self.eol if self._separator else ""

        def as_it_stands(proposed: str) -> str:
            if separator and proposed.endswith(separator):
                return proposed[: -len(separator)]
            return proposed

        self.removed = await self.writer.write(as_it_stands, "", guard="review")
        self.writer.touches.proposal = False  # undo is refused once the new text changes
        self._set("applied")

    async def reject(self) -> None:
        """Remove the proposed text; the original stays as it is."""
        if not self.pending:
            raise ProposalRefused(self._not_pending("reject"))
        await self._stop_quietly()
        await self.writer.write("", guard="review")
        self._set("rejected")

    async def undo(self) -> None:
        """After acceptance: put the removed original back in one edit."""
        if self.state != "applied" or self.removed is None:
            raise ProposalRefused(self._not_pending("undo"))
        await self.writer.write(self.removed, guard="undo")
        self._set("undone")

    # --- failures ---

    async def withdraw(self, state: Literal["failed", "cancelled"], why: str) -> bool:
        """Remove what was inserted after a failure or cancellation. False when it stays
        (the user edited it, or the editor stopped answering): the proposal is then
        `stopped`, and only rejecting it remains."""
        if self.state != "streaming":  # rejected meanwhile: nothing of the stream is left
            return self.state in ("rejected", "cancelled", "failed")
        self.message = why
        await self._stop_quietly()
        if self.writer.gone:
            self._set(state)
            return False
        try:
            await self.writer.settle()  # the edit in flight: confirmed, or known stale
            touches = self.writer.touches
            if touches.proposal or touches.across:
                self._set("stopped")
                return False
            await self.writer.write("", guard="streaming")
        except (BlockTouched, EditorNotResponding):
            self._set("stopped")
            return False
        except DocumentGone:
            self._set(state)
            return False
        self._set(state)
        return True

    def stop(self, why: str) -> None:
        """Nothing more is written (the user edited the proposed text while it streamed)."""
        self.message = why
        if self._follower is not None and not self._follower.done():
            self._follower.cancel()
        self._follower = None
        self._set("stopped")

    async def _stop_quietly(self) -> None:
        with contextlib.suppress(BlockTouched, EditorNotResponding, DocumentGone):
            await self._stop_follower()

    def _set(self, state: State) -> None:
        self.state = state
        if state != "streaming":
            self._streamed.set()
        self._on_update(self)

    async def streamed(self) -> None:
        """Wait until the model's part is over (shown, stopped, withdrawn)."""
        await self._streamed.wait()

    def close(self, why: str = "the document was closed") -> None:
        """Stop following the document (it closed, or a newer proposal replaced this one);
        a stream still running is stopped."""
        if self.state == "streaming" and self.task is not None and not self.task.done():
            self.message = why
            self.task.cancel()
        elif self.state in ("proposed", "stopped"):
            self.message = why
            self._set("cancelled")  # the proposed text stays in the closed text, untracked
        if self._follower is not None and not self._follower.done():
            self._follower.cancel()
        self._follower = None
        self._on_close()

    def _not_pending(self, action: str) -> str:
        if self.state == "stopped":
            return (
                f"this Kimi change is incomplete ({self.message or 'it was stopped'}), so it "
                f"cannot be accepted; reject it to remove the proposed lines."
                if action == "accept"
                else f"this Kimi change cannot be {action}ed now."
            )
        return f"this Kimi change was already {self.state}, so there is nothing to {action}."
