"""Every message the real server sends on its failure paths, scanned for the faults of
issue 16: a doubled `Kimi: Kimi:`, sentences glued without a full stop, Python class
names and tracebacks, dollars outside the one format (a $0.002 budget shown as $0.00),
messages that do not end as a sentence, and the API key.

Each test drives the server (VS Code and Neovim capabilities) through failures: no key,
bad settings, the budget, rate limits, server errors, cut streams, cancellation, refused
proposals, bad arguments, a blank line to explain. Then everything it sent is scanned:
`window/showMessage`, `window/logMessage`, error answers, progress, `kimi/stream` errors,
`kimi/proposal` and command results' messages.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Awaitable
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn
from kimi_lsp.wording import faults

from .conftest import SIM_KEY, open_doc, range_of, session_of

SOURCE = "import math\n\n\ndef area(r):\n    return math.pi * r * r\n\n\nprint(area(2))\n"
OLD = "def area(r):\n    return math.pi * r * r\n"
FENCED = "```python\ndef area(radius):\n    return math.pi * radius**2\n```"


class Seen:
    """What a test saw the server send, besides what the client fixture keeps."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.errors: list[str] = []
        self.results: list[str] = []
        self.data: list[Any] = []

    async def run(self, request: Awaitable[Any]) -> Any:
        """The answer of `request`, or None after keeping its error's message."""
        try:
            result = await request
        except JsonRpcException as error:
            self.errors.append(error.message)
            self.data.append(error.data)
            return None
        if isinstance(result, dict):
            self.results += [result[k] for k in ("message", "cost", "budget") if k in result]
        return result

    def texts(self) -> dict[str, list[str]]:
        """Every text sent, by where it was sent, as the user would read it."""
        session = session_of(self.client)
        progress = [
            report.message
            for reports in self.client.progress_reports.values()
            for report in reports
            if getattr(report, "message", None)
        ]
        return {
            "showMessage": [m.message for m in self.client.messages],
            "error": self.errors,
            "result": [r for r in self.results if isinstance(r, str)],
            "stream error": [s.error for s in session.streams if getattr(s, "error", None)],
            "proposal": [p.message for p in session.proposals if getattr(p, "message", None)],
            "progress": progress,
            "logMessage": [m.message for m in self.client.log_messages],
        }

    def check(self) -> None:
        """No text breaks the rules; sentences where sentences are due."""
        bad = []
        for where, texts in self.texts().items():
            for text in texts:
                label = where in ("progress", "logMessage", "proposal") or text == "cancelled"
                label = label or text.startswith("$") or text == "unknown"
                found = faults(text, whole=not label)
                if SIM_KEY in text:
                    found.append("the API key")
                if label and where == "progress" and text.startswith("failed: "):
                    found += faults(text.removeprefix("failed: "))
                if found:
                    bad.append(f"{where}: {text!r}: {found}")
        assert not bad, "\n".join(bad)
        assert not [d for d in self.data if "traceback" in repr(d)], self.data


def command(client: LanguageClient, name: str, *arguments: Any) -> Awaitable[Any]:
    return client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=list(arguments))
    )


def explain(client: LanguageClient, uri: str, text: str = OLD) -> Awaitable[Any]:
    rng = range_of(SOURCE, text, session_of(client).encoding)
    return command(client, "kimi.explain", {"uri": uri, "range": rng})


def refactor(client: LanguageClient, uri: str, instruction: str = "add types") -> Awaitable[Any]:
    rng = range_of(SOURCE, OLD, session_of(client).encoding)
    return command(client, "kimi.refactor", {"uri": uri, "range": rng, "instruction": instruction})


def fix(client: LanguageClient, uri: str) -> Awaitable[Any]:
    rng = range_of(SOURCE, OLD, session_of(client).encoding)
    diagnostic = {"range": rng, "message": "name 'math' is not defined", "severity": 1}
    return command(client, "kimi.fix", {"uri": uri, "range": rng, "diagnostics": [diagnostic]})


def change(client: LanguageClient, uri: str) -> Awaitable[Any]:
    return command(client, "kimi.edit", {"uri": uri, "instruction": "rename area to surface"})


def ghost_text(client: LanguageClient, uri: str, invoked: bool = False) -> Awaitable[Any]:
    end = SOURCE.index("print(") + 6
    at = range_of(SOURCE, SOURCE[end:end], session_of(client).encoding)["start"]
    kind = types.InlineCompletionTriggerKind
    return client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(**at),
            context=types.InlineCompletionContext(
                trigger_kind=kind.Invoked if invoked else kind.Automatic
            ),
        )
    )


@pytest.mark.kimi_settings(
    {"provider": "empiriolabs", "baseUrl": None, "apiKey": None, "maxTokens": "lots",
     "retry": {"maxRetries": "x"}, "nonsense": 1, "completion": {"debounceMs": 0}}
)  # fmt: skip
async def test_no_key_and_bad_settings(client: LanguageClient) -> None:
    seen = Seen(client)
    uri = open_doc(client, "shapes.py", SOURCE)
    await seen.run(explain(client, uri))
    await seen.run(refactor(client, uri))
    await seen.run(fix(client, uri))
    await seen.run(change(client, uri))
    await seen.run(ghost_text(client, uri, invoked=True))
    assert any("No API key" in e for e in seen.errors), seen.errors
    assert any("kimi.maxTokens" in m.message for m in client.messages)
    seen.check()


@pytest.mark.kimi_settings({"budget": {"sessionUsd": 0.002}, "completion": {"debounceMs": 0}})
async def test_the_budget(client: LanguageClient) -> None:
    session = session_of(client)
    seen = Seen(client)
    spent = {"prompt_tokens": 900, "completion_tokens": 400}  # $0.00245, over the budget
    session.sim.script(Turn(content="Fine.", usage=spent))
    uri = open_doc(client, "shapes.py", SOURCE)
    await seen.run(explain(client, uri))
    await seen.run(explain(client, uri))
    await seen.run(refactor(client, uri))
    await seen.run(ghost_text(client, uri))
    await seen.run(command(client, "kimi.usage"))
    assert any("$0.0020" in e for e in seen.errors), seen.errors
    seen.check()


@pytest.mark.kimi_settings({"completion": {"debounceMs": 0}})
async def test_model_failures(client: LanguageClient) -> None:
    session = session_of(client)
    seen = Seen(client)
    uri = open_doc(client, "shapes.py", SOURCE)
    failures = [
        [Turn(status=429, error_message="slow down")] * 4,
        [Turn(status=401, error_message="Invalid Authentication")],
        [Turn(status=500)] * 4,
        [Turn(status=404, error_message="no such model")],
        [Turn(status=400, error_message="context too long")],
        [Turn(reasoning="r", content="partial answer", drop_after=3, chunk_chars=4)],
        [Turn(content="never finished", finish_reason="error")] * 4,
        [Turn(reasoning="r" * 50, finish_reason="length")],
    ]
    for turns in failures:
        session.sim.script(*turns)
        await seen.run(explain(client, uri))
    for turns in failures[:3]:
        session.sim.script(*turns)
        await seen.run(refactor(client, uri))
        session.sim.script(*turns)
        await seen.run(change(client, uri))
    session.sim.script(Turn(reasoning="r", content="```python\ndef area(radius):\n"))
    await seen.run(refactor(client, uri))
    session.sim.script(Turn(status=429, headers={"Retry-After": "30"}))
    await seen.run(ghost_text(client, uri))
    await seen.run(ghost_text(client, uri, invoked=True))
    assert len(seen.errors) >= len(failures)
    seen.check()


async def test_cancelled_and_refused_proposals(client: LanguageClient) -> None:
    session = session_of(client)
    seen = Seen(client)
    uri = open_doc(client, "shapes.py", SOURCE)
    await seen.run(command(client, "kimi.accept", {"uri": uri}))
    await seen.run(command(client, "kimi.reject", {"uri": uri}))
    await seen.run(command(client, "kimi.undo", {"uri": uri}))
    await seen.run(command(client, "kimi.accept", {"proposalId": "gone"}))
    slow = Turn(reasoning="r", content=FENCED, chunk_chars=4, chunk_delay=0.05)
    for name in ("explain", "refactor"):
        session.sim.script(slow)
        running = asyncio.ensure_future(
            seen.run(explain(client, uri) if name == "explain" else refactor(client, uri))
        )
        await session.sim.wait_for_requests(1)
        await asyncio.sleep(0.1)  # let it start streaming
        await seen.run(command(client, "kimi.cancel", {"uri": uri}))
        await running
        session.sim.reset()
    session.sim.script(Turn(reasoning="r", content=FENCED))
    proposed = await seen.run(refactor(client, uri))
    assert proposed is not None
    await seen.run(refactor(client, uri))  # one is waiting for review
    await seen.run(command(client, "kimi.undo", {"uri": uri}))  # not accepted yet
    await seen.run(command(client, "kimi.accept", {"uri": uri}))
    await seen.run(command(client, "kimi.accept", {"uri": uri}))
    await seen.run(command(client, "kimi.reject", {"uri": uri}))
    seen.check()


async def test_bad_arguments_and_a_blank_line(client: LanguageClient) -> None:
    session = session_of(client)
    seen = Seen(client)
    uri = open_doc(client, "shapes.py", SOURCE)
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 500, "character": 0}}
    blank = {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}
    for name, arguments in [
        ("kimi.explain", []),
        ("kimi.explain", ["file:///x.py"]),
        ("kimi.explain", [{}]),
        ("kimi.explain", [{"uri": "file:///nowhere.py", "range": blank}]),
        ("kimi.explain", [{"uri": uri, "range": whole}]),
        ("kimi.explain", [{"uri": uri, "range": {"start": {"line": 0}, "end": {}}}]),
        ("kimi.explain", [{"uri": uri, "range": blank}]),
        ("kimi.refactor", [{"uri": uri, "range": blank, "preset": "nope"}]),
        ("kimi.fix", [{"uri": uri, "range": blank, "diagnostics": []}]),
        ("kimi.edit", [{"uri": uri}]),
        ("kimi.accept", [{"uri": uri, "uris": 3}]),
        ("kimi.nothing", []),
    ]:
        await seen.run(command(client, name, *arguments))
    assert len(seen.errors) == 12, "\n".join(seen.errors)
    assert session.sim.requests == []  # not even the blank line cost a call
    seen.check()


@pytest.mark.parametrize(
    ("text", "rng"),
    [
        ("x = 1\n\ny = 2\n", ((1, 0), (1, 0))),  # the cursor on an empty line
        ("def f():\n    \n    return 1\n", ((1, 2), (1, 2))),  # a line of spaces
        ("x = 1\n  \n\t\n\ny = 2\n", ((1, 0), (4, 0))),  # a selection of whitespace
    ],
)
async def test_explain_on_a_blank_line_is_refused_without_a_model_call(
    client: LanguageClient, text: str, rng: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    session = session_of(client)
    uri = open_doc(client, "blank.py", text)
    (a, b), (c, d) = rng
    where = {"start": {"line": a, "character": b}, "end": {"line": c, "character": d}}
    with pytest.raises(JsonRpcException) as caught:
        await command(client, "kimi.explain", {"uri": uri, "range": where})
    assert caught.value.code == -32803
    assert caught.value.data["kind"] == "empty-selection"
    assert "nothing to explain" in caught.value.message
    assert faults(caught.value.message) == []
    assert session.sim.requests == []
    assert client.progress_reports == {}  # no progress either: nothing was started


def busy_port() -> tuple[socket.socket, int]:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken, taken.getsockname()[1]


@pytest.mark.parametrize("command_line", [["simulator"], ["--tcp"]], ids=["simulator", "tcp"])
async def test_a_busy_port_ends_with_one_sentence_and_exit_code_2(
    command_line: list[str],
) -> None:
    taken, port = busy_port()
    with taken:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kimi_lsp", *command_line, "--port", str(port),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        async with asyncio.timeout(60):
            out, err = await process.communicate()
    assert process.returncode == 2
    assert out == b""
    [line] = err.decode().splitlines()
    assert f"127.0.0.1:{port} is already in use" in line
    assert faults(line) == []
