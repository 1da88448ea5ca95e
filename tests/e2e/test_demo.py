"""`kimi-lsp demo` end to end: the built-in simulator answers from the demo's cassette, and
every step shows (the model reads a file with a tool, the streamed refactor, undo, the cost).
"""

from __future__ import annotations

import os
import subprocess
import sys

from kimi_lsp.demo_sample import CASSETTE, REFACTOR_LINES, SAMPLE
from kimi_lsp.simulator import load_cassette

from .conftest import _server_env


def test_the_demo_shows_every_step_from_its_cassette() -> None:
    env = {k: v for k, v in _server_env().items() if not k.endswith("_API_KEY")}
    run = subprocess.run(
        [sys.executable, "-m", "kimi_lsp", "demo", "--simulator"],
        capture_output=True,
        text=True,
        timeout=150,
        env=env,
        check=False,
        cwd=os.getcwd(),
    )
    out = run.stdout
    assert run.returncode == 0, out[-2000:] + run.stderr[-2000:]
    assert "[the model is reading pricing.py]" in out
    assert "10% from 100 units, 5% from 20" in out  # the cassette's explanation, streamed
    assert "Refactor applied in" in out
    docstring = '"""What the stock is worth after bulk discounts, rounded to cents."""'
    assert docstring in out
    assert "the file is restored exactly" in out
    assert "Refactor proposed in" in out  # streamed above the original, then accepted
    assert "proposed: test_pricing.py (new file)" in out  # a change across files
    assert "Nothing written before review: yes." in out
    assert "inventory.py renamed, pricing.py renamed, tests/test_pricing.py created." in out
    assert "Undo: every file restored exactly, the new test deleted." in out
    assert "Cost: $" in out
    assert "no answer was scripted" not in out  # every answer came from the cassette


def test_the_cassette_answers_the_sample() -> None:
    cassette = load_cassette(CASSETTE)
    first, last = REFACTOR_LINES
    function = "".join(SAMPLE.splitlines(keepends=True)[first:last])
    rewrite = next(a for a in cassette.answers if a.kind == "rewrite")
    assert rewrite.contains is not None
    assert rewrite.contains in function
    new = rewrite.turns[0].content.removeprefix("```python\n").removesuffix("\n```")
    assert new.replace(docstring_line(new), "", 1) == function


def docstring_line(code: str) -> str:
    """The docstring line the refactor adds."""
    return next(line + "\n" for line in code.splitlines() if line.strip().startswith('"""'))
