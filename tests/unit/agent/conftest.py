"""A small workspace on disk with the traps the sandbox must refuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kimi_lsp.agent.readers import ToolLimits
from kimi_lsp.agent.rules import DenyList
from kimi_lsp.agent.sandbox import Sandbox, folders_from


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    (ws / "pkg").mkdir(parents=True)
    (ws / "pkg" / "helpers.py").write_text(
        "def helper(x):\n    return x * 2\n\n\ndef other():\n    pass\n"
    )
    (ws / "pkg" / "main.py").write_text("from pkg.helpers import helper\n\nprint(helper(21))\n")
    (ws / "README.md").write_text("# Demo\nCall helper() to double.\n")
    (ws / ".env").write_text("API_KEY=sk-live-supersecret\n")
    (ws / "config").mkdir()
    (ws / "config" / ".env.production").write_text("TOKEN=abc\n")
    (ws / "server.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    (ws / "my_secrets.py").write_text("PASSWORD = 'x'\n")
    (ws / ".git").mkdir()
    (ws / ".git" / "config").write_text("[core]\n")
    (ws / ".gitignore").write_text("build/\n*.log\n!keep.log\n")
    (ws / "build").mkdir()
    (ws / "build" / "out.py").write_text("def helper_built(): pass\n")
    (ws / "debug.log").write_text("helper log line\n")
    (ws / "keep.log").write_text("kept helper line\n")
    (ws / "image.bin").write_bytes(b"\x89PNG\x00\x00helper")
    (ws / "big.txt").write_text("x" * 5000)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "id_rsa.txt").write_text("PRIVATE\n")
    (outside / "notes.py").write_text("def helper(): 'outside'\n")
    os.symlink(outside / "notes.py", ws / "link_out.py")
    os.symlink(outside, ws / "linked_dir")
    os.symlink(ws / "pkg" / "helpers.py", ws / "link_in.py")
    os.symlink(ws / ".env", ws / "innocent.txt")
    os.symlink(ws / "build" / "out.py", ws / "pkg" / "built.py")
    return ws


@pytest.fixture
def sandbox(workspace: Path) -> Sandbox:
    return Sandbox(folders_from([("ws", str(workspace))]), DenyList(["*.local"]))


LIMITS = ToolLimits(max_read_chars=2000, max_file_bytes=4000, max_files=50, max_matches=20)
