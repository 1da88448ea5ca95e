"""Reading replies: LSP line breaks, CommonMark fences, fitting indentation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kimi_lsp.edits.reply import (
    CodeReader,
    Fence,
    Fitting,
    LineSplitter,
    NotWhole,
    native,
    split_lines,
    unwrap,
)


def test_unwrap_one_fence_with_or_without_prose() -> None:
    assert unwrap("```python\nx = 1\ny = 2\n```\n") == "x = 1\ny = 2\n"
    assert unwrap("Here you go:\n\n```py\nx = 1\n```\nHope it helps.") == "x = 1\n"
    assert unwrap("x = 1\n") == "x = 1\n"
    assert unwrap("````\na ``` b\n````") == "a ``` b\n"
    assert unwrap("```\n```") == ""  # an empty block: delete the selection


def test_a_reply_without_code_or_with_an_unclosed_fence_is_not_whole() -> None:
    with pytest.raises(NotWhole):
        unwrap("")
    with pytest.raises(NotWhole):
        unwrap("```py\nx = 1\n")
    with pytest.raises(NotWhole):
        unwrap("```py\ndef f():\n    ```\n")  # indented 4: code, not a closing fence


def test_fences_inside_the_code_are_code() -> None:
    reply = (
        "```python\n"
        "def f():\n"
        '    """Example:\n'
        "\n"
        "    ```\n"  # indented more than 3 spaces
        "    f()\n"
        "    ```\n"
        '    """\n'
        "``\n"  # shorter than the opening
        "~~~\n"  # another character
        "```\n"
        "after the block\n"
    )
    assert unwrap(reply) == (
        'def f():\n    """Example:\n\n    ```\n    f()\n    ```\n    """\n``\n~~~\n'
    )


def test_closing_fence_rules() -> None:
    fence = Fence.opening("```python")
    assert fence == Fence("`", 3, 0)
    assert fence.closes("```")
    assert fence.closes("   ````  ")
    assert not fence.closes("    ```")
    assert not fence.closes("\t```")
    assert not fence.closes("``` python")
    assert not fence.closes("~~~")
    assert Fence.opening("    ```") is None
    assert Fence.opening("``` a`b") is None
    assert Fence.opening("~~~ a`b") == Fence("~", 3, 0)
    indented = Fence.opening("  ```")
    assert indented is not None
    assert indented.content("    x = 1\n") == "  x = 1\n"
    assert indented.content(" y\n") == "y\n"


def test_streaming_hands_out_complete_code_lines_once() -> None:
    reader = CodeReader()
    assert reader.feed("Sure:\n``") == []
    assert reader.feed("`py\nx = ") == []
    assert reader.feed("1\ny") == ["x = 1\n"]
    assert reader.feed(" = 2\n```\nprose\n") == ["y = 2\n"]
    assert reader.finish() == "x = 1\ny = 2\n"


def test_line_breaks_are_lsp_line_breaks_only() -> None:
    assert split_lines("a\r\nb\rc\nd") == ["a\r\n", "b\r", "c\n", "d"]
    assert split_lines("a\u2028b\x0cc\n") == ["a\u2028b\x0cc\n"]
    splitter = LineSplitter()
    assert splitter.feed("a\r") == []
    assert splitter.feed("\nb\r") == ["a\r\n"]
    assert splitter.feed("c") == ["b\r"]
    assert splitter.rest() == "c"


def test_native_writes_the_documents_line_break() -> None:
    assert native("a\r\nb\rc\n", "\n") == "a\nb\nc\n"
    assert native("a\nb\r\n", "\r\n") == "a\r\nb\r\n"
    assert native("a\u2028b\n", "\r\n") == "a\u2028b\r\n"


@given(st.text(alphabet="ab\r\n\u2028", max_size=40), st.data())
def test_any_chunking_gives_the_same_lines(text: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=8)))
    splitter = LineSplitter()
    lines: list[str] = []
    last = 0
    for cut in [*cuts, len(text)]:
        lines += splitter.feed(text[last:cut])
        last = cut
    rest = splitter.rest()
    assert ([*lines, rest] if rest else lines) == split_lines(text)
    assert "".join(lines) + rest == text


def test_fit_whole_lines_keeps_relative_indentation() -> None:
    text = "class A:\n    def f(self):\n        return 1\n"
    start = text.index("    def")
    fitting = Fitting.of(text, start, len(text))
    code = "def f(self) -> int:\n    return 1\n"
    assert fitting.fit(code, final=True) == "    def f(self) -> int:\n        return 1\n"
    streaming = fitting.streaming()
    assert [streaming.line(line) for line in split_lines(code)] == [
        "    def f(self) -> int:\n",
        "        return 1\n",
    ]


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


def test_fitting_a_crlf_document() -> None:
    text = "class A:\r\n    def f(self):\r\n        return 1\r\n"
    fitting = Fitting.of(text, text.index("    def"), len(text))
    assert fitting.base == "    "
    assert fitting.ends_with_newline
    assert native(fitting.fit("def f(self):\n    return 2\n", final=True), "\r\n") == (
        "    def f(self):\r\n        return 2\r\n"
    )
