"""Whatever path the model writes, in whatever form, no tool returns a byte from outside
the workspace or from a denied file: hypothesis builds paths from the pieces escapes are
made of (`..`, separators of both kinds, `~`, drive letters, UNC prefixes, URL and
Unicode look-alike encodings, symlinks to files and to parent folders, deny-listed names)
and runs all three tools on each."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kimi_lsp.agent.readers import ToolLimits
from kimi_lsp.agent.rules import DenyList
from kimi_lsp.agent.sandbox import Refused, Sandbox, folders_from
from kimi_lsp.agent.tools import run_tool
from kimi_lsp.model.types import ToolCall

SECRETS = ("OUTSIDE-MARKER", "sk-live-supersecret", "TOKEN=abc", "PRIVATE KEY", "HOME-SSH-KEY")
"""Text that only files outside the workspace or on the deny list contain."""

SEGMENTS = [
    "..",
    ".",
    "...",
    "....",
    "~",
    "~root",
    "C:",
    "c:",
    "%2e%2e",
    "%2e%2e%2f",
    "..%2f",
    "%252e%252e",
    "..%5c..",
    "\u2024\u2024",  # one-dot leaders
    "\uff0e\uff0e",  # fullwidth full stops
    ". .",
    ".. ",
    " ..",
    "pkg",
    "helpers.py",
    "link_out.py",
    "linked_dir",
    "notes.py",
    "up",
    "outside",
    "id_rsa",
    "id_rsa.txt",
    ".ssh",
    "home",
    ".env",
    "innocent.txt",
    "config",
    ".env.production",
    "secret_dir",
    "server.pem",
    ".git",
    "$HOME",
    "${HOME}",
    "file:",
    "",
]
PREFIXES = ["", "/", "//", "\\\\", "\\\\?\\", "./", "~/", "C:\\", "file:///", "\\", " "]


@st.composite
def hostile_paths(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.one_of(st.sampled_from(SEGMENTS), st.text(max_size=6)),
            min_size=1,
            max_size=7,
        )
    )
    separator = draw(st.sampled_from(["/", "\\", "//", "/./"]))
    return draw(st.sampled_from(PREFIXES)) + separator.join(parts)


@pytest.fixture
def fortress(tmp_path: Path) -> Sandbox:
    """A workspace whose links point at secrets outside it, and secrets inside it."""
    ws = tmp_path / "ws"
    (ws / "pkg").mkdir(parents=True)
    (ws / "pkg" / "helpers.py").write_text("def helper(x):\n    return x * 2\n")
    (ws / ".env").write_text("API_KEY=sk-live-supersecret\n")
    (ws / "config").mkdir()
    (ws / "config" / ".env.production").write_text("TOKEN=abc\n")
    (ws / "server.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "id_rsa.txt").write_text("OUTSIDE-MARKER\n")
    (outside / "notes.py").write_text("# OUTSIDE-MARKER\n")
    home = tmp_path / "home" / ".ssh"
    home.mkdir(parents=True)
    (home / "id_rsa").write_text("HOME-SSH-KEY\n")
    os.symlink(outside / "notes.py", ws / "link_out.py")
    os.symlink(outside, ws / "linked_dir")
    os.symlink(tmp_path, ws / "pkg" / "up")  # a symlinked parent: pkg/up/outside/...
    os.symlink(ws / ".env", ws / "innocent.txt")
    os.symlink(ws / "config", ws / "secret_dir")
    return Sandbox(folders_from([("ws", str(ws))]), DenyList())


def _run(sandbox: Sandbox, tool: str, args: dict[str, object]) -> str:
    call = ToolCall(id="call_1", name=tool, arguments=json.dumps(args))
    return run_tool(sandbox, call, ToolLimits()).text


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(path=hostile_paths())
def test_no_path_reaches_outside_or_a_secret(fortress: Sandbox, path: str) -> None:
    folder = fortress.folders[0].path
    try:
        targets = fortress.resolve(path)
    except Refused:
        targets = []
    for target in targets:
        assert target.path == folder or target.path.is_relative_to(folder)
        assert not fortress.deny.denies(target.rel, target.path.is_dir())
    results = [
        _run(fortress, "read_file", {"path": path}),
        _run(fortress, "list_files", {"path": path}),
        _run(fortress, "search_text", {"query": "E", "path": path}),
        _run(fortress, "search_text", {"query": ".", "path": path, "is_regex": True}),
    ]
    for text in results:
        for secret in SECRETS:
            assert secret not in text, (path, text)


def test_the_fortress_really_holds_the_secrets(fortress: Sandbox) -> None:
    """The property above could pass vacuously; the traps must be real."""
    root = fortress.folders[0].path
    assert "OUTSIDE-MARKER" in (root / "link_out.py").read_text()
    assert "OUTSIDE-MARKER" in (root / "pkg" / "up" / "outside" / "id_rsa.txt").read_text()
    assert "sk-live-supersecret" in (root / "innocent.txt").read_text()
    assert "TOKEN=abc" in (root / "secret_dir" / ".env.production").read_text()
    assert "def helper" in _run(fortress, "read_file", {"path": "pkg/helpers.py"})
    listing = _run(fortress, "list_files", {})
    assert "pkg/helpers.py" in listing
    escapes = ("pkg/up/outside/id_rsa.txt", "linked_dir/notes.py", "secret_dir/.env.production")
    for escape in escapes:
        assert _run(fortress, "read_file", {"path": escape}).startswith("Refused")
