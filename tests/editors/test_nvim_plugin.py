"""The Neovim plugin (editors/nvim) in real headless Neovim against the real server."""

from __future__ import annotations

import asyncio
import json

import pytest

from kimi_lsp.simulator import Turn

from .conftest import REPO, SERVER, SIM_KEY, EditorSession, chat_requests, selection_sent

pytestmark = pytest.mark.editor

SAMPLE = """\
def total_price(items, tax_rate):
    subtotal = sum(item.price * item.quantity for item in items)
    return subtotal * (1 + tax_rate)


def greet(name):
    return "hello " + name
"""


async def test_explain_visual_range_streams_into_a_float(editor: EditorSession) -> None:
    answer = "`total_price` sums the items' prices and quantities, then adds `tax_rate`."
    editor.sim.script(Turn(reasoning="It prices a cart.", content=answer))
    file = editor.write("shop.py", SAMPLE)
    run = await editor.run("explain", file)
    obs = run.observations
    assert obs["encoding"] == "utf-8"
    # The float opens at once, before any text, with a placeholder.
    assert obs["float_opened"] is True
    assert obs["placeholder"] == ["_Kimi is thinking…_"]
    assert obs["float_filetype"] == "markdown"
    assert obs["float_is_current"] is False  # it does not take the cursor
    text = "\n".join(obs["float"])
    assert text == answer
    assert text == obs["view_text"]
    # Live: after each streamed piece the window shows the text so far.
    rendered = obs["rendered"]
    assert len(rendered) > 1
    assert all(text.startswith(shown) for shown in rendered)
    assert rendered[-1] == text
    assert len(set(rendered)) == len(rendered)
    assert obs["show_enters"] is True  # :KimiExplainShow moves into it
    assert obs["float_closed"] is True
    assert obs["back_in_source"] is True
    assert obs["reopened"] == obs["float"]  # ... and reopens it once closed
    assert obs["reopened_is_current"] is False
    assert obs["source_lines"] == SAMPLE.splitlines()
    assert obs["status"].startswith("Kimi $")
    assert obs["messages"] == []
    first = chat_requests(editor.sim)[0]  # (the model may read files in more requests)
    assert selection_sent(first) == "\n".join(SAMPLE.splitlines()[:3]) + "\n"


def applied_at_once(editor: EditorSession) -> None:
    """`kimi.edits.review = false` (in the user's config file): a whole rewrite is applied at
    once, with no proposal to accept. The other tests accept each proposal (review, the
    default; test_nvim_review.py has the review flow itself)."""
    config = editor.home / "config" / "kimi-lsp"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("[kimi.edits]\nreview = false\n", encoding="utf-8")


GREET_FSTRING = 'def greet(name):\n    return f"hello {name}"\n'


def fenced(code: str) -> str:
    return f"```python\n{code}```"


async def test_refactor_streams_then_undo_restores(editor: EditorSession) -> None:
    """With review off, the rewrite is applied as soon as it is whole."""
    applied_at_once(editor)
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(
        Turn(content=fenced(GREET_FSTRING), chunk_chars=6, chunk_delay=0.01),
    )
    run = await editor.run("refactor_undo", file)
    obs = run.observations
    lines = SAMPLE.splitlines()
    assert obs["reviewed"] is False
    assert obs["after_refactor"] == lines[:5] + GREET_FSTRING.splitlines()
    assert obs["undo_restored"] is True
    assert obs["after_undo"] == lines
    assert obs["second_undo"] == {
        "msg": "Kimi: there is no Kimi change to undo in this document.",
        "level": 4,
    }
    body = chat_requests(editor.sim)[0]
    assert selection_sent(body) == "\n".join(lines[5:7]) + "\n"
    assert "use an f-string" in body["messages"][-1]["content"]
    # No noise: nothing is printed for the streamed edits, only the undo and its refusal.
    assert obs["messages"] == [
        "Kimi: change undone.",
        "Kimi: there is no Kimi change to undo in this document.",
    ]


async def test_code_actions_add_docstring_and_ask_for_instruction(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    lines = SAMPLE.splitlines()
    documented = [
        lines[0],
        '    """Return the total price of the items, tax included."""',
        *lines[1:3],
    ]
    greet_who = ["def greet(who):", '    return "hello " + who']
    editor.sim.script(
        Turn(content=fenced("\n".join(documented) + "\n"), chunk_chars=7, chunk_delay=0.005),
        Turn(content=fenced("\n".join(greet_who) + "\n"), chunk_chars=5),
    )
    run = await editor.run("code_actions", file)
    obs = run.observations
    assert {"Kimi: Explain", "Kimi: Refactor...", "Kimi: Add docstring"} <= set(obs["titles"])
    assert obs["docstring_proposed"] == documented + lines  # the proposal above the original
    assert obs["after_docstring"] == documented + lines[3:]  # accepted by its code action
    assert obs["asked"] == ["Kimi refactor: "]
    top = len(documented) + 2  # the refactor's proposal starts on the line after them
    assert obs["lenses"] == [
        {"line": top, "title": "Accept (Kimi)"},
        {"line": top, "title": "Reject"},
    ]
    assert obs["after_refactor"] == documented + lines[3:5] + greet_who  # accepted by the lens
    assert [n["msg"] for n in obs["said"]] == ["Kimi: change accepted (u undoes it)."] * 2
    first, second = chat_requests(editor.sim)
    assert "docstring" in first["messages"][-1]["content"]
    assert selection_sent(first) == "\n".join(lines[:3])
    assert "rename the parameter to who" in second["messages"][-1]["content"]
    assert selection_sent(second) == "\n".join(lines[5:7])


NON_ASCII = """\
def compute(a, b):
    return a - b


label = "é😀"; value = compute(a, b)
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
async def test_non_ascii_selection_is_sent_exactly(editor: EditorSession, encoding: str) -> None:
    file = editor.write("calc.py", NON_ASCII)
    editor.sim.script(
        Turn(content="The characters **é😀**."),
        Turn(content=fenced("compute(b, a)\n"), chunk_chars=3),
    )
    run = await editor.run("non_ascii", file, KIMI_TEST_ENCODING=encoding)
    obs = run.observations
    assert obs["encoding"] == encoding
    explain, refactor = chat_requests(editor.sim)
    assert selection_sent(explain) == "é😀"
    assert obs["explained"] == "The characters **é😀**."
    assert selection_sent(refactor) == "compute(a, b)"
    assert obs["after_refactor"][-1] == 'label = "é😀"; value = compute(b, a)'
    assert obs["after_refactor"][:-1] == NON_ASCII.splitlines()[:-1]
    usage = obs["usage"]["msg"]
    assert usage.startswith("Kimi: 2 requests · ")
    assert "completion tokens" in usage
    assert "cost $0.0" in usage
    assert obs["status"].startswith("Kimi $0.0")


async def test_checkhealth_reports_executable_and_version(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    run = await editor.run("health", file)
    text = "\n".join(run.observations["health"])
    version = (await _server_version()).strip()
    assert f"executable: {SERVER}" in text
    assert f"version: {version}" in text
    assert "KIMI_LSP_API_KEY is set (the value is not shown)" in text
    assert SIM_KEY not in text
    assert "positions in utf-8" in text
    assert "ERROR" not in text


NO_KEY = {"KIMI_LSP_API_KEY": "", "KIMI_LSP_BASE_URL": "", "KIMI_LSP_PROVIDER": ""}


async def test_checkhealth_warns_when_no_key_is_set(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    run = await editor.run("health", file, **NO_KEY)
    text = "\n".join(run.observations["health"])
    assert "WARNING provider `empiriolabs`: no API key is set" in text
    assert "export EMPIRIOLABS_API_KEY=... before starting Neovim" in text
    assert "apiKey under [kimi] in " in text


@pytest.mark.parametrize(
    ("toml", "env", "found"),
    [
        ('[kimi]\napiKey = "sk-from-file-1234"\n', {}, "provider `empiriolabs`: apiKey is set in "),
        ("api_key = 'sk-from-file-1234'\n", {}, "provider `empiriolabs`: apiKey is set in "),
        (
            '[kimi]\nprovider = "aigateway"\n',
            {"AIGATEWAY_API_KEY": "sk-gateway-1234"},
            "provider `aigateway`: AIGATEWAY_API_KEY is set",
        ),
    ],
    ids=["kimi-table", "top-level", "provider-from-file"],
)
async def test_checkhealth_finds_the_key_where_the_server_does(
    editor: EditorSession, toml: str, env: dict[str, str], found: str
) -> None:
    """A key in ~/.config/kimi-lsp/config.toml (or the provider chosen there) is no warning."""
    config = editor.home / "config" / "kimi-lsp"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(toml, encoding="utf-8")
    file = editor.write("shop.py", SAMPLE)
    run = await editor.run("health_only", file, **NO_KEY, **env)
    text = "\n".join(run.observations["health"])
    assert found in text
    assert "sk-" not in text  # never the value
    key_section = text.split("kimi-lsp: API key", 1)[1].split("kimi-lsp: clients", 1)[0]
    assert "WARNING" not in key_section


async def test_checkhealth_warns_when_the_chosen_provider_has_no_key(
    editor: EditorSession,
) -> None:
    """The file picks aigateway: EMPIRIOLABS_API_KEY in the environment is not its key."""
    config = editor.home / "config" / "kimi-lsp"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text('[kimi]\nprovider = "aigateway"\n', encoding="utf-8")
    file = editor.write("shop.py", SAMPLE)
    run = await editor.run("health_only", file, **NO_KEY, EMPIRIOLABS_API_KEY="sk-emp-1234")
    text = "\n".join(run.observations["health"])
    assert "WARNING provider `aigateway`: no API key is set" in text
    assert "export AIGATEWAY_API_KEY=..." in text


async def test_checkhealth_install_advice_works_as_written(editor: EditorSession) -> None:
    """Without the executable, the advice installs from the checkout the plugin is in."""
    file = editor.write("shop.py", SAMPLE)
    setup = {"lsp": {"cmd": ["kimi-lsp-not-installed"]}}
    run = await editor.run("health_only", file, KIMI_TEST_SETUP=json.dumps(setup))
    text = "\n".join(run.observations["health"])
    assert "ERROR `kimi-lsp-not-installed` was not found on $PATH" in text
    assert f"pipx install {REPO}" in text or f"pipx install '{REPO}'" in text
    assert "pip install kimi-lsp" not in text
    assert "pipx install kimi-lsp" not in text


async def _server_version() -> str:
    process = await asyncio.create_subprocess_exec(
        str(SERVER), "--version", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    return out.decode()


async def test_cancel_stops_a_streaming_explanation(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(content="word " * 400, chunk_chars=5, chunk_delay=0.05))
    run = await editor.run("cancel", file)
    obs = run.observations
    assert obs["view_lines"][-1] == "_Cancelled._"
    assert (obs["progress"][-1]["kind"], obs["progress"][-1]["message"]) == ("end", "cancelled")
    await editor.sim.wait_for_disconnect(0, timeout=10)
    assert not [n for n in obs["notifications"] if n["level"] >= 4]


async def test_fix_sends_the_line_diagnostics(editor: EditorSession) -> None:
    source = "import os\nimport sys\n\nprint(sys.argv)\n"
    file = editor.write("tool.py", source)
    editor.sim.script(Turn(content=fenced("import sys\n")), Turn(content=fenced("import json\n")))
    run = await editor.run("fix", file)
    obs = run.observations
    assert obs["no_diagnostics"]["msg"] == "Kimi: no diagnostics on line 3"
    assert obs["after_fix"] == ["import sys", "import sys", "", "print(sys.argv)"]
    assert obs["after_quick_fix"] == ["import sys", "import json", "", "print(sys.argv)"]
    body, quick_fix = chat_requests(editor.sim)
    assert selection_sent(body) == "import os\n"
    assert "line 1: [pyflakes F401] 'os' imported but unused" in body["messages"][-1]["content"]
    assert selection_sent(quick_fix) == "import sys\n"
    assert "line 2: [pyflakes F811] redefinition" in quick_fix["messages"][-1]["content"]


async def test_setup_split_layout_settings_and_close_cancels(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(content="word " * 400, chunk_chars=5, chunk_delay=0.05))
    options = {"explain": {"layout": "split"}, "settings": {"maxTokens": 4096}, "keymaps": True}
    run = await editor.run("split_close", file, KIMI_TEST_SETUP=json.dumps(options))
    obs = run.observations
    assert obs["layout"] == "split"
    assert obs["windows"] == 2
    assert obs["cursor_stayed"] is True
    assert obs["filetype"] == "markdown"
    assert obs["closed"] is True
    assert obs["back_in_source"] is True
    assert obs["progress"][-1]["message"] == "cancelled"
    assert obs["keymap"] == ":KimiExplain<CR>"
    await editor.sim.wait_for_disconnect(0, timeout=10)
    (body,) = chat_requests(editor.sim)
    assert body["max_tokens"] == 4096
    assert selection_sent(body) == SAMPLE.splitlines()[0] + "\n"


async def test_stale_edits_are_refused_quietly_and_resent(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    code = (
        'def greet(name):\n    """Say hello."""\n'
        '    greeting = "hello"\n    return f"{greeting} {name}"\n'
    )
    editor.sim.script(Turn(content=fenced(code), chunk_chars=4, chunk_delay=0.03))
    run = await editor.run("typing", file)
    obs = run.observations
    typed = ["# typed 2", "# typed 1"]
    assert obs["after"] == typed + SAMPLE.splitlines()[:5] + code.splitlines()
    assert obs["answers"][:2] == [False, False]
    assert obs["answers"][-1] is True
    assert obs["progress"][-1]["message"].startswith("done")
    assert obs["messages"] == ["Kimi: change accepted (u undoes it)."]


async def test_rewrite_growing_at_end_of_file_is_exact(editor: EditorSession) -> None:
    """Neovim 0.11 adds a stray empty line for an insertion just past the last line; the
    plugin's applyEdit handler avoids it, or the server would see a changed region and stop."""
    file = editor.write("shop.py", SAMPLE)
    code = 'def greet(name):\n    """Say hello."""\n    greeting = "hello"\n    return greeting\n'
    editor.sim.script(Turn(content=fenced(code), chunk_chars=4, chunk_delay=0.02))
    run = await editor.run("refactor_undo", file)
    obs = run.observations
    assert obs["reviewed"] is True
    assert obs["after_refactor"] == SAMPLE.splitlines()[:5] + code.splitlines()
    assert obs["progress"][-1]["message"].startswith("done")
    assert obs["after_undo"] == SAMPLE.splitlines()


async def test_explain_failure_is_shown(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(status=401))
    run = await editor.run("explain_error", file)
    obs = run.observations
    shown = "\n".join(obs["view_lines"])
    assert shown.startswith("**Kimi failed:** The API key was refused")
    assert "KIMI_LSP_API_KEY" in shown
    (error,) = [n for n in obs["notifications"] if n["level"] == 4]
    (whole,) = [m["text"] for m in obs["history"]]
    assert whole.startswith("Kimi: The API key was refused")
    assert "KIMI_LSP_API_KEY" in whole
    # One line that fits the command line (no "Press ENTER"); the whole of it is kept.
    assert error["msg"] == whole[: obs["echospace"] - 2] + "…"
    assert SIM_KEY not in shown + whole
    assert obs["progress"][-1]["message"].startswith("failed: ")


ADD = "def add(a, b):\n    \n"


@pytest.mark.parametrize(
    ("reply", "inserted"),
    [
        ("return a + b", ["    return a + b"]),
        ("total = a + b\n    return total", ["    total = a + b", "    return total"]),
    ],
    ids=["single-line", "multi-line-snippet"],
)
async def test_completion_fallback_popup_inserts_the_kimi_item(
    editor: EditorSession, reply: str, inserted: list[str]
) -> None:
    """Neovim 0.11: <C-x><C-o> on the empty body line shows the Kimi item; <C-y> inserts it
    whole (a multi-line one as a snippet)."""
    file = editor.write("calc.py", ADD)
    editor.sim.script(Turn(reasoning="r", content=f"<completion>{reply}</completion>"))
    run = await editor.run("ghost_text", file, KIMI_TEST_SETUP="{}")
    obs = run.observations
    assert obs["has_inline"] is False, "this test is for Neovim 0.11 (the fallback)"
    assert obs["omnifunc"] == "v:lua.vim.lsp.omnifunc"
    assert obs["mode_in_popup"].startswith("i")
    (item,) = [i for i in obs["items"] if i["menu"].startswith("Kimi")]
    assert item["detail"].startswith("Kimi")
    multiline = "\n" in reply
    assert item["kind"] == ("Snippet" if multiline else "Text")
    assert item["insert_text_format"] == 2  # always a snippet: Neovim 0.11 inserts it whole
    # The server's text; the plugin makes a snippet's later lines relative to the cursor
    # line (vim.snippet.expand prepends its indentation to them).
    assert item["new_text"] == reply.replace("\n    ", "\n")
    assert obs["done"][-1] == {"reason": "accept", "menu": item["menu"]}
    assert obs["lines"] == ["def add(a, b):", *inserted]
    (body,) = chat_requests(editor.sim)
    assert "<CURSOR>" in json.dumps(body)


@pytest.mark.parametrize(
    ("options", "other"),
    [
        ({}, {"omnifunc": "syntaxcomplete#Complete", "lsp_completion": True}),
        (
            {"completion": {"omnifunc": True}},
            {"omnifunc": "v:lua.vim.lsp.omnifunc", "lsp_completion": True},
        ),
        (
            {"completion": {"enabled": False}},
            {"omnifunc": "syntaxcomplete#Complete", "lsp_completion": False},
        ),
    ],
    ids=["default", "omnifunc-true", "disabled"],
)
async def test_setup_sets_the_omnifunc_on_nvim_011(
    editor: EditorSession, options: dict[str, object], other: dict[str, object]
) -> None:
    file = editor.write("calc.py", ADD)
    editor.write("other.txt", "some text\n")
    run = await editor.run("omnifunc", file, KIMI_TEST_SETUP=json.dumps(options))
    obs = run.observations
    assert obs["has_inline"] is False
    enabled = options.get("completion") != {"enabled": False}
    # calc.py had only the runtime's python omnifunc: LSP's replaces it.
    assert obs["first"] == {"omnifunc": "v:lua.vim.lsp.omnifunc", "lsp_completion": enabled}
    assert obs["augroup"] == (1 if enabled else 0)
    # other.txt has the user's own omnifunc: kept unless `omnifunc = true`.
    assert obs["other"] == other
    assert chat_requests(editor.sim) == []


async def test_a_superseded_explain_is_forgotten(editor: EditorSession) -> None:
    """Neovim 0.11 drops the handler of a cancelled request: the plugin forgets the first
    explain itself, and :KimiCancel then says that nothing was running."""
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(
        Turn(content="word " * 400, chunk_chars=5, chunk_delay=0.05),
        Turn(content="`greet` says hello."),
    )
    run = await editor.run("explain_superseded", file)
    obs = run.observations
    assert obs["first_window_closed"] is True
    assert obs["second"] == "`greet` says hello."
    assert obs["cancel_said"] == "Kimi: nothing was running."
    await editor.sim.wait_for_disconnect(0, timeout=10)


async def test_a_killed_server_leaves_no_progress_behind(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    editor.sim.script(Turn(content="word " * 400, chunk_chars=5, chunk_delay=0.05))
    run = await editor.run("killed_server", file)
    obs = run.observations
    assert obs["killed"] == 1
    assert obs["status_while_running"].startswith("Kimi: explain · ")
    assert obs["status_after"] == ""
    assert obs["view_lines"][-1] == "**Kimi failed:** kimi-lsp stopped"
    assert obs["running_after"] is False
    # Every status line is redrawn (`:redrawstatus!`), also after the exit.
    assert obs["redraws"]
    assert all(obs["redraws"])
    assert obs["redraws_after_exit"] > 0
    assert obs["cancel_said"] == "Kimi: nothing was running."


async def test_restart_starts_a_new_server_for_the_buffer(editor: EditorSession) -> None:
    file = editor.write("shop.py", SAMPLE)
    run = await editor.run("restart", file)
    obs = run.observations
    assert obs["old_gone"] is True
    assert obs["same_root"] is True
    assert obs["attached"] is True
    assert obs["usage_requests"] == 0
    assert "Kimi: kimi-lsp restarted." in obs["echoed"]
