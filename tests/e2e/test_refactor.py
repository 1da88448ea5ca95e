"""kimi.refactor, kimi.fix, kimi.accept, kimi.reject and kimi.undo end to end: the model's
code streams in as a proposal above the untouched original, through editors that behave
like VS Code and like Neovim. The original is checked after every edit the editor makes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
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


def open_source(
    client: LanguageClient, text: str = SOURCE, name: str = "shapes.py", keep: str | None = OLD
) -> str:
    """Open `text`; while `keep` is set, every change of the buffer must leave it whole."""
    session = session_of(client)
    uri = (session.workspace / name).as_uri()
    (session.workspace / name).write_text(text)
    editor = editor_of(client)
    editor.open(uri, text)
    if keep is not None:
        editor.checks.append(lambda ed, changed: _lossless(ed, changed, uri, keep))
    return uri


def _lossless(editor: Editor, changed: str, uri: str, original: str) -> None:
    if changed == uri:
        assert original in editor.text(uri), f"the original is gone:\n{editor.text(uri)}"


def stop_checking(client: LanguageClient) -> None:
    """Acceptance removes the original: that is what it is for."""
    editor_of(client).checks.clear()


async def command(client: LanguageClient, name: str, argument: dict[str, Any]) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=name, arguments=[argument])
    )


async def refactor(
    client: LanguageClient, uri: str, rng: dict[str, Any], instruction: str = "add types"
) -> Any:
    return await command(
        client, "kimi.refactor", {"uri": uri, "range": rng, "instruction": instruction}
    )


def streaming_turn(code: str) -> Turn:
    return Turn(
        reasoning="Plan the rewrite.", content=fenced(code), chunk_chars=12, chunk_delay=0.01
    )


async def test_streamed_proposal_above_the_original_then_accept_and_undo(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "proposed"
    assert isinstance(result["proposalId"], str)
    assert editor.text(uri) == SOURCE.replace(OLD, NEW + OLD)
    assert len(editor.edits) >= 3  # streamed line by line, not one edit at the end
    assert result["edits"] == len(editor.edits)
    assert all(e.label is None for e in editor.edits)  # Neovim would print every label
    prompt = session.sim.requests[0].body["messages"][-1]["content"]
    assert prompt.startswith("Rewrite the selected code: add types")
    assert "<selection>\n" + OLD + "\n</selection>" in prompt

    stop_checking(client)
    edits = len(editor.edits)
    accepted = await command(client, "kimi.accept", {"uri": uri})
    assert accepted == {"status": "applied", "proposalId": result["proposalId"], "edits": 1}
    assert editor.text(uri) == SOURCE.replace(OLD, NEW)
    assert len(editor.edits) == edits + 1
    editor.type(uri, 0, None, "# above\n")  # edits outside the change do not block undo
    undone = await command(client, "kimi.undo", {"uri": uri})
    assert undone["status"] == "applied"
    assert len(editor.edits) == edits + 2
    assert editor.text(uri) == "# above\n" + SOURCE


async def test_reject_leaves_the_document_exactly_as_before(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    editor.type(uri, len(SOURCE) + len(NEW), None, "# below\n")  # the user's own edit
    rejected = await command(client, "kimi.reject", {"proposalId": result["proposalId"]})
    assert rejected["status"] == "rejected"
    assert editor.text(uri) == SOURCE + "# below\n"
    with pytest.raises(JsonRpcException, match="no Kimi change"):
        await command(client, "kimi.accept", {"uri": uri})


@pytest.mark.kimi_settings({"edits": {"review": False}})
async def test_without_review_a_whole_answer_is_applied_at_once(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client, keep=None)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "applied"
    assert editor.text(uri) == SOURCE.replace(OLD, NEW)
    undone = await command(client, "kimi.undo", {"uri": uri})
    assert undone == {"status": "applied", "edits": 1}
    assert editor.text(uri) == SOURCE


async def test_a_second_rewrite_waits_until_the_first_is_settled(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    with pytest.raises(JsonRpcException, match="Accept it or reject it"):
        await refactor(client, uri, range_of(SOURCE, "HEADER", session.encoding))
    assert len(session.sim.requests) == 1


async def test_user_types_above_the_proposal_mid_stream(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)

    def type_above(ed: Editor, number: int) -> None:
        if number == 2:
            ed.type(uri, 0, None, "# typed by the user\n")

    editor.before_edit = type_above
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "proposed"
    assert editor.text(uri) == "# typed by the user\n" + SOURCE.replace(OLD, NEW + OLD)
    assert editor.stale >= 1  # the edit computed before the typing was refused or skipped


async def test_user_types_inside_the_original_mid_stream(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    edited = OLD.replace("r * r", "r ** 2")
    uri = open_source(client, keep=None)
    editor.checks.append(lambda ed, changed: None)

    def type_inside(ed: Editor, number: int) -> None:
        if number == 2:
            at = ed.text(uri).index("r * r")
            ed.type(uri, at, at + 5, "r ** 2")

    editor.before_edit = type_inside
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "proposed"  # the proposal goes on above the user's text
    assert editor.text(uri) == SOURCE.replace(OLD, NEW + edited)
    await command(client, "kimi.accept", {"uri": uri})
    await command(client, "kimi.undo", {"uri": uri})
    assert editor.text(uri) == SOURCE.replace(OLD, edited)  # the user's edit is back too


async def test_user_types_inside_the_proposal_stops_it(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)

    def type_inside(ed: Editor, number: int) -> None:
        if number == 2:
            at = ed.text(uri).index("def area(radius") + 4
            ed.type(uri, at, None, "USER")

    editor.before_edit = type_inside
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "stopped"
    text = editor.text(uri)
    assert "def USERarea(radius" in text
    assert text.startswith(SOURCE[: SOURCE.index(OLD)])
    assert text.endswith(SOURCE[SOURCE.index(OLD) :])
    assert any("you edited the text it was proposing" in m.message for m in client.messages)
    with pytest.raises(JsonRpcException, match="incomplete"):
        await command(client, "kimi.accept", {"uri": uri})
    rejected = await command(client, "kimi.reject", {"uri": uri})
    assert rejected["status"] == "rejected"
    assert editor.text(uri) == SOURCE


async def test_stream_dropped_midway_removes_what_it_inserted(client: LanguageClient) -> None:
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
    assert any("The proposed lines were removed" in m.message for m in client.messages)
    assert session.streams[-1].done
    assert session.streams[-1].error


@pytest.mark.parametrize(
    "turn",
    [
        pytest.param(Turn(content=fenced(NEW), finish_reason="error"), id="finish-error"),
        pytest.param(Turn(content=fenced(NEW), omit_done=True, finish_reason=""), id="no-finish"),
        pytest.param(Turn(content="```python\n" + NEW), id="unclosed-fence"),
        pytest.param(Turn(content=fenced(NEW), finish_reason="length"), id="length"),
    ],
)
async def test_an_answer_that_is_not_whole_never_replaces_the_original(
    client: LanguageClient, turn: Turn
) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(turn.model_copy(update={"reasoning": "r", "chunk_chars": 9}))
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "failed"
    assert editor.text(uri) == SOURCE


async def test_a_fence_inside_a_docstring_is_code(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    code = (
        "def area(r):\n"
        '    """Area.\n'
        "\n"
        "    ```\n"
        "    area(2)\n"
        "    ```\n"
        '    """\n'
        "    return math.pi * r * r\n"
    )
    session.sim.script(Turn(reasoning="r", content=fenced(code) + "\nDone.", chunk_chars=7))
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "proposed"
    assert editor.text(uri) == SOURCE.replace(OLD, code + OLD)


async def test_crlf_reply_in_an_lf_document(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(
        Turn(reasoning="r", content=fenced(NEW).replace("\n", "\r\n"), chunk_chars=5)
    )
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "proposed"
    assert editor.text(uri) == SOURCE.replace(OLD, NEW + OLD)
    assert "\r" not in editor.text(uri)


async def test_kimi_cancel_mid_stream_removes_the_proposal(client: LanguageClient) -> None:
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


async def test_reject_while_it_streams_stops_the_model(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(
        Turn(reasoning="r", content=fenced(NEW * 3), chunk_chars=6, chunk_delay=0.05)
    )
    uri = open_source(client)
    rejected: list[Any] = []

    def reject_after_two(ed: Editor, number: int) -> None:
        if number == 2 and not rejected:
            rejected.append(asyncio.ensure_future(command(client, "kimi.reject", {"uri": uri})))

    editor.before_edit = reject_after_two
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] == "cancelled"
    assert (await rejected[0])["status"] == "rejected"
    assert editor.text(uri) == SOURCE


async def test_cancel_request_mid_stream_removes_the_proposal(client: LanguageClient) -> None:
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
        await asyncio.wrap_future(future)
    await editor.wait_until(uri, SOURCE)


async def test_closing_the_document_stops_the_stream(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(
        Turn(reasoning="r", content=fenced(NEW * 3), chunk_chars=6, chunk_delay=0.05)
    )
    uri = open_source(client)

    def close_after_two(ed: Editor, number: int) -> None:
        if number == 2:
            ed.close(uri)

    editor.before_edit = close_after_two
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    assert result["status"] in ("cancelled", "failed")
    assert OLD in editor.text(uri)
    assert len(editor.edits) == 2  # nothing was written after the close


async def test_undo_refused_after_a_manual_change(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    stop_checking(client)
    await command(client, "kimi.accept", {"uri": uri})
    at = editor.text(uri).index("squared =")
    editor.type(uri, at, at + 7, "sq")
    with pytest.raises(JsonRpcException, match="changed since"):
        await command(client, "kimi.undo", {"uri": uri})
    assert "sq = radius" in editor.text(uri)


async def test_a_selection_mid_line_with_astral_characters(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    text = 'EMOJI = "😋🎉"  # 日本\nlabel = "é😀"; value = compute(1)  # 😀\nprint(value)\n'
    old = "compute(1)"
    session.sim.script(
        Turn(reasoning="r", content=fenced("compute(1) + 😀_offset()\n"), chunk_chars=5)
    )
    uri = open_source(client, text, "emoji.py", keep=old)
    result = await refactor(client, uri, range_of(text, old, session.encoding))
    assert result["status"] == "proposed"
    assert editor.text(uri) == text.replace(old, "compute(1) + 😀_offset()\n" + old)
    stop_checking(client)
    await command(client, "kimi.accept", {"uri": uri})
    assert editor.text(uri) == text.replace(old, "compute(1) + 😀_offset()")


async def test_fix_sends_the_diagnostics(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    text = "import os\nimport sys\n\nprint(sys.argv)\n"
    session.sim.script(Turn(reasoning="r", content=fenced("import sys\n")))
    uri = open_source(client, text, "fixme.py", keep="import os\nimport sys\n\n")
    diagnostic = {
        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 9}},
        "message": "'os' imported but unused",
        "source": "pyflakes",
        "code": "F401",
        "severity": 2,
    }
    lines = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
    result = await command(
        client, "kimi.fix", {"uri": uri, "range": lines, "diagnostics": [diagnostic]}
    )
    assert result["status"] == "proposed"
    stop_checking(client)
    await command(client, "kimi.accept", {"uri": uri})
    assert editor.text(uri) == "import sys\n\nprint(sys.argv)\n"
    prompt = session.sim.requests[0].body["messages"][-1]["content"]
    assert "- line 1: [pyflakes F401] 'os' imported but unused" in prompt


async def test_code_lens_and_code_actions_over_a_proposal(client: LanguageClient) -> None:
    session = session_of(client)
    session.sim.script(streaming_turn(NEW))
    uri = open_source(client)
    result = await refactor(client, uri, range_of(SOURCE, OLD, session.encoding))
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert [
        (lens.range.start.line, lens.command.title, lens.command.command)
        for lens in lenses or []
        if lens.command
    ] == [
        (5, "Accept (Kimi)", "kimi.accept"),
        (5, "Reject", "kimi.reject"),
    ]
    whole = types.Range(
        start=types.Position(line=6, character=0), end=types.Position(line=6, character=0)
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=whole,
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    titles = [a.title for a in actions or []]
    assert titles[:2] == ["Kimi: Accept change", "Kimi: Reject change"]
    assert "Kimi: Refactor..." not in titles
    accept = next(a for a in actions or [] if a.title == "Kimi: Accept change")
    assert isinstance(accept, types.CodeAction)
    assert accept.command is not None
    assert list(accept.command.arguments or []) == [
        {"uri": uri, "proposalId": result["proposalId"]}
    ]
    stop_checking(client)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.accept", arguments=accept.command.arguments)
    )
    assert editor_of(client).text(uri) == SOURCE.replace(OLD, NEW)
    after = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert not after


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
    assert result["status"] == "proposed"
    assert [a.title for a in session.message_requests[0].actions] == [
        "Add docstring",
        "Add type hints",
        "Simplify",
    ]
    assert "add a docstring" in session.sim.requests[0].body["messages"][-1]["content"]
    assert editor.text(uri) == SOURCE.replace(OLD, NEW + OLD)
