"""Answering without the model: typing through a shown suggestion, and a small LRU cache
of completions keyed by the text around the cursor."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from kimi_lsp.ghost_text.context import CursorContext
from kimi_lsp.ghost_text.postprocess import drop_closing_overlap

ANCHOR_CHARS = 64


@dataclass(frozen=True)
class Shown:
    """The suggestions last shown in a document, and where."""

    offset: int
    anchor: str
    """The text just before `offset` when they were shown."""
    texts: tuple[str, ...]


class TypingThrough:
    """While the user types the start of a suggestion, the rest is the answer."""

    def __init__(self) -> None:
        self._shown: dict[str, Shown] = {}

    def remember(self, uri: str, text: str, offset: int, texts: list[str]) -> None:
        """Record suggestions shown at `offset`."""
        if texts:
            anchor = text[max(0, offset - ANCHOR_CHARS) : offset]
            self._shown[uri] = Shown(offset, anchor, tuple(texts))

    def forget(self, uri: str) -> None:
        """Drop the document's suggestions."""
        self._shown.pop(uri, None)

    def remainder(self, uri: str, text: str, offset: int) -> list[str] | None:
        """The unfinished rest of each suggestion the typing since then agrees with."""
        shown = self._shown.get(uri)
        if shown is None or not 0 <= offset - shown.offset < max(map(len, shown.texts)):
            return None
        if text[max(0, shown.offset - len(shown.anchor)) : shown.offset] != shown.anchor:
            return None
        typed = text[shown.offset : offset]
        if "\n" in typed and not all("\n" in t for t in shown.texts):
            return None
        rest = [t[len(typed) :] for t in shown.texts if t.startswith(typed) and len(t) > len(typed)]
        end = text.find("\n", offset)
        after = text[offset : end if end >= 0 else len(text)].rstrip("\r")
        if after.strip():  # e.g. an editor's auto-inserted `)`: never type it twice
            rest = [_without_overlap(r, after) for r in rest]
        rest = [r for r in rest if r.strip()]
        return rest or None


class CompletionCache:
    """A small LRU of completions, keyed by the context around the cursor."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[tuple[object, ...], list[str]] = OrderedDict()

    @staticmethod
    def key(ctx: CursorContext, *extra: object) -> tuple[object, ...]:
        """What identifies a place: the text just before and after the cursor."""
        return (ctx.prefix[-256:], ctx.suffix[:128], *extra)

    def get(self, key: tuple[object, ...]) -> list[str] | None:
        """A remembered completion, marked as recently used."""
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple[object, ...], texts: list[str]) -> None:
        """Remember a completion, evicting the least recently used."""
        self._items[key] = texts
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


def _without_overlap(rest: str, after: str) -> str:
    first, newline, more = rest.partition("\n")
    return drop_closing_overlap(first, after) + newline + more
