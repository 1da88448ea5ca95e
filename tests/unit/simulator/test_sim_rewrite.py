"""The default answer to rewrite requests: one code block with the transformed selection."""

from __future__ import annotations

import re

import httpx
import pytest

from kimi_lsp.prompts import PRESETS, rewrite_messages
from kimi_lsp.simulator.responder import default_turn

from .helpers import MODEL, kinds, tool_calls
from .rewrite_helpers import block, cut, rewrite

CART = """\
import os
from decimal import Decimal

from .pricing import discount_for


class Cart:
    def __init__(self, items, currency="EUR"):
        self.items = items
        self.currency = currency

    def total_value(self, tax=Decimal("0.2")):
        subtotal = sum(item.price for item in self.items)

        def rounded(value):
            return value.quantize(Decimal("0.01"))

        return rounded(subtotal * (1 + tax) - discount_for(self))

    def is_empty(self):
        return True if len(self.items) == 0 else False
"""


async def test_docstring_preset_mid_line_selection_without_newline(
    client: httpx.AsyncClient,
) -> None:
    parts = cut(CART, "def __init__", "\n\n    def is_empty")
    reasoning, content, _ = await rewrite(client, PRESETS["docstring"], parts)
    assert content == block(
        'def __init__(self, items, currency="EUR"):\n'
        '        """Initialize the instance."""\n'
        "        self.items = items\n"
        "        self.currency = currency\n"
        "\n"
        '    def total_value(self, tax=Decimal("0.2")):\n'
        '        """Total value."""\n'
        "        subtotal = sum(item.price for item in self.items)\n"
        "\n"
        "        def rounded(value):\n"
        '            """Rounded."""\n'
        '            return value.quantize(Decimal("0.01"))\n'
        "\n"
        "        return rounded(subtotal * (1 + tax) - discount_for(self))"
    )
    assert "`total_value`" in reasoning


async def test_types_preset_on_a_whole_class(client: httpx.AsyncClient) -> None:
    parts = cut(CART, "class Cart:")
    _, content, _ = await rewrite(client, PRESETS["types"], parts)
    expected = parts[1]
    for old, new in [
        ('items, currency="EUR"):', 'items: object, currency: object = "EUR") -> None:'),
        ('tax=Decimal("0.2")):', 'tax: object = Decimal("0.2")) -> object:'),
        ("rounded(value):", "rounded(value: object) -> object:"),
        ("is_empty(self):", "is_empty(self) -> object:"),
    ]:
        expected = expected.replace(old, new)
    assert content == block(expected)
    assert content.endswith("False\n\n```")


async def test_types_hint_none_for_no_value_and_object_for_generators(
    client: httpx.AsyncClient,
) -> None:
    code = (
        "    def walk(self, root, *paths, follow=False, **options):\n"
        "        def visit(node):\n"
        "            return node.children\n"
        "        for path in paths:\n"
        "            yield visit(root / path)\n"
        "\n"
        "    def reset(self, /, *, hard):\n"
        "        if hard:\n"
        "            return\n"
        "        self.items.clear()\n"
    )
    _, content, _ = await rewrite(client, "add types", ("class Tree:\n", code, ""))
    assert content == block(
        "    def walk(self, root: object, *paths: object, follow: object = False, "
        "**options: object) -> object:\n"
        "        def visit(node: object) -> object:\n"
        "            return node.children\n"
        "        for path in paths:\n"
        "            yield visit(root / path)\n"
        "\n"
        "    def reset(self, /, *, hard: object) -> None:\n"
        "        if hard:\n"
        "            return\n"
        "        self.items.clear()\n"
    )


async def test_simplify_preset_mid_line(client: httpx.AsyncClient) -> None:
    parts = cut(CART, "True if len")
    _, content, _ = await rewrite(client, PRESETS["simplify"], parts)
    assert content == block("not self.items\n")


async def test_simplify_nested_code_with_tabs_and_strings(client: httpx.AsyncClient) -> None:
    code = (
        "\tdef find(self, name):\n"
        "\t\tfor item in self.items:\n"
        "\t\t\tif item.active == True:\n"
        "\t\t\t\tif len(item.tags) > 0 and not name in item.tags:\n"
        "\t\t\t\t\tcontinue\n"
        '\t\t\t\tlog("len(x) == 0")  # if x == True: keep\n'
        "\t\t\t\tif item.hidden:\n"
        "\t\t\t\t\treturn False\n"
        "\t\t\t\telse:\n"
        "\t\t\t\t\treturn True"
    )
    _, content, _ = await rewrite(client, PRESETS["simplify"], ("class Shop:\n", code, "\n"))
    assert content == block(
        "\tdef find(self, name):\n"
        "\t\tfor item in self.items:\n"
        "\t\t\tif item.active:\n"
        "\t\t\t\tif item.tags and name not in item.tags:\n"
        "\t\t\t\t\tcontinue\n"
        '\t\t\t\tlog("len(x) == 0")  # if x == True: keep\n'
        "\t\t\t\treturn not item.hidden"
    )


async def test_simplify_with_nothing_to_do_returns_the_code_unchanged(
    client: httpx.AsyncClient,
) -> None:
    parts = cut(CART, "    def total_value", "\n    def is_empty")
    reasoning, content, _ = await rewrite(client, PRESETS["simplify"], parts)
    assert content == block(parts[1])
    assert "Nothing" in reasoning


async def test_other_languages(client: httpx.AsyncClient) -> None:
    code = (
        "export function totalValue(items) {\n"
        "  return items.length;\n"
        "}\n"
        "\n"
        "/** Already documented. */\n"
        "export class HTTPCart {\n"
        "  @Memo()\n"
        "  isEmpty() {\n"
        "    return true;\n"
        "  }\n"
        "}\n"
    )
    parts = ("", code, "")
    _, content, _ = await rewrite(client, PRESETS["docstring"], parts, "typescript", "cart.ts")
    expected = code.replace("export function", "// Total value.\nexport function")
    expected = expected.replace("  @Memo", "  // Is empty.\n  @Memo")
    assert content == block(expected, "typescript")
    _, content, _ = await rewrite(client, PRESETS["types"], parts, "typescript", "cart.ts")
    note = "// Type hints unchanged: they are added automatically to Python code only\n"
    assert content == block(note + code, "typescript")
    _, content, _ = await rewrite(client, PRESETS["simplify"], parts, "typescript", "cart.ts")
    assert content == block(code, "typescript")


@pytest.mark.parametrize(
    ("language", "parts", "expected"),
    [
        (
            "python",
            ("class Cart:\n", "    def total(self):\n        return 1\n", ""),
            "    # Refactored: use a dataclass\n    def total(self):\n        return 1\n",
        ),
        (
            "python",
            ("class Cart:\n    ", "def total(self):\n        return 1", "\n"),
            "# Refactored: use a dataclass\n    def total(self):\n        return 1",
        ),
        (
            "python",
            ("def f(a):\n    total = ", "compute(a)\n    return total", "\n"),
            "compute(a)  # Refactored: use a dataclass\n    return total",
        ),
        ("python", ("    total = ", "compute(a)", " + 1\n"), "compute(a)"),
        (
            "typescript",
            ("    total = ", "compute(a)", " + 1;\n"),
            "/* Refactored: use a dataclass */ compute(a)",
        ),
        ("go", ("", "\treturn n\n", "}\n"), "\t// Refactored: use a dataclass\n\treturn n\n"),
        ("lua", ("", "  return n", ""), "  -- Refactored: use a dataclass\n  return n"),
        ("ruby", ("", "  n + 1\n", ""), "  # Refactored: use a dataclass\n  n + 1\n"),
    ],
)
async def test_unknown_instruction_gets_a_comment(
    client: httpx.AsyncClient, language: str, parts: tuple[str, str, str], expected: str
) -> None:
    _, content, _ = await rewrite(client, "use a dataclass", parts, language, "src/x")
    assert content == block(expected, language)


async def test_the_answer_is_one_block_and_never_a_tool_call(client: httpx.AsyncClient) -> None:
    instruction = "add comments that explain each step"
    parts = cut(CART, "    def total_value", "\n    def is_empty")
    reasoning, content, payloads = await rewrite(client, instruction, parts, tools=True)
    match = re.fullmatch(r"```python\n(.*)\n```", content, re.S)
    assert match is not None
    assert "```" not in match.group(1)
    assert match.group(1) == "    # Refactored: " + instruction + "\n" + parts[1]
    assert reasoning.count(". ") <= 2
    assert tool_calls(payloads) == {}
    assert "tool" not in kinds(payloads)
    assert payloads[-2]["choices"][0]["finish_reason"] == "stop"


def test_crlf_selection_keeps_its_line_endings() -> None:
    code = "    def total(self, x):\r\n        return x\r\n"
    messages = rewrite_messages(
        instruction=PRESETS["docstring"],
        path="a.py",
        language="python",
        before="class A:\r\n",
        selection=code,
        after="",
        tools=False,
    )
    turn = default_turn({"model": MODEL, "messages": messages})
    expected = '    def total(self, x):\r\n        """Total."""\r\n        return x\r\n'
    assert turn.content == block(expected)


def test_a_fence_inside_the_code_gets_a_longer_fence() -> None:
    code = 'DOC = """\n```sh\nmake\n```\n"""'
    messages = rewrite_messages(
        instruction="tidy",
        path="a.py",
        language="python",
        before="",
        selection=code,
        after="",
        tools=False,
    )
    turn = default_turn({"model": MODEL, "messages": messages})
    assert turn.content == f"````python\n# Refactored: tidy\n{code}\n````"
