"""The time one tool call may take, checked wherever its work can grow with the input."""

from __future__ import annotations

import time
from dataclasses import dataclass


def now() -> float:
    """The clock deadlines use (`time.monotonic`; tests replace this function)."""
    return time.monotonic()


class TimedOut(Exception):
    """The call ran out of time; whoever started it says so in its answer."""


@dataclass(frozen=True)
class Deadline:
    """A point in `now()` time after which work stops."""

    seconds: float
    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """A deadline `seconds` from now."""
        return cls(seconds, now() + seconds)

    @classmethod
    def never(cls) -> Deadline:
        """No limit (for callers that bound the work in another way)."""
        return cls(float("inf"), float("inf"))

    def left(self) -> float:
        """Seconds left (0 or less once passed)."""
        return self.at - now()

    def check(self) -> None:
        """Raise `TimedOut` once the deadline has passed."""
        if now() >= self.at:
            raise TimedOut
