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


# --- hostile patterns, queries and arguments: every call answers, bounded, quickly ------

GLOB_PIECES = ["*", "**", "?", "a", "b", "/", "[a-z]", "[!a]", "\\", "!", "#", "[", "]", ".", " "]
REGEX_PIECES = [
    "a",
    "(",
    ")",
    "(?:",
    "*",
    "+",
    "?",
    "{100}",
    "{1000}",
    "{0,}",
    "{4000000000}",
    "|",
    "\\",
    "[",
    "]",
    ".",
    "\\d",
    "(?V1)",
    "(?#",
    "\\p{L}",
    "{e<=1}",
]


def _hostile_text(pieces: list[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(
        st.one_of(st.sampled_from(pieces), st.text(max_size=3)), min_size=1, max_size=max_size
    ).map("".join)


def _answer_is_bounded(text: str) -> None:
    assert isinstance(text, str)
    assert text
    assert len(text) <= 200_000
    for secret in SECRETS:
        assert secret not in text


FAST = ToolLimits(search_seconds=0.2)


@settings(
    max_examples=150,
    deadline=10_000,  # an example that hangs fails; the bound on time is checked elsewhere
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pattern=_hostile_text(GLOB_PIECES, 60),
    repeat=st.integers(min_value=1, max_value=40),
)
def test_hostile_globs_everywhere_are_answered(
    fortress: Sandbox, pattern: str, repeat: int
) -> None:
    """The same pattern as the model's list_files glob, in the repository's .gitignore
    and in kimi.tools.deny."""
    glob = (pattern * repeat)[:1200]
    root = fortress.folders[0].path
    (root / "pkg" / ("a" * 120 + "b.py")).write_text("x = 1\n")
    (root / ".gitignore").write_text(glob + "\n")
    box = Sandbox(fortress.folders, DenyList([glob]))
    for name, args in [
        ("list_files", {"pattern": glob}),
        ("list_files", {"path": "pkg", "pattern": glob}),
        ("read_file", {"path": "pkg/helpers.py"}),
        ("search_text", {"query": "x"}),
    ]:
        call = ToolCall(id="c", name=name, arguments=json.dumps(args))
        _answer_is_bounded(run_tool(box, call, FAST).text)


@settings(
    max_examples=150,
    deadline=10_000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=_hostile_text(REGEX_PIECES, 40))
def test_hostile_regexes_are_answered(fortress: Sandbox, query: str) -> None:
    (fortress.folders[0].path / "pkg" / "long.txt").write_text("a" * 5000 + "!\n")
    call = ToolCall(
        id="c", name="search_text", arguments=json.dumps({"query": query, "regex": True})
    )
    _answer_is_bounded(run_tool(fortress, call, FAST).text)


@st.composite
def nested_arguments(draw: st.DrawFn) -> str:
    depth = draw(st.integers(min_value=0, max_value=200_000))
    opener = draw(st.sampled_from(["[", '{"a":', '{"path":[', "[{", '"[', "\\["]))
    closer = {"[": "]", '{"a":': "}", '{"path":[': "]}", "[{": "}]", '"[': "", "\\[": ""}[opener]
    close = draw(st.booleans())
    inner = draw(st.sampled_from(["1", '"x"', "null", "", "{", "]"]))
    return opener * depth + inner + (closer * depth if close else "")


@settings(
    max_examples=100,
    deadline=10_000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(arguments=nested_arguments(), tool=st.sampled_from(["read_file", "list_files", "x"]))
def test_nested_and_broken_arguments_are_answered(
    fortress: Sandbox, arguments: str, tool: str
) -> None:
    result = run_tool(fortress, ToolCall(id="c", name=tool, arguments=arguments), FAST)
    _answer_is_bounded(result.text)
    assert result.activity


@settings(
    max_examples=30,
    deadline=10_000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    piece=hostile_paths(),
    repeat=st.one_of(st.integers(1, 300), st.integers(200_000, 600_000)),
)
def test_huge_hostile_paths_are_answered(fortress: Sandbox, piece: str, repeat: int) -> None:
    """Up to 600,000 parts: refused before `realpath` sees them."""
    path = (piece + "/") * repeat if len(piece) * repeat < 1_300_000 else piece + "/a" * repeat
    for name in ("read_file", "list_files", "search_text"):
        args = {"path": path, "query": "x"} if name == "search_text" else {"path": path}
        call = ToolCall(id="c", name=name, arguments=json.dumps(args))
        _answer_is_bounded(run_tool(fortress, call, ToolLimits(max_argument_chars=3_000_000)).text)
