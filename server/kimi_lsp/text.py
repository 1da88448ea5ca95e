"""Positions in the client's units (UTF-8, UTF-16 or UTF-32) and offsets into text.

LSP lines end at `\\n`, `\\r\\n` or `\\r` only. Characters beyond the end of a line mean
the end of that line (as the specification says); lines beyond the end are an error.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]
_EOL = re.compile(r"\r\n|\r|\n")


def encoding_name(value: object) -> str:
    """ "utf-8", "utf-16" or "utf-32" from a negotiated encoding (enum or string)."""
    name = str(getattr(value, "value", value) or "utf-16").lower()
    if name not in ("utf-8", "utf-16", "utf-32"):
        raise ValueError(f"unknown position encoding {value!r}")
    return name


class PositionError(ValueError):
    """A position that is not in the document."""


def units(text: str, encoding: Encoding) -> int:
    """Length of `text` in code units of `encoding`."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _code_points(line: str, count: int, encoding: Encoding) -> int:
    """How many code points of `line` make up `count` code units (clamped to the line)."""
    if encoding == "utf-32" or line.isascii():
        return min(count, len(line))
    used = 0
    for index, ch in enumerate(line):
        width = len(ch.encode("utf-8")) if encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1)
        if used + width > count:
            return index
        used += width
    return len(line)


class LineIndex:
    """Line starts of one text, for converting positions both ways."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in _EOL.finditer(text))]

    def edited(self, start: int, end: int, new: str) -> LineIndex:
        """The index of the text with [start, end) replaced by `new`, without rescanning
        the whole text (a full rescan only where a `\r` could join or split a CRLF)."""
        text = self.text[:start] + new + self.text[end:]
        if "\r" in new or "\r" in self.text[max(0, start - 1) : end + 1]:
            return LineIndex(text)
        first = bisect_right(self.starts, start)
        after = bisect_right(self.starts, end)
        delta = len(new) - (end - start)
        inserted = [start + m.end() for m in _EOL.finditer(new)]
        index = LineIndex.__new__(LineIndex)
        index.text = text
        index.starts = self.starts[:first] + inserted + [x + delta for x in self.starts[after:]]
        return index

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing newline starts an empty last line)."""
        return len(self.starts)

    def line_text(self, line: int) -> str:
        """The text of `line` without its line ending."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset(self, line: int, character: int, encoding: Encoding) -> int:
        """Offset (in code points) of a client position."""
        if line < 0 or character < 0:
            raise PositionError(f"line {line}, character {character} is negative")
        if line >= len(self.starts):
            raise PositionError(
                f"line {line} is past the end of the document ({len(self.starts)} lines)"
            )
        return self.starts[line] + _code_points(self.line_text(line), character, encoding)

    def clamped_offset(self, position: object, encoding: Encoding) -> int:
        """Offset of an LSP `Position`, clamping lines past the end to the end of the text."""
        line = getattr(position, "line", 0)
        character = getattr(position, "character", 0)
        if line >= len(self.starts):
            return len(self.text)
        return self.offset(max(line, 0), max(character, 0), encoding)

    def position(self, offset: int, encoding: Encoding) -> tuple[int, int]:
        """Client position (line, character) of an offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return line, units(self.text[start:offset], encoding)
