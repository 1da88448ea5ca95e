"""A small scanner for Python source that may not parse: strings, comments, def headers.

Selections are often partial (a method without its class, half a function), so nothing
here uses ``ast``: it skips string literals and comments by hand and finds the ``def`` and
``class`` headers, however many lines they span.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .rewritecode import line_end

DEF_LINE = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+([^\W\d]\w*)", re.M)
OPENERS = "([{"
CLOSERS = ")]}"


def skip_string(text: str, start: int) -> int:
    """The offset just past the string literal opening at ``start`` (end of text if open)."""
    quote = text[start]
    delimiter = quote * 3 if text.startswith(quote * 3, start) else quote
    index = start + len(delimiter)
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if text.startswith(delimiter, index):
            return index + len(delimiter)
        if char == "\n" and len(delimiter) == 1:
            return index
        index += 1
    return len(text)


def noise_spans(text: str) -> list[tuple[int, int]]:
    """The spans of the string literals and comments of ``text``."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "#":
            end = line_end(text, index)
        elif char in "\"'":
            end = skip_string(text, index)
        else:
            index += 1
            continue
        spans.append((index, end))
        index = max(end, index + 1)
    return spans


def inside(spans: list[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` is inside one of ``spans``."""
    return any(start <= offset < end for start, end in spans)


def skip_blank(text: str, start: int, end: int) -> int:
    """The first offset in ``[start, end)`` that is neither whitespace nor a comment."""
    index = start
    while index < end:
        if text[index] == "#":
            index = line_end(text, index)
        elif text[index].isspace():
            index += 1
        else:
            break
    return index


@dataclass
class PyDef:
    """A ``def`` or ``class`` header found in the text."""

    kind: str
    name: str
    indent: str
    parens: tuple[int, int] | None
    """The offsets of the first top-level ``(`` and its ``)``."""
    colon: int
    header_end: int
    """The end of the line holding the header's colon."""
    inline_body: str
    """Code after the colon on the same line (a one-line body), without its comment."""


def _code_chars(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """The offsets and characters of ``text[start:end]`` outside strings and comments."""
    index = start
    while index < end:
        char = text[index]
        if char == "#":
            index = line_end(text, index)
        elif char in "\"'":
            index = skip_string(text, index)
        else:
            yield index, char
            index += 1


def _scan_header(text: str, start: int) -> tuple[tuple[int, int] | None, int] | None:
    """Find the parentheses and the colon of the header starting at ``start``."""
    depth = 0
    opened: int | None = None
    parens: tuple[int, int] | None = None
    for index, char in _code_chars(text, start, len(text)):
        if char in OPENERS:
            if depth == 0 and char == "(" and opened is None:
                opened = index
            depth += 1
        elif char in CLOSERS:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0 and opened is not None and parens is None:
                parens = (opened, index)
        elif char == ":" and depth == 0:
            return parens, index
        elif char == "\n" and depth == 0 and text[index - 1] != "\\":
            return None
    return None


def python_defs(text: str) -> list[PyDef]:
    """The ``def`` and ``class`` headers of ``text`` (not those inside strings), in order."""
    spans = noise_spans(text)
    found: list[PyDef] = []
    for match in DEF_LINE.finditer(text):
        if inside(spans, match.start(2)):
            continue
        scanned = _scan_header(text, match.end())
        if scanned is None:
            continue
        parens, colon = scanned
        end = line_end(text, colon)
        rest = text[colon + 1 : end]
        body = "" if rest.strip().startswith("#") else rest.strip()
        indent, kind, name = match.groups()
        found.append(PyDef(kind, name, indent, parens, colon, end, body))
    return found


def top_level_commas(text: str, start: int, end: int) -> list[int]:
    """The offsets of the commas of ``text[start:end]`` outside brackets, strings, comments."""
    commas: list[int] = []
    depth = 0
    for index, char in _code_chars(text, start, end):
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth -= 1
        elif char == "," and depth == 0:
            commas.append(index)
    return commas


def code_only(line: str) -> str:
    """``line`` with its string literals emptied and its comment removed."""
    spans = noise_spans(line)
    for start, end in reversed(spans):
        filler = "" if line[start] == "#" else "''"
        line = line[:start] + filler + line[end:]
    return line
