"""The three tools: results, bounds, refusals, and every call answered as text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kimi_lsp.agent.readers import ToolLimits
from kimi_lsp.agent.sandbox import Sandbox
from kimi_lsp.agent.tools import TOOL_NAMES, TOOL_SPECS, run_tool
from kimi_lsp.model.types import ToolCall

from .conftest import LIMITS


def call(name: str, **args: object) -> ToolCall:
    return ToolCall(id="c1", name=name, arguments=json.dumps(args))


def test_tool_names_and_parameters_are_exactly_as_specified() -> None:
    assert TOOL_NAMES == ("read_file", "list_files", "search_text")
    params = {
        s["function"]["name"]: set(s["function"]["parameters"]["properties"]) for s in TOOL_SPECS
    }
    assert params == {
        "read_file": {"path", "start_line", "end_line"},
        "list_files": {"path", "pattern"},
        "search_text": {"query", "path", "regex"},
    }


def test_read_whole_file_and_line_range(sandbox: Sandbox) -> None:
    whole = run_tool(sandbox, call("read_file", path="pkg/helpers.py"), LIMITS)
    assert whole.ok
    assert whole.text.startswith("def helper(x):")
    assert whole.activity == "reading pkg/helpers.py"
    part = run_tool(
        sandbox, call("read_file", path="pkg/helpers.py", start_line=2, end_line=2), LIMITS
    )
    assert part.text == "    return x * 2\n\n[lines 2-2 of 6]"


def test_unsaved_buffer_wins_over_disk(sandbox: Sandbox, workspace: Path) -> None:
    sandbox.buffers = {
        os.path.realpath(
            workspace / "pkg" / "helpers.py"
        ): "def helper(x):\n    return x * 3  # unsaved\n"
    }
    result = run_tool(sandbox, call("read_file", path="pkg/helpers.py"), LIMITS)
    assert "unsaved" in result.text
    search = run_tool(sandbox, call("search_text", query="unsaved"), LIMITS)
    assert search.text == "pkg/helpers.py:2:     return x * 3  # unsaved"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"path": ".env"}, "Refused: '.env' is on the deny list"),
        ({"path": "build/out.py"}, "Refused: 'build/out.py' is ignored by .gitignore"),
        ({"path": "debug.log"}, "Refused: 'debug.log' is ignored by .gitignore"),
        ({"path": "image.bin"}, "Refused: 'image.bin' is a binary file"),
        ({"path": "big.txt"}, "Refused: 'big.txt' is too large to read (5,000 bytes"),
        ({"path": "../outside/notes.py"}, "Refused: '../outside/notes.py' contains '..'"),
        ({"path": "link_out.py"}, "Refused: 'link_out.py' resolves outside the workspace"),
        ({"path": "pkg"}, "Refused: 'pkg' is not a file"),
        ({"path": 5}, "Error: read_file: `path` must be a string"),
        ({}, "Error: read_file: `path` must be a string and is required"),
        ({"path": "pkg/helpers.py", "start_line": 0}, "Error: read_file: `start_line` must be"),
        (
            {"path": "pkg/helpers.py", "start_line": 99},
            "Refused: 'pkg/helpers.py' has only 6 lines",
        ),
    ],
)
def test_read_refusals_are_answers(
    sandbox: Sandbox, args: dict[str, object], expected: str
) -> None:
    result = run_tool(sandbox, call("read_file", **args), LIMITS)
    assert not result.ok
    assert result.text.startswith(expected)


def test_long_file_is_cut_and_says_where(sandbox: Sandbox, workspace: Path) -> None:
    (workspace / "long.py").write_text("".join(f"line_{n} = {n}\n" for n in range(1, 400)))
    result = run_tool(sandbox, call("read_file", path="long.py"), ToolLimits(max_read_chars=200))
    assert result.text.count("\n") < 30
    assert "call read_file with start_line=" in result.text


def test_malformed_json_and_unknown_tool(sandbox: Sandbox) -> None:
    bad = run_tool(sandbox, ToolCall(id="1", name="read_file", arguments='{"path": '), LIMITS)
    assert bad.text.startswith("Error: the arguments are not valid JSON")
    unknown = run_tool(sandbox, ToolCall(id="2", name="rm_rf", arguments="{}"), LIMITS)
    assert "no such tool" in unknown.text
    listing = run_tool(sandbox, ToolCall(id="3", name="list_files", arguments="[1, 2]"), LIMITS)
    assert "must be a JSON object" in listing.text


def test_list_files_leaves_out_denied_ignored_and_escaping(sandbox: Sandbox) -> None:
    files = run_tool(sandbox, call("list_files"), LIMITS).text.splitlines()
    assert "pkg/helpers.py" in files
    assert "keep.log" in files
    assert "link_in.py" in files
    for hidden in (
        ".env",
        "config/.env.production",
        "server.pem",
        "my_secrets.py",
        ".git/config",
        "build/out.py",
        "debug.log",
        "link_out.py",
        "linked_dir/notes.py",
        ".gitignore"[:0] or "x",
    ):
        assert hidden not in files


def test_list_files_with_path_and_pattern(sandbox: Sandbox) -> None:
    assert run_tool(
        sandbox, call("list_files", path="pkg", pattern="*.py"), LIMITS
    ).text.splitlines() == [
        "pkg/helpers.py",
        "pkg/main.py",
    ]
    assert run_tool(sandbox, call("list_files", pattern="*.md"), LIMITS).text == "README.md"


def test_list_files_is_bounded(sandbox: Sandbox) -> None:
    text = run_tool(sandbox, call("list_files"), ToolLimits(max_files=2)).text.splitlines()
    assert len(text) == 3
    assert text[-1].startswith("[cut at 2 files")


def test_search_text_smart_case_regex_and_exclusions(sandbox: Sandbox) -> None:
    hits = run_tool(sandbox, call("search_text", query="helper"), LIMITS).text.splitlines()
    assert "pkg/helpers.py:1: def helper(x):" in hits
    assert "keep.log:1: kept helper line" in hits
    assert not [
        h
        for h in hits
        if h.startswith(("build/", "debug.log", "image.bin", "link_out", "linked_dir"))
    ]
    assert run_tool(sandbox, call("search_text", query="HELPER"), LIMITS).text == "(no matches)"
    regex = run_tool(sandbox, call("search_text", query=r"def \w+\(x\)", regex=True), LIMITS)
    assert regex.text == "pkg/helpers.py:1: def helper(x):"
    bad = run_tool(sandbox, call("search_text", query="(", regex=True), LIMITS)
    assert bad.text.startswith("Refused: invalid regular expression")


def test_links_to_denied_or_ignored_files_are_hidden_and_refused(sandbox: Sandbox) -> None:
    files = run_tool(sandbox, call("list_files"), LIMITS).text.splitlines()
    assert "innocent.txt" not in files
    assert "pkg/built.py" not in files
    assert run_tool(sandbox, call("read_file", path="innocent.txt"), LIMITS).text.startswith(
        "Refused: 'innocent.txt' is on the deny list"
    )
    assert "ignored" in run_tool(sandbox, call("read_file", path="pkg/built.py"), LIMITS).text


def test_search_never_reads_secrets(sandbox: Sandbox) -> None:
    for query in ("supersecret", "PRIVATE", "PASSWORD", "TOKEN", "core"):
        assert run_tool(sandbox, call("search_text", query=query), LIMITS).text == "(no matches)"


def test_search_is_bounded_in_matches(sandbox: Sandbox, workspace: Path) -> None:
    (workspace / "many.py").write_text("hit\n" * 50)
    text = run_tool(
        sandbox, call("search_text", query="hit", path="many.py"), ToolLimits(max_matches=5)
    ).text
    assert text.splitlines()[-1].startswith("[cut at 5 matches")


def test_search_is_bounded_in_time(sandbox: Sandbox, workspace: Path) -> None:
    (workspace / "slow.txt").write_text(("a" * 28 + "!\n") * 3)
    result = run_tool(
        sandbox,
        call("search_text", query=r"(a|aa)+$", path="slow.txt", regex=True),
        ToolLimits(search_seconds=0.05),
    )
    assert result.text.endswith("narrow the path or query]")
