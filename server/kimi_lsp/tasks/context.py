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


def gather(
    index: LineIndex,
    start: int,
    end: int,
    *,
    path: str,
    language: str,
    context_lines: int,
    max_selection_chars: int,
) -> SelectionContext:
    """Cut the selection and `context_lines` whole lines around it out of the text.

    An empty selection means the whole line under the cursor.
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
    return SelectionContext(
        path=path,
        language=language,
        before=text[before_start:start],
        selection=selection,
        after=text[end:after_end],
    )
