"""Post-processing rules, on real-looking model outputs, good and bad."""

from __future__ import annotations

import pytest

from kimi_lsp.ghost_text.context import cursor_context
from kimi_lsp.ghost_text.postprocess import clean, extract, wants_multiline
from kimi_lsp.text import LineIndex


def ctx_at(source: str):  # type: ignore[no-untyped-def]
    """`source` with a `|` where the cursor is."""
    offset = source.index("|")
    text = source.replace("|", "", 1)
    return cursor_context(LineIndex(text), offset, 1500)


def run(source: str, reply: str) -> str | None:
    ctx = ctx_at(source)
    multiline = wants_multiline(ctx)
    return clean(extract(reply)[0], ctx, multiline)


EMPTY_BODY = "def total(items):\n    |\n\nprint(total([1]))\n"


BODY = "result = 0\n    for item in items:\n        result += item\n    return result"


def test_tagged_multiline_body() -> None:
    assert run(EMPTY_BODY, f"<completion>{BODY}</completion>") == BODY


def test_cut_by_the_stop_sequence_before_the_closing_tag() -> None:
    assert run(EMPTY_BODY, "<completion>return sum(items)") == "return sum(items)"


def test_lines_indented_out_of_the_block_are_cut_not_guessed() -> None:
    flush_left = "result = 0\nfor item in items:\n    result += item\nreturn result"
    assert run(EMPTY_BODY, f"<completion>{flush_left}</completion>") == "result = 0"


def test_prose_and_fences_around_the_code() -> None:
    reply = "Sure! Here is the completion:\n```python\nreturn sum(items)\n```"
    assert (
        run("def total(items):\n    return |\n", "<completion>" + "sum(items)</completion>")
        == "sum(items)"
    )
    assert run(EMPTY_BODY, "```python\n    return sum(items)\n```") == "return sum(items)"
    assert run(EMPTY_BODY, reply) is not None


def test_leaked_reasoning_is_dropped() -> None:
    reply = "<think>The user wants a sum.</think><completion>return sum(items)</completion>"
    assert run(EMPTY_BODY, reply) == "return sum(items)"


def test_echo_of_the_line_before_the_cursor_is_dropped() -> None:
    assert run("x = compu|\n", "<completion>x = compute(1)</completion>") == "te(1)"
    assert run("value = max(|\n", "<completion>value = max(a, b</completion>") == "a, b"


def test_closing_bracket_after_the_cursor_is_not_repeated() -> None:
    assert run("print(|)\n", '<completion>"done")</completion>') == '"done"'
    assert run("x = max(|)\n", "<completion>len(a), len(b))</completion>") == "len(a), len(b)"


def test_brackets_the_completion_opens_itself_stay() -> None:
    assert run("print(|)\n", "<completion>foo()</completion>") == "foo()"


def test_one_line_when_text_follows_the_cursor() -> None:
    assert run("result = |  # note\n", "<completion>compute()\nmore()</completion>") == "compute()"


def test_block_ends_where_the_code_dedents() -> None:
    reply = "<completion>return x\n\ndef other():\n    pass</completion>"
    assert run("def f(x):\n    |\n", reply) == "return x"


def test_lines_already_after_the_cursor_are_not_repeated() -> None:
    source = "def f(x):\n    |\n    return y\n"
    reply = "<completion>y = x * 2\n    return y</completion>"
    assert run(source, reply) == "y = x * 2"


@pytest.mark.parametrize(
    "reply", ["<completion></completion>", "<completion>   \n  </completion>", ""]
)
def test_empty_or_blank_means_no_item(reply: str) -> None:
    assert run(EMPTY_BODY, reply) is None


def test_multiline_decision() -> None:
    assert wants_multiline(ctx_at("def f():\n    |\n"))
    assert wants_multiline(ctx_at("if x:|\n"))
    assert not wants_multiline(ctx_at("x = |\n"))
    assert not wants_multiline(ctx_at("print(|)\n"))


def test_alternatives_are_extracted_in_order() -> None:
    assert extract("<completion>a</completion>\n<completion>b</completion>") == ["a", "b"]


def test_typing_through_does_not_repeat_an_auto_inserted_bracket() -> None:
    from kimi_lsp.ghost_text.reuse import TypingThrough

    reuse = TypingThrough()
    text = "x = \n"
    reuse.remember("u", text, 4, ["foo(bar)"])
    typed = "x = foo()\n"  # the editor closed the bracket itself
    assert reuse.remainder("u", typed, 8) == ["bar"]
    assert reuse.remainder("u", "x = foo(\n", 8) == ["bar)"]
