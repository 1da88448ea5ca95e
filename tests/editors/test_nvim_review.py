"""Reviewing Kimi's proposals in real headless Neovim (editors/nvim against the real
server): a rewrite drawn as a diff, accepted or rejected, one `u`; messages that never ask
"Press ENTER"; a change across files (:KimiEdit) as a quickfix list, accepted and undone."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from kimi_lsp.simulator import ToolCallSpec, Turn

from .conftest import (
    LUA,
    NVIM,
    NVIM_TIMEOUT,
    EditorSession,
    base_env,
    chat_requests,
    selection_sent,
)

pytestmark = pytest.mark.editor

SAMPLE = """\
def total_price(items, tax_rate):
    subtotal = sum(item.price * item.quantity for item in items)
    return subtotal * (1 + tax_rate)


def greet(name):
    return "hello " + name
"""
LINES = SAMPLE.splitlines()
GREET_FSTRING = 'def greet(name):\n    """Say hello."""\n    return f"hello {name}"\n'
NEW = GREET_FSTRING.splitlines()


def fenced(code: str) -> str:
    return f"```python\n{code}```"


async def test_a_proposal_is_drawn_accepted_and_undone_with_one_u(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(content=fenced(GREET_FSTRING), chunk_chars=4, chunk_delay=0.05))
    run = await editor.run("review_accept", file)
    obs = run.observations
    seen = obs["seen"]
    streaming = [s for s in seen if s["state"] == "streaming"]
    assert len(streaming) >= 2, seen  # drawn while it streams, line by line
    for s in streaming + [s for s in seen if s["state"] == "proposed"]:
        lines = s["lines"]
        written = len(lines) - len(LINES)  # the proposed lines so far, above the original
        assert lines == LINES[:5] + NEW[:written] + LINES[5:]  # lossless at every notification
        drawn = s["drawn"]
        assert drawn["added"] == list(range(5, 5 + written))
        assert drawn["removed"] == [5 + written, 6 + written]
        assert drawn["struck"][0][:2] == [5 + written, 0]
        assert set(drawn["signs"]) == {"+", "-"} if written else {"-"}
        assert s["accept_key"] == "<Cmd>KimiAccept<CR>"
        assert s["reject_key"] == "<Cmd>KimiReject<CR>"
    (proposed,) = [s for s in seen if s["state"] == "proposed"]
    (hint,) = proposed["drawn"]["hints"]
    assert hint == {
        "row": 5,
        "text": "Kimi: proposed change · accept: <leader>ka · reject: <leader>kx",
        "above": True,
    }
    assert streaming[-1]["drawn"]["hints"][0]["text"].startswith("Kimi is writing…")
    assert obs["status_waiting"].startswith("Kimi: 1 change to review")
    # Accepted: exactly the new code, nothing drawn, no keys left.
    assert obs["after_accept"] == LINES[:5] + NEW
    assert obs["drawn_after"] == {
        "added": [],
        "removed": [],
        "struck": [],
        "hints": [],
        "signs": [],
    }
    assert obs["keys_after"] == ""
    # One press of Neovim's own undo: the original, exactly; redo: the new code.
    assert obs["after_one_u"] == LINES
    assert obs["after_redo"] == LINES[:5] + NEW
    assert obs["status_after"].startswith("Kimi $")
    assert [n["msg"] for n in obs["said"]] == ["Kimi: change accepted (u undoes it)."]
    assert selection_sent(chat_requests(editor.sim)[0]) == "\n".join(LINES[5:7]) + "\n"


async def test_a_proposal_rejected_with_its_key_leaves_the_buffer_as_it_was(
    editor: EditorSession,
) -> None:
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(content=fenced(GREET_FSTRING), chunk_chars=8))
    run = await editor.run("review_reject", file)
    obs = run.observations
    assert obs["proposed"] == LINES[:5] + NEW + LINES[5:]
    assert obs["drawn"]["added"] == [5, 6, 7]
    assert obs["after_reject"] == LINES
    assert obs["drawn_after"]["added"] == obs["drawn_after"]["removed"] == []
    assert obs["keys_after"] == ""
    assert obs["after_u"] == LINES  # the proposed lines never come back
    assert [n["msg"] for n in obs["said"]] == ["Kimi: change rejected."]


async def run_with_ui(
    editor: EditorSession, script: str, file: Path, width: int, height: int
) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """Run `lua/<script>.lua` like EditorSession.run, with a UI of `width` x `height`
    attached (lua/ui_watch.lua): Neovim then asks "Press ENTER" where a terminal would. The
    watcher answers each prompt and reports it."""
    root = editor.home.parent
    address = root / "nvim.sock"
    out = root / f"observations-{script}.json"
    seen = root / "prompts.json"
    env = editor.env(KIMI_TEST_SCRIPT=str(LUA / f"{script}.lua"), KIMI_TEST_OUT=str(out))
    nvim = await asyncio.create_subprocess_exec(
        str(NVIM),
        "--headless",
        "--clean",
        "--listen",
        str(address),
        "-u",
        str(LUA / "init.lua"),
        str(file),
        cwd=str(editor.workspace),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    watcher = await asyncio.create_subprocess_exec(
        str(NVIM),
        "--headless",
        "--clean",
        "-l",
        str(LUA / "ui_watch.lua"),
        str(address),
        str(seen),
        str(width),
        str(height),
        env=base_env(root / "watcher-home"),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(nvim.communicate(), NVIM_TIMEOUT)
        watched, _ = await asyncio.wait_for(watcher.communicate(), 30)
    finally:
        for process in (nvim, watcher):
            if process.returncode is None:
                process.kill()
                await process.wait()
    text = output.decode("utf-8", "replace") + watched.decode("utf-8", "replace")
    assert nvim.returncode == 0, text
    observations = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in observations, observations
    prompts = json.loads(seen.read_text(encoding="utf-8"))["prompts"]
    return observations, prompts, text


LONG_GREET = "".join(f"    # step {i} of a long and careful rewrite\n" for i in range(12))


async def test_messages_never_ask_for_enter_in_a_narrow_window(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    slow = Turn(
        content=fenced("def greet(name):\n" + LONG_GREET + '    return f"hello {name}"\n'),
        chunk_chars=4,
        chunk_delay=0.03,
    )
    editor.sim.script(
        Turn(status=401),  # a failed rewrite
        slow,  # stopped: the user types in the proposed lines
        slow,  # cancelled
        Turn(content=fenced(GREET_FSTRING)),  # proposed, then accepted
    )
    obs, prompts, output = await run_with_ui(editor, "messages", file, width=50, height=12)
    assert obs["columns"] == 50
    # No prompt until the control, which asked once.
    assert [p["at"] >= obs["control_at"] for p in prompts] == [True], (prompts, output)
    # Each one a single line that fits the command line (38 columns here: 50 less the ruler
    # and showcmd), cut with "…"; :KimiMessages has the whole text.
    said = [n["msg"] for n in obs["notifications"]]
    assert all("\n" not in m and len(m) <= 50 - 12 for m in said), said
    assert obs["messages"] == said  # (the message history holds the same lines)
    whole = [m["text"] for m in obs["history"]]
    assert [len(whole), len(said)] == [7, 7], whole
    assert whole[0].startswith("Kimi: The refactor failed: The API key was refused")
    assert "KIMI_LSP_API_KEY" in whole[0]
    assert said[0] == whole[0][:36] + "…"
    assert whole[1].startswith("Kimi: The rewrite stopped because you edited the text")
    assert whole[2] == said[2] == "Kimi: change rejected."
    assert whole[3].startswith("Kimi: The refactor was cancelled.")
    assert whole[4].startswith("Kimi: A Kimi change is waiting for review in this document.")
    assert whole[5] == said[5] == "Kimi: change accepted (u undoes it)."
    assert whole[6].startswith("Kimi: this Kimi change was already accepted")
    assert [n["level"] for n in obs["notifications"]] == [4, 3, 2, 2, 4, 2, 4]
    assert obs["lines_before_control"] == LINES[:5] + NEW


API = '''"""The shop's API."""


def total_price(items):
    return sum(item.price for item in items)
'''
CART = """from shop.api import total_price


def checkout(cart):
    return total_price(cart.items)
"""
TEST = """from shop.api import order_total


def test_order_total_of_nothing():
    assert order_total([]) == 0
"""


def call(name: str, **arguments: Any) -> ToolCallSpec:
    return ToolCallSpec(name=name, arguments=json.dumps(arguments))


def rename_turns() -> list[Turn]:
    """The model reads the caller, renames total_price in two files, adds a test."""
    return [
        Turn(reasoning="Read the caller.", tool_calls=[call("read_file", path="shop/cart.py")]),
        Turn(
            tool_calls=[
                call(
                    "edit_file",
                    path="shop/api.py",
                    old_text="def total_price(items):",
                    new_text="def order_total(items):",
                ),
                call(
                    "edit_file",
                    path="shop/cart.py",
                    old_text="from shop.api import total_price",
                    new_text="from shop.api import order_total",
                ),
                call(
                    "edit_file",
                    path="shop/cart.py",
                    old_text="return total_price(cart.items)",
                    new_text="return order_total(cart.items)",
                ),
                call("create_file", path="tests/test_api.py", content=TEST),
            ]
        ),
        Turn(content="Renamed total_price to order_total and added a test."),
    ]


async def test_kimi_edit_quickfix_diff_accept_and_undo(editor: EditorSession) -> None:
    (editor.workspace / "shop").mkdir()
    api = editor.write("shop/api.py", API)
    editor.write("shop/cart.py", CART)
    editor.sim.script(*rename_turns())
    run = await editor.run("edit_accept", api)
    obs = run.observations
    renamed_api = API.replace("total_price", "order_total")
    renamed_cart = CART.replace("total_price", "order_total")
    # The proposal: a quickfix list of hunks, opened without leaving the source window.
    assert obs["title"] == "Kimi: Renamed total_price to order_total and added a test."
    assert obs["quickfix_open"] is True
    assert obs["still_in_source"] is True
    assert obs["items"] == [
        {
            "file": "shop/api.py",
            "lnum": 4,
            "col": 1,
            "text": "edit (-1 +1): def order_total(items):",
        },
        {
            "file": "shop/cart.py",
            "lnum": 1,
            "col": 1,
            "text": "edit (-1 +1): from shop.api import order_total",
        },
        {
            "file": "shop/cart.py",
            "lnum": 5,
            "col": 5,
            "text": "edit (-1 +1): return order_total(cart.items)",
        },
        {"file": "tests/test_api.py", "lnum": 1, "col": 1, "text": "new file (5 lines)"},
    ]
    assert obs["status_waiting"].startswith("Kimi: 1 change to review")
    assert obs["nothing_written"] == {"cart": CART.splitlines(), "test": None}
    assert obs["api_before"] == API.splitlines()
    # :KimiEditDiff: the file now against its proposed text, both in diff mode.
    assert obs["tabs"] == 2
    assert obs["cart_diff"] == {
        "windows": 2,
        "names": ["cart.py (now)", "cart.py (proposed)"],
        "lines": [CART.splitlines(), renamed_cart.splitlines()],
        "diff": [True, True],
    }
    assert obs["new_diff"]["names"] == ["test_api.py (new file)", "test_api.py (proposed)"]
    assert obs["new_diff"]["lines"] == [[""], TEST.splitlines()]
    assert obs["back_in"] == "shop/api.py"
    # Accepted: the open buffer changed (unsaved), the closed file and the new one written.
    assert [n["msg"] for n in obs["notifications"]][:2] == [
        "Kimi: 3 files to review (:KimiEditDiff, :KimiAccept, :KimiReject).",
        "Kimi: change applied to 3 files (2 written; unsaved: shop/api.py).",
    ]
    assert obs["api_after"] == renamed_api.splitlines()
    assert obs["api_modified"] is True
    assert obs["accepted"] == {"cart": renamed_cart.splitlines(), "test": TEST.splitlines()}
    assert obs["cart_buffer_modified"] is False
    assert obs["title_after"].startswith("Kimi (applied): Renamed")
    # Undone: every file as it was, the new file gone.
    assert obs["undone_said"].startswith("Kimi: change undone in 3 files")
    assert obs["api_undone"] == API.splitlines()
    assert obs["undone"] == {"cart": CART.splitlines(), "test": None}
    assert obs["test_buffer"] == -1
    assert (editor.workspace / "shop" / "cart.py").read_text() == CART
    assert not (editor.workspace / "tests" / "test_api.py").exists()
    assert api.read_text() == API  # never saved by Kimi: the user's buffer
    prompt = chat_requests(editor.sim)[0]["messages"][-1]["content"]
    assert "shop/api.py:4: [pylint C0116] missing docstring" in prompt


async def test_a_proposal_is_drawn_where_it_is_after_the_user_typed(
    editor: EditorSession,
) -> None:
    """Each kimi/proposal arrives after the user typed a line above: its ranges are for an
    older version, and the drawing follows the lines to where they are now."""
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(content=fenced(GREET_FSTRING), chunk_chars=4, chunk_delay=0.05))
    run = await editor.run("review_typing", file)
    obs = run.observations
    pending = [s for s in obs["seen"] if s["state"] in ("streaming", "proposed")]
    assert pending, obs["seen"]
    assert all(s["stale"] for s in pending), obs["seen"]
    for s in pending:
        lines = s["lines"]
        typed = sum(1 for line in lines if line.startswith("# typed "))
        written = len(lines) - typed - len(LINES)
        assert lines[typed:] == LINES[:5] + NEW[:written] + LINES[5:]
        top = typed + 5
        assert s["drawn"]["added"] == list(range(top, top + written))
        assert s["drawn"]["removed"] == [top + written, top + written + 1]
        assert s["drawn"]["hints"][0]["row"] == top
    typed = obs["typed"]
    assert obs["after_accept"] == [f"# typed {i}" for i in range(typed, 0, -1)] + LINES[:5] + NEW


async def test_kimi_edit_rejected_then_accepted_for_one_file(editor: EditorSession) -> None:
    (editor.workspace / "shop").mkdir()
    api = editor.write("shop/api.py", API)
    editor.write("shop/cart.py", CART)
    editor.sim.script(*rename_turns(), *rename_turns())
    run = await editor.run("edit_partial", api)
    obs = run.observations
    assert obs["rejected_said"] == "Kimi: change rejected; nothing was written."
    assert obs["rejected_title"].startswith("Kimi (rejected): Renamed")
    assert obs["after_reject"] == {
        "api": API.splitlines(),
        "cart": CART.splitlines(),
        "test": None,
    }
    assert obs["partial_said"] == "Kimi: change applied to 1 file (1 written)."
    assert obs["after_partial"] == {
        "api": API.splitlines(),
        "api_modified": False,
        "cart": CART.replace("total_price", "order_total").splitlines(),
        "test": None,
    }
