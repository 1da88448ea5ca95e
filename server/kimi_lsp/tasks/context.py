"""The selection and the lines around it, as every prompt shows them."""

from __future__ import annotations

from dataclasses import dataclass

from kimi_lsp.model.errors import ModelError
from kimi_lsp.text import LineIndex


class SelectionTooLarge(ModelError):
    """The selection is larger than the command allows."""

    kind = "too-large"


@dataclass(frozen=True)
class SelectionContext:
    """The selection and its surroundings, cut at line boundaries."""

    path: str
    language: str
    before: str
    selection: str
    after: str
    trimmed: bool = False
    """True when the surroundings were cut to `max_context_chars` on a side."""


def gather(
    index: LineIndex,
    start: int,
    end: int,
    *,
    path: str,
    language: str,
    context_lines: int,
    max_selection_chars: int,
    max_context_chars: int = 20_000,
) -> SelectionContext:
    """Cut the selection and `context_lines` whole lines around it out of the text.

    An empty selection means the whole line under the cursor. Each side is cut to
    `max_context_chars`, at a line boundary when one is near enough, so a document of very
    long lines still sends a bounded prompt.
    """
    text = index.text
    if start == end:
        line, _ = index.position(start, "utf-32")
        start = index.starts[line]
        end = start + len(index.line_text(line))
    selection = text[start:end]
    if len(selection) > max_selection_chars:
        raise SelectionTooLarge(
            f"The selection has {len(selection):,} characters, more than "
            f"kimi.explain.maxSelectionChars ({max_selection_chars:,}). Select less, or raise it."
        )
    first, _ = index.position(start, "utf-32")
    last, _ = index.position(end, "utf-32")
    before_start = index.starts[max(0, first - context_lines)]
    after_line = min(index.line_count, last + 1 + context_lines)
    after_end = index.starts[after_line] if after_line < index.line_count else len(text)
    before = _keep_end(text, before_start, start, max_context_chars)
    after = _keep_start(text, end, after_end, max_context_chars)
    return SelectionContext(
        path=path,
        language=language,
        before=before,
        selection=selection,
        after=after,
        trimmed=len(before) < start - before_start or len(after) < after_end - end,
    )


def _keep_end(text: str, start: int, end: int, limit: int) -> str:
    """The last `limit` characters of text[start:end], from a line start when that keeps at
    least half of them (else from inside a long line)."""
    if end - start <= limit:
        return text[start:end]
    cut = end - limit
    newline = text.find("\n", cut, end - limit // 2)
    return text[newline + 1 if newline != -1 else cut : end]


def _keep_start(text: str, start: int, end: int, limit: int) -> str:
    """The first `limit` characters of text[start:end], to a line end when that keeps at
    least half of them (else into a long line)."""
    if end - start <= limit:
        return text[start:end]
    newline = text.rfind("\n", start + limit // 2, start + limit)
    return text[start : newline + 1 if newline != -1 else start + limit]
