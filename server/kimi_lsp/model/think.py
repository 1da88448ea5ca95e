"""Reasoning written inside the content, as `<think>...</think>`, taken out of it.

Servers that do not parse a model's reasoning (vLLM or llama.cpp without a reasoning
parser, some gateways) send it as content wrapped in think tags. `ThinkSplitter` routes
such text to the reasoning channel as it streams: a tag split across chunks is held back
until it is complete, so no piece of a tag, and nothing inside one, reaches the content.
An unclosed `<think>` keeps everything after it as reasoning; whitespace right after a
closing tag is dropped while no content has been written yet.
"""

from __future__ import annotations

_OPEN = ("<think>", "<thinking>")
_CLOSE = {"<think>": "</think>", "<thinking>": "</thinking>"}

Piece = tuple[bool, str]
"""(is_reasoning, text)."""


class ThinkSplitter:
    """Splits streamed content into reasoning (inside think tags) and the rest."""

    def __init__(self) -> None:
        self._held = ""  # the end of the text so far that may begin a tag
        self._close: str | None = None  # the closing tag awaited, when inside a block
        self._wrote_content = False
        self._trim = False  # drop whitespace that follows a closing tag

    def feed(self, text: str) -> list[Piece]:
        """The pieces `text` completes, in order."""
        text = self._held + text
        self._held = ""
        out: list[Piece] = []
        while text:
            if self._close is None:
                at, tag = _first(text, _OPEN)
                if tag is None:
                    keep = _partial_tail(text, _OPEN)
                    self._content(out, text[: len(text) - keep])
                    self._held = text[len(text) - keep :]
                    return out
                self._content(out, text[:at])
                self._close = _CLOSE[tag]
                text = text[at + len(tag) :]
            else:
                at = text.find(self._close)
                if at < 0:
                    keep = _partial_tail(text, (self._close,))
                    _add(out, True, text[: len(text) - keep])
                    self._held = text[len(text) - keep :]
                    return out
                _add(out, True, text[:at])
                text = text[at + len(self._close) :]
                self._close = None
                self._trim = not self._wrote_content
        return out

    def flush(self) -> list[Piece]:
        """The end of the stream: whatever was held back, as what it would have been."""
        held, self._held = self._held, ""
        out: list[Piece] = []
        if self._close is not None:
            _add(out, True, held)
        else:
            self._content(out, held)
        return out

    def _content(self, out: list[Piece], text: str) -> None:
        if self._trim:
            text = text.lstrip()
            if not text:
                return
            self._trim = False
        if text:
            self._wrote_content = True
            _add(out, False, text)


def _add(out: list[Piece], reasoning: bool, text: str) -> None:
    if text:
        out.append((reasoning, text))


def _first(text: str, tags: tuple[str, ...]) -> tuple[int, str | None]:
    best, found = -1, None
    for tag in tags:
        at = text.find(tag)
        if at >= 0 and (best < 0 or at < best):
            best, found = at, tag
    return best, found


def _partial_tail(text: str, tags: tuple[str, ...]) -> int:
    """Length of the longest end of `text` that is the start of one of `tags`."""
    longest = max(len(tag) for tag in tags)
    for size in range(min(len(text), longest - 1), 0, -1):
        tail = text[-size:]
        if any(tag.startswith(tail) for tag in tags):
            return size
    return 0
