"""Ghost text's rate-limit pause: after a 429, no model call until the `Retry-After` has
passed (`RATE_LIMIT_PAUSE` without one), since keystrokes meanwhile would only be refused.

The pause starts at the first 429 seen, even one the client is about to retry (a request
superseded during that retry's wait still leaves the pause behind), and ends early when a
request succeeds: the API is answering again."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from kimi_lsp.model.errors import RateLimited

RATE_LIMIT_PAUSE = 5.0
"""Seconds without model calls after a rate limit that gave no `Retry-After`."""
MAX_RATE_LIMIT_PAUSE = 60.0
"""The longest pause, whatever `Retry-After` says."""


class RateLimitPause:
    """When ghost text may call the model again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until = 0.0

    def remaining(self) -> float:
        """Seconds left (0 when not paused)."""
        return max(0.0, self._until - self._clock())

    def start(self, retry_after: float | None) -> float:
        """Pause for `retry_after` (the default when None, within the bounds); the length."""
        wait = RATE_LIMIT_PAUSE if retry_after is None else retry_after
        wait = min(max(wait, 0.0), MAX_RATE_LIMIT_PAUSE)
        self._until = max(self._until, self._clock() + wait)
        return wait

    def clear(self) -> None:
        """A request succeeded: the pause is over."""
        self._until = 0.0

    def failed(self, error: RateLimited) -> RateLimited:
        """Pause after a request failed for good with a 429; the error to tell the user."""
        wait = self.start(error.retry_after)
        message = error.message.rstrip()
        if not message.endswith((".", "!", "?")):
            message += "."
        if wait > 0:
            message += f" Paused for {math.ceil(wait)} s."
        return RateLimited(message, status=error.status, retry_after=error.retry_after)

    def refusal(self) -> RateLimited | None:
        """While paused, the error for an explicit request; None when not paused."""
        left = self.remaining()
        if not left:
            return None
        return RateLimited(
            f"The API asked to wait: ghost text resumes in {math.ceil(left)} s.",
            retry_after=left,
        )
