"""The simulator stays a protocol core with scripted answers (issue 14): a size cap, and no
module that analyses code to make answers up."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[3] / "server" / "kimi_lsp" / "simulator"


def test_at_most_2200_lines() -> None:
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py"))
    assert lines <= 2200, f"the simulator has {lines} lines"


def test_no_module_parses_code() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & {"ast", "tokenize", "keyword"}, path.name
        assert not path.name.startswith(("fim", "py")), path.name
