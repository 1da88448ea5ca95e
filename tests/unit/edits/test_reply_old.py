"""Unwrapping replies and fitting their indentation to the selection."""

from __future__ import annotations

from kimi_lsp.edits.reply import Fitting, progressive, streamed_code, unwrap


def test_unwrap_one_fence_with_or_without_prose() -> None:
    assert unwrap("```python\nx = 1\ny = 2\n```\n") == "x = 1\ny = 2\n"
    assert unwrap("Here you go:\n\n```py\nx = 1\n```\nHope it helps.") == "x = 1\n"
    assert unwrap("x = 1\n") == "x = 1\n"
    assert unwrap("````\na ``` b\n````") == "a ``` b\n"
    assert unwrap("") == ""


def test_streamed_code_only_complete_lines_of_a_fenced_block() -> None:
    assert streamed_code("```py") is None
    assert streamed_code("```py\nx = ") == ""
    assert streamed_code("```py\nx = 1\ny") == "x = 1\n"
    assert streamed_code("\n```py\nx = 1\n```\nprose\n") == "x = 1\n"
    assert streamed_code("Sure! Here is the code:\n```py\nx = 1\n") is None


def test_fit_whole_lines_keeps_relative_indentation() -> None:
    text = "class A:\n    def f(self):\n        return 1\n"
    start = text.index("    def")
    fitting = Fitting.of(text, start, len(text))
    code = "def f(self) -> int:\n    return 1\n"
    assert fitting.fit(code, final=True) == "    def f(self) -> int:\n        return 1\n"


def test_fit_selection_starting_after_indentation() -> None:
    text = "if x:\n    call(a,\n         b)\n"
    start = text.index("call")
    end = text.index("b)") + 2
    fitting = Fitting.of(text, start, end)
    assert fitting.mid_line
    assert not fitting.ends_with_newline
    assert (
        fitting.fit("call(\n    a,\n    b,\n)\n", final=True)
        == "call(\n        a,\n        b,\n    )"
    )


def test_replies_that_keep_the_exact_indentation_are_left_alone() -> None:
    text = "class Cart:\n    def total(self):\n        return 1\n"
    mid = Fitting.of(text, text.index("def"), len(text))
    assert mid.fit("def total(self) -> int:\n        return 1\n", final=True) == (
        "def total(self) -> int:\n        return 1\n"
    )
    whole = Fitting.of(text, text.index("    def"), len(text))
    assert whole.fit("    def total(self) -> int:\n        return 1\n", final=True) == (
        "    def total(self) -> int:\n        return 1\n"
    )


def test_fit_blank_lines_carry_no_indentation() -> None:
    fitting = Fitting("  ", False, True)
    assert fitting.fit("a\n\n    b\n", final=True) == "  a\n\n      b\n"


def test_progressive_replaces_old_lines_one_by_one() -> None:
    assert progressive("a\nb\nc\n", "X\n") == "X\nb\nc\n"
    assert progressive("a\nb\n", "X\nY\nZ\n") == "X\nY\nZ\n"
    assert progressive("a\nb", "") == "a\nb"
