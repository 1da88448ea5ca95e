"""Documents at the limits: 10 MB, 50,000 lines, a line of 1 MB. Ghost text sends a
bounded prompt from anywhere in them, explain trims the surroundings and says so, or
refuses a selection that is too large, and documents opened and closed leave nothing
behind in the server's memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn

from .conftest import open_doc, position, session_of

PROMPT_BOUND = 12_000
"""Characters of a ghost-text prompt at most: the 1,500-token context budget (6,000
characters), the instructions and the tags."""
EXPLAIN_BOUND = 2 * 20_000 + 8_000
"""kimi.explain.maxContextChars on each side, plus the selection and the instructions."""


def big_python(lines: int) -> str:
    return "".join(f"def f_{n}(x):\n    return x + {n}\n\n" for n in range(lines // 3))


def prompt_size(client: LanguageClient, n: int = -1) -> int:
    return len(json.dumps(session_of(client).sim.requests[n].body["messages"]))


async def ghost_text(client: LanguageClient, uri: str, text: str, offset: int) -> Any:
    at = types.Position(**position(text, offset, session_of(client).encoding))
    return await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=at,
            context=types.InlineCompletionContext(
                trigger_kind=types.InlineCompletionTriggerKind.Invoked
            ),
        )
    )


async def explain(client: LanguageClient, uri: str, text: str, start: int, end: int) -> Any:
    encoding = session_of(client).encoding
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="kimi.explain",
            arguments=[
                {
                    "uri": uri,
                    "range": {
                        "start": position(text, start, encoding),
                        "end": position(text, end, encoding),
                    },
                }
            ],
        )
    )


def progress_messages(client: LanguageClient) -> list[str]:
    return [
        message
        for reports in client.progress_reports.values()
        for message in (getattr(report, "message", None) for report in reports)
        if message
    ]


async def test_ten_megabyte_document(client: LanguageClient) -> None:
    session = session_of(client)
    text = big_python(800_000)
    assert len(text) > 10_000_000
    uri = open_doc(client, "huge.py", text)
    for fraction in (0.0, 0.5, 1.0):
        offset = text.index("return", int(len(text) * fraction) - 40 if fraction else 0)
        session.sim.script(Turn(reasoning="r", content="<completion>x</completion>"))
        await ghost_text(client, uri, text, offset)
        assert prompt_size(client) < PROMPT_BOUND
    start = text.index("def f_50000(")
    session.sim.script(Turn(reasoning="r", content="Returns x plus 50000."))
    result = await explain(client, uri, text, start, text.index("\n\n", start))
    assert result["markdown"] == "Returns x plus 50000."
    assert prompt_size(client) < EXPLAIN_BOUND
    with pytest.raises(JsonRpcException, match=r"maxSelectionChars"):
        await explain(client, uri, text, 0, len(text))
    assert len(session.sim.requests) == 4  # the refused selection never reached the API


async def test_fifty_thousand_lines(client: LanguageClient) -> None:
    session = session_of(client)
    text = big_python(50_001)
    assert text.count("\n") >= 50_000
    uri = open_doc(client, "long.py", text)
    offset = text.index("return", text.index("def f_8333("))
    session.sim.script(Turn(reasoning="r", content="<completion>x + 8333</completion>"))
    result = await ghost_text(client, uri, text, offset)
    assert [item.insert_text for item in result.items] == ["x + 8333"]
    assert prompt_size(client) < PROMPT_BOUND
    prompt = session.sim.requests[-1].body["messages"][-1]["content"]
    assert "def f_8333(x):" in prompt
    assert "def f_1(x)" not in prompt


async def test_a_line_of_one_megabyte(client: LanguageClient) -> None:
    session = session_of(client)
    blob = "DATA = '" + "ab" * 500_000 + "'\n"
    text = "import os\n\n\ndef total(x):\n    return x\n" + blob + "\nprint(total(2))\n"
    uri = open_doc(client, "blob.py", text)
    for offset in (text.index("'ab") + 500_000, text.index("x\n") + 1, len(text) - 1):
        session.sim.script(Turn(reasoning="r", content="<completion>b</completion>"))
        await ghost_text(client, uri, text, offset)
        assert prompt_size(client) < PROMPT_BOUND
    start = text.index("def total")
    session.sim.script(Turn(reasoning="r", content="It returns x."))
    result = await explain(client, uri, text, start, text.index("DATA"))
    assert result["markdown"] == "It returns x."
    assert prompt_size(client) < EXPLAIN_BOUND
    assert any("trimmed" in m for m in progress_messages(client))
    requests = len(session.sim.requests)
    with pytest.raises(JsonRpcException, match=r"1,000,\d{3} characters.*maxSelectionChars"):
        await explain(client, uri, text, text.index("DATA"), text.index("\n\nprint"))
    assert len(session.sim.requests) == requests


def rss_kib(client: LanguageClient) -> int:
    pid = client._server.pid  # type: ignore[union-attr]
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])


async def test_documents_opened_and_closed_leave_nothing_behind(client: LanguageClient) -> None:
    """Sixty 1 MB documents opened, typed in, asked for ghost text and closed, twice: the
    server's memory after the second round is what it was after the first (a leak of
    the documents would add 60 MB or more)."""
    text = big_python(90_000)
    assert len(text) > 1_000_000

    async def round_of_documents(tag: str) -> None:
        for n in range(60):
            uri = open_doc(client, f"{tag}_{n}.py", text)
            await ghost_text(client, uri, text, text.index("return", n * 1000))
            client.text_document_did_close(
                types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)
                )
            )
        usage = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kimi.usage", arguments=[])
        )
        assert usage["requests"] >= 60  # every notification before it was handled

    await round_of_documents("first")
    after_first = rss_kib(client)
    await round_of_documents("second")
    grown_kib = rss_kib(client) - after_first
    print(f"server RSS after 60 more closed documents: {grown_kib:+} KiB")
    assert grown_kib < 30_000, f"the server grew by {grown_kib} KiB over 60 closed documents"
