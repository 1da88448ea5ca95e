"""The default answer to fix requests: each reported problem fixed in the returned block."""

from __future__ import annotations

import httpx

from kimi_lsp.prompts import fix_instruction

from .rewrite_helpers import block, cut, rewrite

LOADER = """\
import os
import sys
from typing import Any, List


def load(path):
    text = open(path).read()
    total = len(text.splitlines())
    return totel
"""


async def test_unused_imports_typos_and_unknown_messages(client: httpx.AsyncClient) -> None:
    instruction = fix_instruction(
        [
            "line 2: [ruff F401] `sys` imported but unused",
            'line 3: [Pyright reportUnusedImport] Import "List" is not accessed',
            "line 9: [pyflakes] undefined name 'totel'",
            "line 8: [mypy misc] Something unusual happened",
            "line 7: [ruff E501] Line too long (101 > 100)",
        ]
    )
    reasoning, content, _ = await rewrite(client, instruction, ("", LOADER, ""))
    assert content == block(
        "import os\n"
        "from typing import Any\n"
        "\n"
        "\n"
        "def load(path):\n"
        "    text = open(path).read()\n"
        "    total = len(text.splitlines())  # fixed: Something unusual happened\n"
        "    return total\n"
    )
    assert "removed the unused import `sys`" in reasoning
    assert "renamed `totel` to `total`" in reasoning


async def test_unused_import_in_a_mid_file_selection(client: httpx.AsyncClient) -> None:
    parts = cut(LOADER, "import sys", "\n\ndef load")
    instruction = fix_instruction(["line 2: [F401] 'sys' imported but unused"])
    _, content, _ = await rewrite(client, instruction, parts)
    assert content == block("from typing import Any, List\n")


async def test_unknown_message_annotates_its_line(client: httpx.AsyncClient) -> None:
    parts = cut(LOADER, "    text = ", "    return")
    instruction = fix_instruction(["line 8: [mypy] Expression has type Any"])
    _, content, _ = await rewrite(client, instruction, parts)
    assert content == block(
        "    text = open(path).read()\n"
        "    total = len(text.splitlines())  # fixed: Expression has type Any\n"
    )


async def test_without_the_top_of_the_file_quoted_code_finds_the_line(
    client: httpx.AsyncClient,
) -> None:
    before = "".join(f"CONSTANT_{n} = {n}\n" for n in range(60)) + "\n\ndef load(path):\n"
    selection = "    text = open(path).read()\n    return parse(text)"
    instruction = fix_instruction(
        [
            'line 64: [mypy arg-type] Argument 1 to "parse" has incompatible type',
            "line 63: [pylint] consider using with",
        ]
    )
    _, content, _ = await rewrite(client, instruction, (before, selection, "\n"))
    assert content == block(
        "    text = open(path).read()  # fixed: consider using with\n"
        '    return parse(text)  # fixed: Argument 1 to "parse" has incompatible type'
    )


async def test_undefined_name_without_a_close_match_is_annotated(
    client: httpx.AsyncClient,
) -> None:
    parts = ("", "value = compute(1)\n", "")
    instruction = fix_instruction(['line 1: [Pylance] "compute" is not defined'])
    _, content, _ = await rewrite(client, instruction, parts)
    assert content == block('value = compute(1)  # fixed: "compute" is not defined\n')


async def test_typescript_fix_uses_its_comment_syntax(client: httpx.AsyncClient) -> None:
    parts = ("function f() {\n", "  return lenght;\n", "}\n")
    instruction = fix_instruction(
        [
            "line 2: [ts 2304] Cannot find name 'lenght'.",
            "line 2: [eslint no-console] Unexpected console statement.",
        ]
    )
    _, content, _ = await rewrite(client, instruction, parts, "typescript", "a.ts")
    assert content == block(
        "  return lenght;  // fixed: Cannot find name 'lenght'.; Unexpected console statement.\n",
        "typescript",
    )
