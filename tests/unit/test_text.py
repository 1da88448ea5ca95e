"""Positions in UTF-8/16/32 and the incrementally maintained line index."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kimi_lsp.text import LineIndex, units

TEXT = st.text(alphabet=st.sampled_from(list("ab \t\n\r😀é\u2028\x0c")), max_size=60)


@given(TEXT, st.data())
def test_edited_index_equals_a_fresh_one(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    new = data.draw(TEXT)
    edited = LineIndex(text).edited(start, end, new)
    fresh = LineIndex(text[:start] + new + text[end:])
    assert edited.text == fresh.text
    assert edited.starts == fresh.starts


@given(TEXT, st.sampled_from(["utf-8", "utf-16", "utf-32"]), st.data())
def test_positions_round_trip(text: str, encoding: str, data: st.DataObject) -> None:
    index = LineIndex(text)
    offset = data.draw(st.integers(0, len(text)))
    while 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        offset -= 1  # inside a CRLF is not a position
    line, character = index.position(offset, encoding)  # type: ignore[arg-type]
    assert index.offset(line, character, encoding) == offset  # type: ignore[arg-type]


def test_only_lsp_line_breaks_count() -> None:
    index = LineIndex("a\x0cb\u2028c\r\nd\re\n")
    assert index.line_count == 4  # "a.b.c", "d", "e", ""
    assert index.line_text(0) == "a\x0cb\u2028c"


def test_units() -> None:
    assert units("a😀é", "utf-8") == 1 + 4 + 2
    assert units("a😀é", "utf-16") == 1 + 2 + 1
    assert units("a😀é", "utf-32") == 3
