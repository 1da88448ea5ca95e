"""Completion when the prompt holds only a window of the file (it may start mid-string)."""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kimi_lsp.prompts import completion_messages
from kimi_lsp.simulator.fimscan import code_only, in_noise
from kimi_lsp.simulator.responder import default_turn

EMPTY = "<completion></completion>"
ENGINE = Path(__file__).parents[3] / "server" / "kimi_lsp" / "completion" / "engine.py"


def statement_starts(src: str, count: int = 30) -> list[int]:
    """Offsets just after the indentation of statement lines inside function bodies."""
    lines = src.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    found: set[int] = set()
    for node in ast.walk(ast.parse(src)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for stmt in ast.walk(node):
            if not isinstance(stmt, ast.stmt) or stmt is node:
                continue
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # docstrings
            line = lines[stmt.lineno - 1]
            if len(line) - len(line.lstrip()) == stmt.col_offset:
                found.add(offsets[stmt.lineno - 1] + stmt.col_offset)
    ordered = sorted(found)
    return ordered[:: max(1, len(ordered) // count)][:count]


def ask(src: str, cursor: int, before: int = 4500, after: int = 1500) -> str:
    """The completion for a window of ``src`` cut at line boundaries around ``cursor``."""
    start = max(0, cursor - before)
    if start and "\n" in src[start:cursor]:
        start = src.index("\n", start) + 1
    messages = completion_messages(
        path="t.py",
        language="python",
        prefix=src[start:cursor],
        suffix=src[cursor : cursor + after],
        multiline=True,
        alternatives=1,
        neighbours=[],
    )
    body: dict[str, Any] = {"model": "m", "messages": messages, "stop": ["</completion>"]}
    return default_turn(body).content


@pytest.mark.parametrize("path", [Path(str(inspect.getsourcefile(textwrap))), ENGINE])
def test_statement_starts_in_a_window_get_a_completion(path: Path) -> None:
    src = path.read_text()
    cursors = statement_starts(src)
    assert len(cursors) >= 25
    answers = [ask(src, cursor) for cursor in cursors]
    filled = [a for a in answers if a != EMPTY]
    assert len(filled) >= 0.6 * len(answers)
    for cursor, answer in zip(cursors, answers, strict=True):
        indent = src[src.rfind("\n", 0, cursor) + 1 : cursor]
        if answer != EMPTY:  # a line above the statement, which carries on below it
            assert answer.endswith(f"\n{indent}</completion>"), answer


def test_window_starting_inside_a_docstring_keeps_code_as_code() -> None:
    prefix = (
        "    the rest of a docstring that started above the window.\n"
        '    """\n'
        "    total = 0\n"
        "    for item in items:\n"
        "        total += item\n"
        "\n"
        "def report(total):\n"
        '    """Print the total."""\n'
        "    if total:\n"
        "        "
    )
    suffix = "print(total)\n"
    assert not in_noise(prefix, True, suffix)
    code = code_only(prefix, True)
    assert "def report(total):" in code
    assert "for item in items:" in code
    assert "docstring" not in code
    assert "Print the total" not in code
    assert in_noise('def f():\n    """Add up', True, '"""\n    return 1\n')
    assert in_noise("x = 1  # note", True, "\n")
    assert in_noise("    the rest of a docstring\n    x = 'abc", True, "'\n")


def test_window_with_odd_quotes_in_the_repro() -> None:
    src = Path(str(inspect.getsourcefile(textwrap))).read_text()
    head = src.index("        lines = []\n", src.index("def _wrap_chunks"))
    cursor = head + len("        lines = []\n        if self.width <= 0:\n            ")
    for size in (200, 1000, 4500, cursor):
        answer = ask(src, cursor, before=size, after=300)
        assert answer != EMPTY
        assert "inside a string" not in answer
