"""The model reads the workspace: scripted tool calls through the real server and the
simulator, which rejects a replayed tool-call message without its reasoning_content."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import ToolCallSpec, Turn

from .conftest import open_doc, range_of, session_of

MAIN = "from pkg.helpers import helper\n\nprint(helper(21))\n"
HELPERS = "def helper(x):\n    return x * 2\n"
SECRET = "sk-live-do-not-leak-4242"


def write_workspace(client: LanguageClient) -> None:
    root = session_of(client).workspace
    (root / "pkg").mkdir()
    (root / "pkg" / "helpers.py").write_text(HELPERS)
    (root / ".env").write_text(f"OPENAI_API_KEY={SECRET}\n")
    (root / "id_rsa").write_text(f"{SECRET}\n")


async def explain_main(client: LanguageClient) -> Any:
    session = session_of(client)
    uri = open_doc(client, "main.py", MAIN)
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="kimi.explain",
            arguments=[
                {"uri": uri, "range": range_of(MAIN, "print(helper(21))", session.encoding)}
            ],
        )
    )


def tool_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in body["messages"] if m["role"] == "tool"]


async def test_model_reads_another_file_then_answers(client: LanguageClient) -> None:
    session = session_of(client)
    write_workspace(client)
    session.sim.script(
        Turn(
            reasoning="I need helper's body.",
            tool_calls=[ToolCallSpec(name="read_file", arguments='{"path": "pkg/helpers.py"}')],
        ),
        Turn(reasoning="Now I know.", content="`helper` doubles its argument, so this prints 42."),
    )
    result = await explain_main(client)
    assert result["markdown"] == "`helper` doubles its argument, so this prints 42."
    first, second = (r.body for r in session.sim.requests)
    assert {t["function"]["name"] for t in first["tools"]} == {
        "read_file",
        "list_files",
        "search_text",
    }
    assistant = second["messages"][2]
    assert assistant["reasoning_content"] == "I need helper's body."
    assert assistant["tool_calls"][0]["function"]["arguments"] == '{"path": "pkg/helpers.py"}'
    [tool] = tool_messages(second)
    assert tool["tool_call_id"] == assistant["tool_calls"][0]["id"]
    assert tool["content"] == HELPERS
    assert all(r.status == 200 for r in session.sim.requests)
    messages = [
        m
        for reports in client.progress_reports.values()
        for m in (getattr(r, "message", None) for r in reports)
    ]
    assert "reading pkg/helpers.py" in messages


async def test_unsaved_buffer_is_what_the_model_reads(client: LanguageClient) -> None:
    session = session_of(client)
    write_workspace(client)
    unsaved = "def helper(x):\n    return x * 3  # edited, not saved\n"
    uri = (session.workspace / "pkg" / "helpers.py").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=3, text=unsaved
            )
        )
    )
    session.sim.script(
        Turn(
            reasoning="look",
            tool_calls=[ToolCallSpec(name="read_file", arguments='{"path": "pkg/helpers.py"}')],
        ),
        Turn(reasoning="ok", content="triples"),
    )
    await explain_main(client)
    [tool] = tool_messages(session.sim.requests[1].body)
    assert tool["content"] == unsaved


async def test_parallel_calls_with_refusals_are_each_answered_and_leak_nothing(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    write_workspace(client)
    absolute = str(session.workspace / ".env")
    calls = [
        ToolCallSpec(name="read_file", arguments='{"path": ".env"}'),
        ToolCallSpec(name="read_file", arguments='{"path": "../../etc/passwd"}'),
        ToolCallSpec(name="read_file", arguments=json.dumps({"path": absolute})),
        ToolCallSpec(name="search_text", arguments=json.dumps({"query": "OPENAI_API_KEY"})),
        ToolCallSpec(name="list_files", arguments="{}"),
        ToolCallSpec(name="read_file", arguments='{"path": "id_rsa"'),
    ]
    session.sim.script(
        Turn(reasoning="try everything", tool_calls=calls), Turn(reasoning="r", content="done")
    )
    await explain_main(client)
    second = session.sim.requests[1].body
    answers = tool_messages(second)
    ids = [c["id"] for c in second["messages"][2]["tool_calls"]]
    assert [a["tool_call_id"] for a in answers] == ids
    assert len(set(ids)) == len(calls)
    texts = [a["content"] for a in answers]
    assert texts[0].startswith("Refused:")
    assert "deny list" in texts[0]
    assert texts[1].startswith("Refused:")
    assert ".." in texts[1]
    assert texts[2].startswith("Refused:")
    assert "absolute" in texts[2]
    assert texts[3] == "(no matches)"
    assert ".env" not in texts[4].splitlines()
    assert "id_rsa" not in texts[4].splitlines()
    assert "main.py" in texts[4].splitlines()
    assert texts[5].startswith("Error: the arguments are not valid JSON")
    for request in session.sim.requests:
        assert SECRET not in json.dumps(request.body)


@pytest.mark.kimi_settings({"tools": {"maxRounds": 2}})
async def test_a_model_that_keeps_calling_tools_ends_at_the_round_limit(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    write_workspace(client)
    again = [ToolCallSpec(name="list_files", arguments="{}")]
    session.sim.script(*(Turn(reasoning=f"round {n}", tool_calls=again) for n in range(3)))
    result = await explain_main(client)
    assert result["markdown"]  # the default responder answered the fourth request
    assert len(session.sim.requests) == 4
    assert "last tool round" in tool_messages(session.sim.requests[2].body)[-1]["content"]
    assert tool_messages(session.sim.requests[3].body)[-1]["content"].startswith(
        "Refused: no more tool calls"
    )


@pytest.mark.kimi_settings({"tools": {"enabled": False}})
async def test_tools_can_be_switched_off(client: LanguageClient) -> None:
    session = session_of(client)
    await explain_main(client)
    assert "tools" not in session.sim.requests[0].body
