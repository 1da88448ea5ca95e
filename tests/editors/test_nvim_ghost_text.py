"""Ghost text in real headless Neovim 0.11 (the plugin's own inline completion): typed in
insert mode, drawn as virtual text, accepted whole or in pieces, cycled, dismissed, and a
stale request cancelled."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from kimi_lsp.simulator import Turn

from .conftest import EditorSession, NvimRun, chat_requests, run_nvim

pytestmark = pytest.mark.editor

ADD = "def add(a, b):\n    \n"
AUTOMATIC, INVOKED = 2, 1


def completion(*texts: str) -> str:
    return "".join(f"<completion>{text}</completion>" for text in texts)


def inline_requests(obs: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in obs["requests"] if r["method"] == "textDocument/inlineCompletion"]


async def test_typing_shows_ghost_text_and_accept_inserts_it(editor: EditorSession) -> None:
    file = editor.write("calc.py", ADD)
    editor.sim.script(Turn(content=completion("return a + b"), ttft=0.3))
    run = await editor.run("ghost_accept", file)
    obs = run.observations
    assert obs["has_inline"] is False, "this test is for Neovim 0.11"
    assert obs["thinking_seen"] is True
    assert obs["thinking_after"] is False  # the mark goes with the answer
    drawn = obs["drawn"]
    assert (drawn["row"], drawn["col"]) == (1, 4)  # at the cursor, after the indentation
    assert drawn["inline"] == "return a + b"
    assert drawn["below"] == []
    assert drawn["pos"] == "inline"
    assert drawn["hl"] == "KimiSuggestion"
    assert obs["lines_before"] == ["def add(a, b):", "    "]  # drawn, not inserted
    assert obs["lines_after"] == ["def add(a, b):", "    return a + b"]
    assert obs["cursor_after"] == [2, len("    return a + b")]
    assert obs["mode"].startswith("i")
    (first, *_) = inline_requests(obs)
    assert first["trigger"] == AUTOMATIC
    assert "kimi.usage" in [r.get("command") for r in obs["requests"]]
    body = chat_requests(editor.sim)[0]
    assert "<CURSOR>" in json.dumps(body)


async def test_multi_line_suggestion_accepted_by_line_and_word(editor: EditorSession) -> None:
    file = editor.write("calc.py", ADD)
    editor.sim.script(Turn(content=completion("total = a + b\n    return total")))
    run = await editor.run("ghost_partial", file)
    obs = run.observations
    pieces = obs["pieces"]
    first = pieces[0]["drawn"]
    assert (first["inline"], first["below"]) == ("total = a + b", ["    return total"])
    # After the line: the rest starts with the line break.
    assert pieces[1]["lines"] == ["def add(a, b):", "    total = a + b"]
    assert (pieces[1]["drawn"]["inline"], pieces[1]["drawn"]["below"]) == (
        "",
        ["    return total"],
    )
    # A word at the end of a line: the line break and the next line's indentation.
    assert pieces[2]["lines"] == ["def add(a, b):", "    total = a + b", "    "]
    assert pieces[2]["cursor"] == [3, 4]
    assert pieces[2]["drawn"]["inline"] == "return total"
    assert pieces[3]["lines"][-1] == "    return"
    assert pieces[3]["drawn"]["inline"] == " total"
    assert obs["lines"] == ["def add(a, b):", "    total = a + b", "    return total"]
    assert obs["drawn_after"] is None
    assert len(chat_requests(editor.sim)) == 1  # the pieces came from one answer


ALTERNATIVES = ("return a + b", "return b + a", "return sum((a, b))")


async def test_alternatives_cycle_and_the_chosen_one_is_accepted(editor: EditorSession) -> None:
    file = editor.write("calc.py", ADD)
    editor.sim.script(Turn(content=completion(*ALTERNATIVES)))
    setup = {"completion": {"auto_trigger": False}}
    run = await editor.run("ghost_cycle", file, KIMI_TEST_SETUP=json.dumps(setup))
    obs = run.observations
    assert obs["before_any_key"] is None  # auto_trigger off: nothing until asked
    seen = [(d["inline"], d["annotation"]) for d in obs["cycle"]]
    assert seen == [
        ("return a + b (1/3)", "(1/3)"),
        ("return b + a (2/3)", "(2/3)"),
        ("return a + b (1/3)", "(1/3)"),
        ("return sum((a, b)) (3/3)", "(3/3)"),
    ]
    assert obs["lines"] == ["def add(a, b):", "    return sum((a, b))"]
    assert [r["trigger"] for r in inline_requests(obs)] == [INVOKED]
    assert len(chat_requests(editor.sim)) == 1


async def test_dismiss_hides_the_suggestion_and_changes_nothing(editor: EditorSession) -> None:
    file = editor.write("calc.py", ADD)
    editor.sim.script(Turn(content=completion("return a + b")))
    run = await editor.run("ghost_dismiss", file)
    obs = run.observations
    assert obs["shown"] == {"inline": "return a + b", "mode": "i"}
    assert obs["after_dismiss"] == {"drawn": None, "lines": ["def add(a, b):", "    "], "mode": "i"}
    assert obs["after_key_without_suggestion"] == ["def add(a, b):", "    x"]


async def test_a_stale_request_is_cancelled_and_never_shown(editor: EditorSession) -> None:
    """The answer to a request the typing made stale is never drawn: the plugin cancels it
    (Neovim 0.11 then never calls its handler) and asks again."""
    file = editor.write("calc.py", ADD)
    editor.sim.script(
        Turn(content=completion("STALE"), ttft=30),
        Turn(content=completion("return a + b")),
    )
    signal = editor.workspace.parent / "signal-first-model-call"
    env = editor.env(KIMI_TEST_SIGNAL=str(signal))

    async def signal_first_model_call() -> None:
        await editor.sim.wait_for_requests(1, timeout=60)
        signal.write_text("go", encoding="utf-8")

    watcher = asyncio.create_task(signal_first_model_call())
    try:
        run = await run_nvim("ghost_stale", file, env, editor.workspace)
    finally:
        watcher.cancel()
    check(run)
    obs = run.observations
    first, second = inline_requests(obs)[:2]
    assert {"method": "textDocument/inlineCompletion", "id": first["id"]} in obs["cancelled"]
    assert all("STALE" not in shown["text"] for shown in obs["shown"])
    assert obs["lines"] == ["def add(a, b):", "    return a + b"]
    assert second["trigger"] == AUTOMATIC
    await editor.sim.wait_for_disconnect(0, timeout=10)  # the model call was stopped


def check(run: NvimRun) -> None:
    assert run.returncode == 0, str(run)
    assert "error" not in run.observations, str(run)
