"""editors/vim with Vim 9 and ALE (Debian's vim-nox and vim-ale) against the real server.

Vim runs headless in silent Ex mode (`vim -es`), where `:sleep` still serves ALE's jobs and
channels, with the README's ~/.vimrc as written; the script (tests/editors/vim/*.vim) acts
through the plugin and ALE's own commands and writes what it saw as JSON. Skipped where Vim
9 or ALE is not installed (`apt-get install vim-nox vim-ale`; .ci/run installs them).
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kimi_lsp.simulator import Turn

from .conftest import REPO, EditorSession, chat_requests, selection_sent

HERE = Path(__file__).parent / "vim"
ALE = Path("/usr/share/vim/vimfiles/pack/dist-bundle/opt/ale")


def _vim_version() -> int:
    vim = shutil.which("vim")
    if vim is None:
        return 0
    out = subprocess.run([vim, "--version"], capture_output=True, text=True, check=False).stdout
    first = out.splitlines()[0] if out else ""
    try:
        return int(float(first.split("Vi IMproved ")[1].split()[0]))
    except (IndexError, ValueError):
        return 0


pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        _vim_version() < 9 or not ALE.exists(),
        reason="Vim 9 with ALE is not installed (apt-get install vim-nox vim-ale)",
    ),
]

SAMPLE = """\
def total_price(items, tax_rate):
    subtotal = sum(item.price * item.quantity for item in items)
    return subtotal * (1 + tax_rate)


def greet(name):
    return "hello " + name


def add(a, b):
    \n"""


def readme_vimrc() -> str:
    """The ~/.vimrc of editors/vim/README.md, as written (it finds the plugin through
    `kimi-lsp --editor-path vim`: the kimi-lsp the tests run)."""
    text = (REPO / "editors" / "vim" / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```vim\n(.*?)^```", text, re.M | re.S) if ".vimrc" in b]
    assert isinstance(block, str)
    return block


async def run_vim(editor: EditorSession, script: str, file: Path) -> dict[str, Any]:
    out = editor.workspace.parent / f"observations-vim-{script}.json"
    vimrc = editor.workspace.parent / "vimrc"
    vimrc.write_text(readme_vimrc(), encoding="utf-8")
    env = editor.env(KIMI_TEST_OUT=str(out))
    process = await asyncio.create_subprocess_exec(
        "vim",
        "-N",
        "-u",
        str(vimrc),
        "-i",
        "NONE",
        "-n",
        "-es",
        "-S",
        str(HERE / f"{script}.vim"),
        str(file),
        cwd=str(editor.workspace),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), 120)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
    obs = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    assert process.returncode == 0, (obs, output.decode(errors="replace"))
    assert "error" not in obs, obs
    return obs


async def test_vim_ale_explain_code_action_completion(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(
        Turn(content="`total_price` adds tax.", chunk_chars=4),
        Turn(content="`greet` says hello."),
        Turn(content="<completion>total = a + b\n    return total</completion>"),
    )
    obs = await run_vim(editor, "ale_e2e", file)
    assert obs["filetype"] == "python"
    assert obs["omnifunc"] == "kimi#complete#omnifunc"
    assert obs["ale_linters"][-1] == "kimi"  # added to ALE's defaults for python
    # :KimiExplain: the preview window shows the explanation; the cursor stays put.
    assert obs["explained"] == "`total_price` adds tax."
    assert obs["preview_lines"] == ["`total_price` adds tax."]
    assert obs["cursor_stayed"] is True
    # :ALECodeAction lists the Kimi actions; "Kimi: Explain" shows in the preview too.
    menu = "\n".join(obs["menu"])
    for title in ("Kimi: Explain", "Kimi: Refactor...", "Kimi: Add docstring"):
        assert title in menu
    assert obs["action_explained"] == "`greet` says hello."
    assert obs["action_preview"] == ["`greet` says hello."]
    # <C-x><C-o> (the plugin's omnifunc) inserts the whole multi-line Kimi item.
    assert obs["completed"] == ["def add(a, b):", "    total = a + b", "    return total"]
    assert "Kimi: nothing was running." in obs["messages"]
    explain, action, completion = chat_requests(editor.sim)
    assert selection_sent(explain) == "".join(SAMPLE.splitlines(keepends=True)[:3])
    assert "greet" in selection_sent(action)
    assert "<CURSOR>" in json.dumps(completion)


GREET = 'def greet(name):\n    return f"hello {name}"\n'
DOCUMENTED = '''\
def total_price(items, tax_rate):
    """Return the total price, tax included."""
    subtotal = sum(item.price * item.quantity for item in items)
    return subtotal * (1 + tax_rate)
'''


def fenced(code: str) -> str:
    return f"```python\n{code}```"


async def test_vim_ale_review_accept_reject(editor: EditorSession) -> None:
    """ALE declares no applyEdit: kimi-lsp answers newText + range + version, and the
    plugin shows the proposal (virtual lines above the original, a diff in the preview
    window), applies it on :KimiAccept (one undo step) unless its lines changed, drops it
    on :KimiReject (stopping it while it is written); also for a rewrite chosen from ALE's
    code actions and for :KimiFix. ALE's own completion does not ask kimi-lsp."""
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(
        Turn(content=fenced(GREET), chunk_chars=6),
        Turn(content=fenced(DOCUMENTED)),
        Turn(content=fenced(GREET)),
        Turn(content=fenced(GREET)),
        Turn(content=fenced(GREET)),
        Turn(content=fenced(GREET), chunk_chars=4, stall_after=6),
        Turn(content=fenced(GREET)),
    )
    obs = await run_vim(editor, "ale_review", file)
    original = SAMPLE.split("\n")[:-1]
    greeted = original[:5] + GREET.split("\n")[:-1] + original[7:]
    proposal = obs["proposal"]
    assert proposal["newText"] == GREET
    assert proposal["range"] == {
        "start": {"line": 5, "character": 0},
        "end": {"line": 7, "character": 0},
    }
    assert isinstance(proposal["version"], int)
    assert obs["lines_while_proposed"] == original
    assert obs["preview"][0].startswith("Kimi proposes a change to lines 6-7")
    assert obs["preview"][1:] == [
        "@@ -6,2 +6,2 @@",
        "-def greet(name):",
        '-    return "hello " + name',
        "+def greet(name):",
        '+    return f"hello {name}"',
    ]
    # A line naming the commands and the two proposed lines, as virtual text above line 6
    # (Vim 9.0's prop_list() does not give their text); the original lines highlighted.
    assert [lnum for lnum, kind, _ in obs["props"] if kind == "kimi_proposed"] == [6, 6, 6]
    assert [lnum for lnum, kind, _ in obs["props"] if kind == "kimi_original"] == [6, 7]
    assert obs["accepted"] == greeted
    assert not [p for p in obs["props_after_accept"] if p[1].startswith("kimi")]
    assert obs["preview_after_accept"] == 0
    assert obs["undone"] == original
    assert obs["rejected"] == original
    assert not [p for p in obs["props_after_reject"] if p[1].startswith("kimi")]
    assert obs["proposal_after_reject"] == {}
    assert obs["refused"] is True
    assert obs["still_proposed"] is True
    assert any("were edited since it was proposed" in m for m in obs["messages"])
    assert "Kimi: Simplify" in "\n".join(obs["action_menu"])
    assert obs["action_accepted"] == greeted
    assert obs["fixed"] == greeted
    assert obs["rejected_while_writing"] == original
    assert obs["after_stopped"] == greeted
    assert obs["ale_completion_request"] == 0
    requests = chat_requests(editor.sim)
    assert len(requests) == 7
    assert "use an f-string" in requests[4]["messages"][-1]["content"]
