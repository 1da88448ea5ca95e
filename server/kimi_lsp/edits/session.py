"""One streamed rewrite of a region: follow the model, finish exactly, or restore.

`set_target` may be called as often as the model produces lines; a single follower task
writes whatever the latest target is, so the editor is never sent more edits than it can
take. `finish` writes the final text; `restore` puts the original back in one edit unless
the user has touched the region.
"""

from __future__ import annotations

import asyncio

from kimi_lsp.edits.writer import RegionWriter


class EditSession:
    """Drives a `RegionWriter` towards a moving target."""

    def __init__(self, writer: RegionWriter, original: str) -> None:
        self.writer = writer
        self.original = original
        self._target = original
        self._poked = asyncio.Event()
        self._follower: asyncio.Task[None] | None = None

    def set_target(self, text: str) -> None:
        """The region should now read `text` (written as soon as the editor allows)."""
        if text == self._target:
            return
        self._target = text
        self._poked.set()
        if self._follower is None:
            self._follower = asyncio.ensure_future(self._follow())
        elif self._follower.done():
            self._follower.result()  # re-raise what stopped it

    async def _follow(self) -> None:
        while True:
            self._poked.clear()
            target = self._target
            await self.writer.write(target)
            if target == self._target:
                await self._poked.wait()

    async def finish(self, final: str) -> None:
        """Write `final` and return once the editor confirmed it."""
        await self._stop_follower()
        self._target = final
        await self.writer.write(final)

    async def restore(self) -> bool:
        """Put the original text back in one edit; False when the user touched the region."""
        await self._stop_follower()
        if self.writer.touched:
            return False
        await self.writer.write(self.original)
        return True

    def close(self) -> None:
        """Stop following (for paths that will not write again)."""
        if self._follower is not None and not self._follower.done():
            self._follower.cancel()
        self._follower = None

    async def _stop_follower(self) -> None:
        follower, self._follower = self._follower, None
        if follower is None:
            return
        if follower.done():
            follower.result()
            return
        follower.cancel()
        await asyncio.wait([follower])  # our own cancellation still propagates
