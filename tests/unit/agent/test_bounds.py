"""Nothing the model, the repository or the settings supply can make a tool call run away:
patterns, regular expressions, paths, arguments, file kinds and sizes, and time."""

from __future__ import annotations

import itertools
import json
import os
import threading
from pathlib import Path

import pytest

from kimi_lsp.agent import clock
from kimi_lsp.agent.readers import ToolLimits
from kimi_lsp.agent.rules import DenyList, GitIgnore
from kimi_lsp.agent.sandbox import Refused, Sandbox, folders_from
from kimi_lsp.agent.tools import run_tool
from kimi_lsp.model.types import ToolCall

HOSTILE_GLOB = "*a" * 30 + "*b"
LONG_NAME = "a" * 200 + ".txt"


def run(sandbox: Sandbox, name: str, limits: ToolLimits | None = None, **args: object) -> str:
    call = ToolCall(id="c", name=name, arguments=json.dumps(args))
    return run_tool(sandbox, call, limits or ToolLimits()).text


@pytest.fixture
def box(tmp_path: Path) -> Sandbox:
    ws = tmp_path / "ws"
    (ws / "pkg").mkdir(parents=True)
    (ws / "pkg" / LONG_NAME).write_text("needle\n")
    (ws / "pkg" / "helpers.py").write_text("def helper():\n    return 1\n")
    return Sandbox(folders_from([("ws", str(ws))]), DenyList())


# --- patterns from the model, the repository and the settings -------------------------


@pytest.mark.timeout(30)
def test_a_hostile_list_files_pattern_is_answered(box: Sandbox) -> None:
    """A backtracking matcher takes hours on this; the timeout only catches a hang."""
    assert run(box, "list_files", pattern=HOSTILE_GLOB) == "(no files)"
    assert run(box, "list_files", pattern="*a*a*a*.txt") == f"pkg/{LONG_NAME}"


@pytest.mark.timeout(30)
def test_a_hostile_gitignore_is_answered(box: Sandbox) -> None:
    root = box.folders[0].path
    (root / ".gitignore").write_text(f"{HOSTILE_GLOB}\n*.py\n")
    box = Sandbox(box.folders, box.deny)
    assert run(box, "list_files").splitlines() == [".gitignore", f"pkg/{LONG_NAME}"]
    assert run(box, "search_text", query="needle") == f"pkg/{LONG_NAME}:1: needle"
    assert "ignored" in run(box, "read_file", path="pkg/helpers.py")


@pytest.mark.timeout(30)
def test_a_hostile_deny_setting_is_answered(box: Sandbox) -> None:
    box = Sandbox(box.folders, DenyList([HOSTILE_GLOB, "*.py"]))
    assert run(box, "list_files").splitlines() == [f"pkg/{LONG_NAME}"]
    assert run(box, "read_file", path=f"pkg/{LONG_NAME}") == "needle\n"


def test_a_too_long_pattern_is_refused_with_the_limit(box: Sandbox) -> None:
    text = run(box, "list_files", pattern="*" * 5000)
    assert text.startswith("Refused: the pattern cannot be used: the pattern is too long")
    assert "at most 1,000" in text


def test_a_negated_pattern_lists_what_does_not_match(box: Sandbox) -> None:
    assert run(box, "list_files", pattern="!*.txt") == "pkg/helpers.py"


def test_a_gitignore_that_is_a_fifo_is_not_waited_for(box: Sandbox) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(box.folders[0].path / "pkg" / ".gitignore")
    assert not GitIgnore(box.folders[0].path).ignores("pkg/helpers.py")


# --- regular expressions --------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "(?:(?:(?:a{100}){100}){100}){100}",
        "a{4000000000}",
        "a{4000000}",
        "(?:a{1000}){1000}",
        "x{100000,}",
        "(?:a?){100000}",
        "([ab]c){30000}",
        "(a|b|c){2000}(d{10}){5}x{19000}",
    ],
)
@pytest.mark.timeout(30)
def test_regexes_that_unroll_are_refused_before_compiling(box: Sandbox, query: str) -> None:
    text = run(box, "search_text", query=query, regex=True)
    assert text.startswith("Refused: the regular expression repeats too much")
    assert "at most 20,000" in text


@pytest.mark.parametrize("query", [r"def \w+\(\)", r"\d{1,3}", r"[a-z]{2,10}", r"(?i)HELPER"])
def test_ordinary_regexes_still_work(box: Sandbox, query: str) -> None:
    assert run(box, "search_text", query=query, regex=True, path="pkg/helpers.py") != ""


def test_a_too_long_query_and_version1_syntax_are_refused(box: Sandbox) -> None:
    assert "too long" in run(box, "search_text", query="x" * 1001)
    assert "version-1" in run(box, "search_text", query="(?V1)[[a]--[b]]", regex=True)


# --- time: checked per file, entry and line, with a clock that only moves when asked ---


@pytest.fixture
def slow_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every look at the clock takes 10 ms: a deadline of 1 s passes after 100 looks."""
    ticks = itertools.count()
    monkeypatch.setattr(clock, "now", lambda: next(ticks) * 0.01)


@pytest.fixture
def many_files(tmp_path: Path) -> Sandbox:
    ws = tmp_path / "many"
    ws.mkdir()
    for n in range(400):
        (ws / f"f{n:03}.bin").write_bytes(b"\0")  # refused unread: no line is ever searched
    return Sandbox(folders_from([("ws", str(ws))]), DenyList())


@pytest.mark.usefixtures("slow_clock")
def test_search_stops_at_its_deadline_between_files(many_files: Sandbox) -> None:
    text = run(many_files, "search_text", ToolLimits(search_seconds=1), query="x")
    assert text == "[search stopped after 1s: narrow the path or query]"


@pytest.mark.usefixtures("slow_clock")
def test_list_files_stops_at_its_deadline(many_files: Sandbox) -> None:
    lines = run(many_files, "list_files", ToolLimits(search_seconds=1, max_files=1000))
    *files, last = lines.splitlines()
    assert last == "[listing stopped after 1s: narrow the path or pattern]"
    assert 0 < len(files) < 400


def test_list_files_is_bounded_per_folder(many_files: Sandbox) -> None:
    lines = run(many_files, "list_files", ToolLimits(max_dir_entries=50, max_files=1000))
    assert len(lines.splitlines()) == 51
    assert lines.splitlines()[-1] == "[. has more than 50 entries; only the first were looked at]"


# --- paths and arguments --------------------------------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "path", ["a/" * 600_000, "a\\" * 600_000, "./" * 300_000 + "x", "x" * 100_000]
)
def test_huge_paths_are_refused_before_any_work(box: Sandbox, path: str) -> None:
    with pytest.raises(Refused, match=r"too long|too many parts"):
        box.resolve(path)


def test_deep_but_sane_paths_still_resolve(box: Sandbox) -> None:
    [target] = box.resolve("/".join(["x"] * 200))
    assert target.rel == "/".join(["x"] * 200)


@pytest.mark.parametrize(
    "arguments",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"path": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"path": "a", "x": ' + '{"y": ' * 50_000 + "1" + "}" * 50_000 + "}",
        "[" * 100_000,
    ],
)
def test_deeply_nested_arguments_are_an_answer(box: Sandbox, arguments: str) -> None:
    for tool in ("read_file", "list_files", "search_text", "no_such_tool"):
        result = run_tool(box, ToolCall(id="c", name=tool, arguments=arguments), ToolLimits())
        assert result.text == "Error: the arguments are nested too deeply (more than 32 levels)."
        assert not result.ok


def test_brackets_inside_strings_are_not_nesting(box: Sandbox) -> None:
    args = json.dumps({"query": "[" * 500 + "{" * 500, "path": "pkg"})
    result = run_tool(box, ToolCall(id="c", name="search_text", arguments=args), ToolLimits())
    assert result.text == "(no matches)"


def test_oversized_arguments_are_an_answer(box: Sandbox) -> None:
    args = json.dumps({"path": "x" * 2000})
    result = run_tool(
        box, ToolCall(id="c", name="read_file", arguments=args), ToolLimits(max_argument_chars=1000)
    )
    assert result.text.startswith("Error: the arguments are too long (2,012 characters")


# --- file kinds and sizes -------------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(box: Sandbox) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = box.folders[0].path / "pkg" / "pipe.txt"
    os.mkfifo(fifo)
    outcome: list[str] = []
    worker = threading.Thread(
        target=lambda: outcome.extend(
            [
                run(box, "read_file", path="pkg/pipe.txt"),
                run(box, "search_text", query="x"),
                run(box, "list_files"),
            ]
        ),
        daemon=True,
    )
    worker.start()
    worker.join(20)  # a blocking open would never return: unblock it and fail
    if worker.is_alive():
        with open(fifo, "w"):
            pass
        pytest.fail("a tool blocked on a FIFO")
    assert outcome[0] == "Refused: 'pkg/pipe.txt' is not a file."
    assert "pipe.txt" not in outcome[2]


def test_a_symlink_loop_is_refused(box: Sandbox) -> None:
    root = box.folders[0].path
    os.symlink(root / "loop_b", root / "loop_a")
    os.symlink(root / "loop_a", root / "loop_b")
    os.symlink(root, root / "pkg" / "top")  # a folder link back to the top: never walked
    assert run(box, "read_file", path="loop_a").startswith("Refused: ")
    listing = run(box, "list_files").splitlines()
    assert listing == [f"pkg/{LONG_NAME}", "pkg/helpers.py"]
    assert run(box, "search_text", query="needle") == f"pkg/{LONG_NAME}:1: needle"


def test_a_file_that_grows_past_the_limit_is_refused(box: Sandbox, tmp_path: Path) -> None:
    big = box.folders[0].path / "big.log"
    big.write_bytes(b"x" * 5000)
    text = run(box, "read_file", ToolLimits(max_file_bytes=4000), path="big.log")
    assert text.startswith("Refused: 'big.log' is too large to read (5,000 bytes")


def test_an_open_buffer_over_the_limit_is_refused(box: Sandbox) -> None:
    path = box.folders[0].path / "pkg" / "helpers.py"
    box.buffers = {str(path): "x" * 5000}
    text = run(box, "read_file", ToolLimits(max_file_bytes=4000), path="pkg/helpers.py")
    assert text.startswith("Refused: 'pkg/helpers.py' is too large to read (5,000 characters")


def test_line_numbers_follow_lsp_line_breaks(box: Sandbox) -> None:
    path = box.folders[0].path / "pkg" / "breaks.txt"
    path.write_text("a\x0cb\r\nc\u2028d\rneedle\n", newline="")
    assert run(box, "search_text", query="needle", path="pkg/breaks.txt").endswith(":3: needle")
    assert run(box, "read_file", path="pkg/breaks.txt", start_line=3) == (
        "needle\n\n[lines 3-3 of 3]"
    )


# --- secrets --------------------------------------------------------------------------

KEY = "sk-live-0123456789abcdefXYZ"


def test_configured_keys_never_leave_in_a_result(box: Sandbox) -> None:
    root = box.folders[0].path
    line = "x" * 290 + KEY + "\n"  # a cut at 300 characters would show the key's start
    (root / "pkg" / "settings.py").write_text(f'API_KEY = "{KEY}"\n{line}')
    (root / f"{KEY}.txt").write_text("named after the key\n")
    box = Sandbox(box.folders, box.deny, secrets=(KEY, "short"))
    results = [
        run(box, "read_file", path="pkg/settings.py"),
        run(box, "search_text", query="API_KEY"),
        run(box, "search_text", query="xxxxx"),
        run(box, "search_text", query=KEY[:12]),
        run(box, "list_files"),
    ]
    for text in results:
        assert KEY not in text
        assert KEY[:9] not in text
    assert 'API_KEY = "***"' in results[0]
    assert "***.txt" in results[4]


def test_bearer_tokens_and_key_shaped_strings_are_masked(box: Sandbox) -> None:
    root = box.folders[0].path
    (root / "pkg" / "client.py").write_text(
        'HEADERS = {"Authorization": "Bearer abcdefghijklmnop0123456789"}\n'
        'OTHER = "sk-proj-AbCdEf0123456789xyzXYZ"\n'
        "token = tokens[i]  # ordinary code stays as it is\n"
    )
    text = run(box, "read_file", path="pkg/client.py")
    assert "abcdefghijklmnop0123456789" not in text
    assert "AbCdEf0123456789xyzXYZ" not in text
    assert "token = tokens[i]" in text


def test_a_long_regex_search_lets_other_threads_run(box: Sandbox) -> None:
    """The LSP loop is another thread of the same process: a search that held the GIL for
    its whole timeout froze every request. The main thread here takes 50 short turns while
    a catastrophic search (2 s allowed) is still running."""
    (box.folders[0].path / "pkg" / "slow.txt").write_text("a" * 40 + "!\n")
    result: list[str] = []
    worker = threading.Thread(
        target=lambda: result.append(
            run(
                box,
                "search_text",
                ToolLimits(search_seconds=2),
                query="(a|aa)+$",
                regex=True,
                path="pkg/slow.txt",
            )
        )
    )
    worker.start()
    for _ in range(50):
        threading.Event().wait(0.001)
    assert worker.is_alive()
    worker.join()
    assert result == ["[search stopped after 2s: narrow the path or query]"]
