"""What the model sees around the cursor, within a token budget, in time independent of
the file's size: windows cut at line boundaries around the cursor's line, found through
the document's line index (never a scan of the whole text)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from kimi_lsp.text import LineIndex

CHARS_PER_TOKEN = 4
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")


@dataclass(frozen=True)
class CursorContext:
    """The prefix and suffix windows, and facts about the cursor's line."""

    prefix: str
    suffix: str
    line_before: str
    """The cursor's line up to the cursor."""
    line_after: str
    """The cursor's line from the cursor (without the line ending)."""
    offset: int

    @property
    def indent(self) -> str:
        """Leading whitespace of the cursor's line."""
        return self.line_before[: len(self.line_before) - len(self.line_before.lstrip(" \t"))]


def cursor_context(index: LineIndex, offset: int, budget_tokens: int) -> CursorContext:
    """Prefix (about 3/4 of the budget) and suffix (the rest) around `offset`."""
    text = index.text
    line, _ = index.position(offset, "utf-32")
    line_start = index.starts[line]
    line_after = text[offset : line_start + len(index.line_text(line))]
    budget = budget_tokens * CHARS_PER_TOKEN
    prefix_budget = budget * 3 // 4
    first = line
    while first > 0 and offset - index.starts[first - 1] <= prefix_budget:
        first -= 1
    prefix_start = index.starts[first]
    if offset - prefix_start > prefix_budget:  # one huge line: keep its end
        prefix_start = offset - prefix_budget
    suffix_budget = budget - (offset - prefix_start)
    last = line + 1
    while last < index.line_count and index.starts[last] - offset <= suffix_budget:
        last += 1
    suffix_end = index.starts[last] if last < index.line_count else len(text)
    if suffix_end - offset > suffix_budget:
        suffix_end = offset + max(suffix_budget, len(line_after))
        suffix_end = min(suffix_end, offset + max(suffix_budget, 0), len(text))
    return CursorContext(
        prefix=text[prefix_start:offset],
        suffix=text[offset:suffix_end],
        line_before=text[line_start:offset],
        line_after=line_after,
        offset=offset,
    )


def words(text: str) -> frozenset[str]:
    """Identifier-like words, for similarity between snippets."""
    return frozenset(_WORD.findall(text))


def best_snippets(
    query: str,
    documents: list[tuple[str, LineIndex]],
    budget_chars: int,
    window: int = 12,
    limit: int = 2,
) -> list[tuple[str, str]]:
    """The windows of other documents most similar to `query` (Jaccard over words).

    Bounded: at most 200 windows per document, from its first 2,400 lines.
    """
    wanted = words(query)
    if not wanted or budget_chars <= 0:
        return []
    scored: list[tuple[float, str, str]] = []
    for path, index in documents:
        for chunk, found in _windows(index, window):
            score = len(wanted & found) / len(wanted | found)
            if score > 0.1:
                scored.append((score, path, chunk))
    scored.sort(key=lambda item: -item[0])
    out: list[tuple[str, str]] = []
    used = 0
    for _, path, chunk in scored[:limit]:
        if used + len(chunk) > budget_chars:
            break
        out.append((path, chunk.rstrip("\n")))
        used += len(chunk)
    return out


Windows = tuple[tuple[str, frozenset[str]], ...]
_WINDOWS: WeakKeyDictionary[LineIndex, dict[int, Windows]] = WeakKeyDictionary()
"""Windows per document version, held only as long as the server holds that version (a
closed document or an old version takes its windows with it)."""


def _windows(index: LineIndex, window: int) -> Windows:
    """A document's windows and their words, computed once per version of its text (the
    server keeps one LineIndex object per version)."""
    known = _WINDOWS.setdefault(index, {})
    if window not in known:
        known[window] = _compute_windows(index, window)
    return known[window]


def _compute_windows(index: LineIndex, window: int) -> Windows:
    out = []
    lines = min(index.line_count, 2_400)
    for first in range(0, lines, window // 2):
        start = index.starts[first]
        last = min(first + window, index.line_count)
        end = index.starts[last] if last < index.line_count else len(index.text)
        chunk = index.text[start:end]
        found = words(chunk)
        if found:
            out.append((chunk, found))
    return tuple(out)
