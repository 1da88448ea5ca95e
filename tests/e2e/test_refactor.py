"""kimi.refactor, kimi.fix and kimi.undo end to end: the model's code streams into the
buffer as versioned edits, through editors that behave like VS Code and like Neovim."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn

from .conftest import range_of, session_of
from .editor import Editor

SOURCE = """\
import math

HEADER = "kept"


def area(r):
    return math.pi * r * r


def describe(shapes):
    for s in shapes:
        print(s)
"""
OLD = "def area(r):\n    return math.pi * r * r\n"
NEW = (
    "def area(radius: float) -> float:\n"
    '    """Area of a circle of the given radius."""\n'
    "    squared = radius * radius\n"
    "    return math.pi * squared\n"
)


def fenced(code: str) -> str:
    return f"```python\n{code}```"


def editor_of(client: LanguageClient) -> Editor:
    return session_of(client).editor  # type: ignore[no-any-return]


def open_source(client: LanguageClient, text: str = SOURCE, name: str = "shapes.py") -> str:
    session = session_of(client)
    uri = (session.workspace / name).as_uri()
    (session.workspace / name).write_text(text)
    editor_of(client).open(uri, text)
    return uri


async def refactor(
    client: LanguageClient, uri: str, rng: dict[str, Any], instruction: str = "add types"
) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="kimi.refactor",
            arguments=[{"uri": uri, "range": rng, "instruction": instruction}],
        )
    )


def streaming_turn(code: str) -> Turn:
    return Turn(
        reasoning="Plan the rewrite.", content=fenced(code), chunk_chars=12, chunk_delay=0.01
    )


async def test_streamed_refactor_lands_exactly(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "applied"
    assert editor.text(uri) == SOURCE.replace(OLD, NEW)
    assert len(editor.edits) >= 3  # streamed line by line, not one edit at the end
    assert result["edits"] == len(editor.edits)
    assert all(e.label is None for e in editor.edits)  # Neovim would print every label
    prompt = session.sim.requests[0].body["messages"][-1]["content"]
    assert prompt.startswith("Rewrite the selected code: add types")
    assert "<selection>\n" + OLD + "\n</selection>" in prompt


async def test_user_types_above_the_region_mid_stream(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)

    def type_above(ed: Editor, number: int) -> None:
        if number == 2:
            ed.type(uri, 0, None, "# typed by the user\n")

    editor.before_edit = type_above
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "applied"
    assert editor.text(uri) == "# typed by the user\n" + SOURCE.replace(OLD, NEW)
    assert editor.stale >= 1  # the edit computed before the typing was refused or skipped


async def test_user_types_inside_the_region_stops_and_keeps_their_text(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)

    def type_inside(ed: Editor, number: int) -> None:
        if number == 2:
            at = ed.text(uri).index("def ") + 4
            ed.type(uri, at, None, "USER")

    editor.before_edit = type_inside
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "stopped"
    text = editor.text(uri)
    assert "USER" in text
    assert text.startswith('import math\n\nHEADER = "kept"\n')
    assert text.endswith("def describe(shapes):\n    for s in shapes:\n        print(s)\n")
    edits_at_stop = len(editor.edits)
    assert any("you edited the text" in m.message for m in client.messages)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.usage", arguments=[])
    )
    assert len(editor.edits) == edits_at_stop  # nothing more was written


async def test_stream_dropped_midway_leaves_the_document_as_it_was(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(
        Turn(reasoning="r", content=fenced(NEW), chunk_chars=10, chunk_delay=0.01, drop_after=8)
    )
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "failed"
    assert len(editor.edits) >= 2  # it had started writing
    assert editor.text(uri) == SOURCE
    assert any("The selection was restored" in m.message for m in client.messages)
    assert session.streams[-1].done
    assert session.streams[-1].error


async def test_kimi_cancel_mid_stream_restores(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(
        Turn(reasoning="r", content=fenced(NEW * 3), chunk_chars=6, chunk_delay=0.05)
    )
    uri = open_source(client)
    cancelled: list[Any] = []

    def cancel_after_two(ed: Editor, number: int) -> None:
        if number == 2 and not cancelled:
            future = client.protocol.send_request(
                types.WORKSPACE_EXECUTE_COMMAND,
                types.ExecuteCommandParams(command="kimi.cancel", arguments=[{"uri": uri}]),
            )
            cancelled.append(future)

    editor.before_edit = cancel_after_two
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "cancelled"
    assert editor.text(uri) == SOURCE
    await session.sim.wait_for_disconnect(0)


async def test_cancel_request_mid_stream_restores(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(
        Turn(reasoning="r", content=fenced(NEW * 3), chunk_chars=6, chunk_delay=0.05)
    )
    uri = open_source(client)
    params = types.ExecuteCommandParams(
        command="kimi.refactor",
        arguments=[
            {"uri": uri, "range": range_of(SOURCE, OLD, session.encoding), "instruction": "x"}
        ],
    )
    future = client.protocol.send_request(types.WORKSPACE_EXECUTE_COMMAND, params, msg_id=777)

    def cancel_after_two(ed: Editor, number: int) -> None:
        if number == 2:
            client.cancel_request(types.CancelParams(id=777))

    editor.before_edit = cancel_after_two
    with pytest.raises(Exception, match="cancel"):
        await future_result(future)
    await editor.wait_until(uri, SOURCE)


async def future_result(future: Any) -> Any:
    import asyncio

    return await asyncio.wrap_future(future)


async def test_undo_after_success_in_one_edit(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    editor.type(uri, 0, None, "# above\n")  # edits outside the region do not block undo
    edits = len(editor.edits)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.undo", arguments=[{"uri": uri}])
    )
    assert result["status"] == "applied"
    assert len(editor.edits) == edits + 1
    assert editor.text(uri) == "# above\n" + SOURCE


async def test_undo_refused_after_a_manual_change(client: LanguageClient) -> None:
    from pygls.exceptions import JsonRpcException

    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    at = editor.text(uri).index("squared =")
    editor.type(uri, at, at + 7, "sq")
    with pytest.raises(JsonRpcException, match="changed since"):
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kimi.undo", arguments=[{"uri": uri}])
        )
    assert "sq = radius" in editor.text(uri)


async def test_astral_characters_before_and_on_the_selected_line(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    text = 'EMOJI = "😋🎉"  # 日本\nlabel = "é😀"; value = compute(1)  # 😀\nprint(value)\n'
    old = "compute(1)"
    session.sim.script(
        Turn(reasoning="r", content=fenced("compute(1) + 😀_offset()\n"), chunk_chars=5)
    )
    uri = open_source(client, text, "emoji.py")
    result = await refactor(client, uri, range_of(text, old, session.encoding))
    assert result["status"] == "applied"
    assert editor.text(uri) == text.replace(old, "compute(1) + 😀_offset()")


async def test_fix_sends_the_diagnostics(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    text = "import os\nimport sys\n\nprint(sys.argv)\n"
    session.sim.script(Turn(reasoning="r", content=fenced("import sys\n")))
    uri = open_source(client, text, "fixme.py")
    diagnostic = {
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 9}},
        "message": "'os' imported but unused",
        "source": "pyflakes",
        "code": "F401",
        "severity": 2,
    }
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="kimi.fix",
            arguments=[
                {
                    "uri": uri,
                    "range": {
                        "start": {"line": 0, "character": 0},
                        "end": {"line": 2, "character": 0},
                    },
                    "diagnostics": [diagnostic],
                }
            ],
        )
    )
    assert result["status"] == "applied"
    assert editor.text(uri) == "import sys\n\nprint(sys.argv)\n"
    prompt = session.sim.requests[0].body["messages"][-1]["content"]
    assert "- line 1: [pyflakes F401] 'os' imported but unused" in prompt


async def test_code_actions_for_a_selection_and_a_diagnostic(client: LanguageClient) -> None:
    session = session_of(client)
    uri = open_source(client)
    rng = range_of(SOURCE, OLD, session.encoding)
    diagnostic = types.Diagnostic(
        range=types.Range(
            start=types.Position(line=6, character=4), end=types.Position(line=6, character=10)
        ),
        message="Missing return type annotation",
        source="mypy",
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(**rng["start"]), end=types.Position(**rng["end"])
            ),
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    titles = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    assert set(titles) == {
        "Kimi: Fix: Missing return type annotation",
        "Kimi: Explain",
        "Kimi: Refactor...",
        "Kimi: Add docstring",
        "Kimi: Add type hints",
        "Kimi: Simplify",
    }
    fix = titles["Kimi: Fix: Missing return type annotation"]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.command is not None
    assert fix.command.command == "kimi.fix"
    assert fix.command.arguments[0]["range"] == {
        "start": {"line": 6, "character": 0},
        "end": {"line": 7, "character": 0},
    }
    assert titles["Kimi: Simplify"].kind == types.CodeActionKind.RefactorRewrite
    assert session.sim.requests == []  # listing actions costs nothing
    only = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(**rng["start"]), end=types.Position(**rng["end"])
            ),
            context=types.CodeActionContext(
                diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    assert [a.title for a in only or []] == ["Kimi: Fix: Missing return type annotation"]


async def test_refactor_without_instruction_offers_the_presets(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.choose = lambda params: next(a for a in params.actions if a.title == "Add docstring")
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="kimi.refactor",
            arguments=[{"uri": uri, "range": range_of(SOURCE, OLD, session.encoding)}],
        )
    )
    assert result["status"] == "applied"
    assert [a.title for a in session.message_requests[0].actions] == [
        "Add docstring",
        "Add type hints",
        "Simplify",
    ]
    assert "add a docstring" in session.sim.requests[0].body["messages"][-1]["content"]
    assert editor.text(uri) == SOURCE.replace(OLD, NEW)
