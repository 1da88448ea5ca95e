"""A span of a document followed through every change made to it.

Changes are `(start, end, text)` in offsets of the text before the change. A change that
ends at or before the region shifts it; one that starts at or after its end leaves it; one
that overlaps it touches it (the user typed inside).
"""

from __future__ import annotations

from dataclasses import dataclass

Change = tuple[int, int, str]


@dataclass
class Region:
    """Offsets [start, end) into the current text."""

    start: int
    end: int

    def apply(self, change: Change) -> bool:
        """Move the region through `change`; False when the change overlaps it."""
        s, e, text = change
        delta = len(text) - (e - s)
        if e <= self.start:
            self.start += delta
            self.end += delta
            return True
        return s >= self.end


def apply_change(text: str, change: Change) -> str:
    """`text` with `change` applied."""
    s, e, new = change
    return text[:s] + new + text[e:]


def replacement(current: str, desired: str) -> tuple[int, int, str]:
    """The smallest single replacement turning `current` into `desired`:
    `(start, end, text)` relative to `current`, trimming the common prefix and suffix."""
    prefix = _common_prefix(current, desired)
    if prefix and "\r\n" in (current[prefix - 1 : prefix + 1], desired[prefix - 1 : prefix + 1]):
        prefix -= 1  # never cut between \r and \n
    suffix = _common_prefix(current[prefix:][::-1], desired[prefix:][::-1])
    end, new_end = len(current) - suffix, len(desired) - suffix
    if suffix and "\r\n" in (current[end - 1 : end + 1], desired[new_end - 1 : new_end + 1]):
        suffix -= 1
    return prefix, len(current) - suffix, desired[prefix : len(desired) - suffix]


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by bisection over slice comparisons (done in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low
