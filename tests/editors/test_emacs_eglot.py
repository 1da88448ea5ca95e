"""editors/emacs/kimi-eglot.el in batch Emacs (eglot 1.9) against the real server.

Emacs is not on PyPI: the test runs where `emacs` and Debian's elpa-eglot are installed
(`apt-get install emacs-nox elpa-eglot`) and is skipped elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kimi_lsp.simulator import ToolCallSpec, Turn

from .conftest import REPO, EditorSession, chat_requests, selection_sent

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        shutil.which("emacs") is None
        or not list(Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*")),
        reason="emacs with elpa-eglot is not installed",
    ),
]

LISP = Path(__file__).parent / "lisp"
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


async def run_emacs(editor: EditorSession, script: str, file: Path, **env: str) -> dict[str, Any]:
    """Run `lisp/<script>.el` in batch Emacs (eglot, kimi-eglot.el) on `file`; check it
    exited 0 without an error and return its observations."""
    out = editor.workspace.parent / f"observations-{script}.json"
    env = editor.env(
        KIMI_TEST_OUT=str(out),
        KIMI_EGLOT_EL=str(REPO / "editors" / "emacs" / "kimi-eglot.el"),
        **env,
    )
    process = await asyncio.create_subprocess_exec(
        "emacs",
        "--batch",
        "-Q",
        "-l",
        str(LISP / f"{script}.el"),
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
    assert "error" not in obs, (obs, output.decode(errors="replace"))
    return obs


def user_config(editor: EditorSession, text: str) -> None:
    """The user's ~/.config/kimi-lsp/config.toml."""
    config = editor.home / "config" / "kimi-lsp"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(text, encoding="utf-8")


async def test_eglot_review_through_code_actions(editor: EditorSession) -> None:
    """A rewrite waits as a proposal (review on, the default): accepted through eglot's
    code action, undone, a code-action rewrite that outlives eglot's request timeout then
    rejected through the code action, and "Kimi: Refactor..." accepted with C-c C-c."""
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(
        Turn(content="`total_price` adds tax."),
        Turn(content="`greet` says hello."),
        Turn(content=f"```python\n{GREET}```", chunk_chars=5, chunk_delay=0.01),
        Turn(content=f"```python\n{DOCUMENTED}```", chunk_chars=3, chunk_delay=0.12),
        Turn(content=f"```python\n{GREET_WHO}```", chunk_chars=5),
    )
    obs = await run_emacs(editor, "eglot_review", file)
    lines = SAMPLE.splitlines(keepends=True)
    head, greet = "".join(lines[:5]), "".join(lines[5:])
    assert obs["explained"] == "`total_price` adds tax."
    assert obs["action_explained"] == "`greet` says hello."
    # The proposal streams in above the untouched original, drawn as a diff.
    assert obs["refactor_status"] == "proposed"
    assert obs["proposed_text"] == head + GREET + greet
    faces = {face: (text, header) for face, text, header in obs["proposed_faces"]}
    assert faces["kimi-proposed"][0] == GREET
    assert faces["kimi-original"][0] == greet
    assert "C-c C-c accepts" in faces["header"][1]
    assert obs["accept_key"] == "kimi-accept"
    # Accepted through the code action: exactly the new code.
    assert "Kimi: Accept change" in obs["accept_menu"]
    assert "Kimi: Reject change" in obs["accept_menu"]
    assert obs["accept_status"] == "applied"
    assert obs["after_accept"] == head + GREET
    assert obs["undo_status"] == "applied"
    assert obs["after_undo"] == SAMPLE
    # The code-action rewrite waited past the request timeout, then was rejected:
    # exactly the original.
    assert obs["preset_status"] == "proposed"
    assert obs["preset_text"] == DOCUMENTED + SAMPLE
    assert obs["reject_status"] == "rejected"
    assert obs["after_reject"] == SAMPLE
    assert obs["ask_status"] == "proposed"
    assert obs["after_ask"] == head + GREET_WHO
    assert obs["usage"].startswith("Kimi: 5 requests")
    explain, action_explain, refactor, preset, asked = chat_requests(editor.sim)
    assert selection_sent(explain) == "".join(lines[:3])
    assert selection_sent(action_explain) == lines[5]
    assert selection_sent(refactor) == greet
    assert "docstring" in preset["messages"][-1]["content"]
    assert "rename the parameter" in asked["messages"][-1]["content"]


async def test_eglot_cancel_mid_stream_returns_at_once(editor: EditorSession) -> None:
    """M-x kimi-cancel while the proposal streams: it only sends the request (Emacs is not
    blocked, and no later message is needed to finish), the rewrite answers cancelled and
    the buffer is exactly the original."""
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(
        Turn(content=f"```python\n{GREET}```", chunk_chars=4, stall_after=12),
    )
    obs = await run_emacs(editor, "eglot_cancel", file)
    lines = SAMPLE.splitlines(keepends=True)
    assert obs["streaming_text"].startswith("".join(lines[:5]) + "def greet(name):\n")
    assert obs["cancel_returned"] == "nil"
    assert obs["answered_when_returned"] == 0
    assert obs["refactor_status"] == "cancelled"
    assert obs["cancelled"] == 1
    assert obs["after_cancel"] == SAMPLE
    assert obs["faces"] == []


async def test_eglot_without_review_applies_at_once(editor: EditorSession) -> None:
    """With kimi.edits.review = false (the user's config file) a whole rewrite is applied
    at once; kimi-undo puts the original back."""
    user_config(editor, "[kimi.edits]\nreview = false\n")
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(content=f"```python\n{GREET}```", chunk_chars=5, chunk_delay=0.01))
    obs = await run_emacs(editor, "eglot_applied", file)
    lines = SAMPLE.splitlines(keepends=True)
    assert obs["refactor_status"] == "applied"
    assert obs["after_refactor"] == "".join(lines[:5]) + GREET
    assert obs["faces"] == []
    assert obs["undo_status"] == "applied"
    assert obs["after_undo"] == SAMPLE


API = """\
def total_price(items):
    return sum(item.price for item in items)
"""
CART = """\
from api import total_price


def checkout(cart):
    return total_price(cart.items)
"""
TEST = """\
from api import order_total


def test_order_total_of_nothing():
    assert order_total([]) == 0
"""


def call(name: str, **arguments: Any) -> ToolCallSpec:
    return ToolCallSpec(name=name, arguments=json.dumps(arguments))


def rename(new: str, test: bool) -> list[Turn]:
    """The model renames total_price in api.py (open) and cart.py (closed), and maybe
    adds a test file."""
    calls = [
        call("edit_file", path="api.py", old_text="def total_price(", new_text=f"def {new}("),
        call(
            "edit_file",
            path="cart.py",
            old_text="from api import total_price",
            new_text=f"from api import {new}",
        ),
        call(
            "edit_file",
            path="cart.py",
            old_text="return total_price(cart.items)",
            new_text=f"return {new}(cart.items)",
        ),
    ]
    if test:
        calls.append(call("create_file", path="tests/test_api.py", content=TEST))
    return [
        Turn(reasoning="Rename everywhere.", tool_calls=calls),
        Turn(content=f"Renamed total_price to {new}."),
    ]


async def test_eglot_kimi_edit_across_files(editor: EditorSession) -> None:
    """M-x kimi-edit: the change across an open (unsaved) file, a closed one and a new
    one is shown in *kimi-edit* and nothing is written; C-c C-c there applies exactly the
    change, C-c C-u puts every file back (the new one gone); a second change is rejected
    with M-x kimi-reject and changes nothing."""
    file = editor.write("api.py", API)
    editor.write("cart.py", CART)
    editor.sim.script(*rename("order_total", test=True), *rename("grand_total", test=False))
    obs = await run_emacs(editor, "eglot_edit", file)
    buffer = API + "# unsaved\n"
    assert obs["edit_status"] == "proposed"
    assert obs["nothing_written"] == [buffer, CART, "none"]
    review = obs["review"]
    assert obs["review_mode"] == "kimi-review-mode"
    assert "Kimi: Renamed total_price to order_total." in review
    for line in (
        "--- a/api.py",
        "+++ b/api.py",
        "-def total_price(items):",
        "+def order_total(items):",
        "--- a/cart.py",
        "-from api import total_price",
        "+from api import order_total",
        "+    return order_total(cart.items)",
        "--- /dev/null",
        "+++ b/tests/test_api.py",
        "+def test_order_total_of_nothing():",
    ):
        assert line in review.splitlines(), (line, review)
    assert obs["review_header"].startswith("Kimi proposes a change to 3 files")
    assert obs["accept_status"] == "applied"
    assert obs["applied_header"].startswith("Kimi's change was applied")
    renamed = CART.replace("total_price", "order_total")
    assert obs["accepted"] == [buffer.replace("total_price", "order_total"), renamed, TEST]
    assert obs["undo_status"] == "applied"
    assert obs["undone"] == [buffer, CART, "none"]
    assert obs["reject_status"] == "rejected"
    assert obs["rejected"] == [buffer, CART, "none"]


async def test_eglot_reads_what_follows_a_synchronous_answer(editor: EditorSession) -> None:
    """jsonrpc (Emacs 28) stops reading once a synchronous request has its answer; an
    edit the server sent in the same write waited for the next message, which kimi-lsp,
    waiting for the edit, never sends (kimi-cancel and code actions hung so). kimi-eglot
    reads on at once: a stand-in server sends the answer and the edit together."""
    file = editor.write("shop.py", SAMPLE)
    obs = await run_emacs(editor, "eglot_read_on", file, KIMI_TEST_PYTHON=sys.executable)
    assert obs["usage"].startswith("Kimi: 0 requests")
    assert obs["after"] == "# edited\n" + SAMPLE


def test_kimi_eglot_byte_compiles_without_a_warning(tmp_path: Path) -> None:
    """The Emacs files byte-compile cleanly (unknown functions, wrong arguments, free
    variables and over-wide docstrings are warnings; here they fail)."""
    files = sorted((REPO / "editors" / "emacs").glob("*.el"))
    for file in files:
        shutil.copy(file, tmp_path / file.name)
    setup = (
        '(progn (dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))'
        " (add-to-list 'load-path dir)) (add-to-list 'load-path default-directory)"
        " (setq byte-compile-error-on-warn t))"
    )
    result = subprocess.run(
        ["emacs", "--batch", "-Q", "--eval", setup, "-f", "batch-byte-compile"]
        + [file.name for file in files],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr


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
