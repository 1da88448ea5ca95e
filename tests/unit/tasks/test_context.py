"""The selection's surroundings stay bounded whatever the document's shape."""

from __future__ import annotations

import gc

import pytest

from kimi_lsp.ghost_text import context as completion_context
from kimi_lsp.ghost_text.context import best_snippets
from kimi_lsp.tasks.context import SelectionTooLarge, gather
from kimi_lsp.text import LineIndex


def cut(text: str, start: int, end: int, limit: int = 100) -> tuple[str, str, bool]:
    data = gather(
        LineIndex(text),
        start,
        end,
        path="a.py",
        language="python",
        context_lines=40,
        max_selection_chars=1000,
        max_context_chars=limit,
    )
    return data.before, data.after, data.trimmed


def test_short_context_is_whole_lines_and_untrimmed() -> None:
    text = "a = 1\nb = 2\nc = 3\n"
    start = text.index("b")
    before, after, trimmed = cut(text, start, start + 5)
    assert (before, after, trimmed) == ("a = 1\n", "\nc = 3\n", False)


def test_long_lines_around_a_selection_are_cut_at_line_boundaries() -> None:
    lines = [f"line_{n} = {'x' * 30}\n" for n in range(30)]
    text = "".join(lines)
    start = text.index("line_15")
    before, after, trimmed = cut(text, start, start + len(lines[15]))
    assert trimmed
    assert len(before) <= 100
    assert len(after) <= 100
    assert before.endswith(lines[14])
    assert before == "" or before in text
    assert text[:start].endswith(before)
    assert before.startswith("line_")
    assert text[start + len(lines[15]) :].startswith(after)
    assert after.endswith("\n")


def test_a_megabyte_line_next_to_the_selection_is_cut_inside_the_line() -> None:
    text = "def f():\n    return 1\n" + "x = '" + "y" * 1_000_000 + "'\n" + "z = 2\n"
    start = text.index("def")
    before, after, trimmed = cut(text, start, text.index("\nx ="), limit=5_000)
    assert trimmed
    assert before == ""
    assert len(after) == 5_000
    start = text.index("z = 2")
    before, after, trimmed = cut(text, start, start + 5, limit=5_000)
    assert trimmed
    assert len(before) == 5_000
    assert after == "\n"


def test_a_selection_over_the_limit_is_refused_with_the_setting_named() -> None:
    text = "y" * 5000
    with pytest.raises(SelectionTooLarge, match="maxSelectionChars"):
        cut(text, 0, 5000)


def test_neighbour_windows_die_with_their_document() -> None:
    index = LineIndex("def helper_total(values):\n    return sum(values)\n" * 10)
    found = best_snippets("helper_total values sum", [("other.py", index)], 2_000)
    assert found
    assert found[0][0] == "other.py"
    assert index in completion_context._WINDOWS
    del index
    gc.collect()
    assert len(completion_context._WINDOWS) == 0
