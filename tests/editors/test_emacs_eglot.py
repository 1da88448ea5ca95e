"""editors/emacs/kimi-eglot.el in batch Emacs (eglot 1.9) against the real server.

Emacs is not on PyPI: the test runs where `emacs` and Debian's elpa-eglot are installed
(`apt-get install emacs-nox elpa-eglot`) and is skipped elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import pytest

from kimi_lsp.simulator import Turn

from .conftest import REPO, EditorSession, chat_requests, selection_sent

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        shutil.which("emacs") is None
        or not list(Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*")),
        reason="emacs with elpa-eglot is not installed",
    ),
]

SAMPLE = """\
def total_price(items, tax_rate):
    subtotal = sum(item.price * item.quantity for item in items)
    return subtotal * (1 + tax_rate)


def greet(name):
    return "hello " + name
"""
GREET = 'def greet(name):\n    return f"hello {name}"\n'
GREET_WHO = 'def greet(who):\n    return f"hello {who}"\n'
DOCUMENTED = '''\
def total_price(items, tax_rate):
    """Return the total price, tax included."""
    subtotal = sum(item.price * item.quantity for item in items)
    return subtotal * (1 + tax_rate)
'''


async def test_eglot_explain_refactor_code_action_undo(editor: EditorSession) -> None:
    # A whole rewrite applied at once (kimi.edits.review = false, in the user's config
    # file), as this test of streaming and undo expects; not the review flow.
    config = editor.home / "config" / "kimi-lsp"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("[kimi.edits]\nreview = false\n", encoding="utf-8")
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(
        Turn(content="`total_price` adds tax."),
        Turn(content="`greet` says hello."),
        Turn(content=f"```python\n{GREET}```", chunk_chars=5, chunk_delay=0.01),
        Turn(content=f"```python\n{DOCUMENTED}```", chunk_chars=5, chunk_delay=0.01),
        Turn(content=f"```python\n{GREET_WHO}```", chunk_chars=5),
    )
    out = editor.workspace.parent / "observations-eglot.json"
    env = editor.env(
        KIMI_TEST_OUT=str(out), KIMI_EGLOT_EL=str(REPO / "editors" / "emacs" / "kimi-eglot.el")
    )
    process = await asyncio.create_subprocess_exec(
        "emacs",
        "--batch",
        "-Q",
        "-l",
        str(Path(__file__).parent / "lisp" / "eglot_e2e.el"),
        str(file),
        cwd=str(editor.workspace),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 90)
    obs = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    assert process.returncode == 0, (obs, output.decode(errors="replace"))
    assert "error" not in obs, obs
    assert obs["explained"] == "`total_price` adds tax."
    assert obs["action_explained"] == "`greet` says hello."
    assert obs["refactor_status"] == "applied"
    lines = SAMPLE.splitlines(keepends=True)
    assert obs["after_refactor"] == "".join(lines[:5]) + GREET
    assert obs["preset_status"] == "applied"
    assert obs["after_preset"] == DOCUMENTED + "".join(lines[3:5]) + GREET
    assert obs["undo_status"] == "applied"
    assert obs["after_undo"] == "".join(lines[:5]) + GREET
    assert obs["ask_status"] == "applied"
    assert obs["after_ask"] == "".join(lines[:5]) + GREET_WHO
    assert obs["usage"].startswith("Kimi: 5 requests")
    explain, action_explain, refactor, preset, asked = chat_requests(editor.sim)
    assert selection_sent(action_explain) == lines[5]
    assert "rename the parameter" in asked["messages"][-1]["content"]
    assert selection_sent(explain) == "".join(lines[:3])
    assert selection_sent(refactor) == "".join(lines[5:])
    assert "docstring" in preset["messages"][-1]["content"]


def readme_init(blocks: int) -> str:
    """The first `blocks` init.el blocks of editors/emacs/README.md, as written."""
    text = (REPO / "editors" / "emacs" / "README.md").read_text(encoding="utf-8")
    found = [b for b in re.findall(r"^```elisp\n(.*?)^```", text, re.M | re.S) if "init.el" in b]
    assert len(found) >= blocks, found
    return "\n".join(found[:blocks])


@pytest.mark.parametrize("blocks", [1, 2], ids=["smallest-setup", "with-kimi-eglot"])
async def test_readme_init_el_works_alone(editor: EditorSession, blocks: int) -> None:
    """The README's init.el, alone, in an Emacs that loads site-start as a user's does
    (eglot is not loaded yet when init.el runs); kimi-lsp found on PATH."""
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(content="`total_price` adds tax."))
    init = editor.home / "init.el"
    init.parent.mkdir(parents=True, exist_ok=True)
    init.write_text(readme_init(blocks), encoding="utf-8")
    out = editor.workspace.parent / f"observations-readme-{blocks}.json"
    process = await asyncio.create_subprocess_exec(
        "emacs",
        "--batch",
        "-l",
        str(init),
        "-l",
        str(Path(__file__).parent / "lisp" / "readme_e2e.el"),
        str(file),
        cwd=str(editor.workspace),
        env=editor.env(KIMI_TEST_OUT=str(out)),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 90)
    obs = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    assert process.returncode == 0, (obs, output.decode(errors="replace"))
    assert "error" not in obs, obs
    assert obs["program"] == '("kimi-lsp")'
    assert obs["server"] == "kimi-lsp"
    assert obs["requests"] == 0
    if blocks == 2:
        assert obs["explained"] == "`total_price` adds tax."
