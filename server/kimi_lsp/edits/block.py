"""A proposal's place in a document, followed through every change made to it.

A block is two adjacent spans: the text Kimi inserted (`[a, b)`, the proposal) directly
above the user's original text (`[b, c)`). Changes are `(start, end, text)` in offsets of
the text before the change. Where a change falls decides what it touched:

- `before` (it ends at or before `a`; typing at `a` goes above the block): both move;
- `after` (it starts at or after `c`, the block's original not empty): nothing moves;
- `proposal`: inside `[a, b)`; the user edited the proposed text;
- `original`: inside `[b, c)`, or typing at `b` (the start of the original text); the
  user edited their own text, which stays contiguous below the proposal;
- `across`: it spans a boundary, so neither part can be told apart any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Change = tuple[int, int, str]
Where = Literal["before", "after", "proposal", "original", "across"]


@dataclass
class Block:
    """Offsets `a <= b <= c` into the current text."""

    a: int
    b: int
    c: int

    def where(self, change: Change) -> Where:
        """What `change` touches."""
        s, e, _ = change
        a, b, c = self.a, self.b, self.c
        if s == e:  # an insertion at s
            if s <= a:
                return "before"
            if s < b:
                return "proposal"
            if s < c or s == b:
                return "original"
            return "after"
        if e <= a:
            return "before"
        if s >= c:
            return "after"
        if a <= s and e <= b:
            return "proposal"
        if b <= s and e <= c:
            return "original"
        return "across"

    def apply(self, change: Change) -> Where:
        """Move the block through `change`; returns what it touched."""
        where = self.where(change)
        s, e, text = change
        delta = len(text) - (e - s)
        if where == "before":
            self.a += delta
            self.b += delta
            self.c += delta
        elif where == "proposal":
            self.b += delta
            self.c += delta
        elif where == "original":
            self.c += delta
        return where

    def copy(self) -> Block:
        """An independent copy."""
        return Block(self.a, self.b, self.c)


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
