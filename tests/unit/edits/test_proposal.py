"""A proposal against editors that behave like VS Code, Neovim, eglot, YouCompleteMe, a
silent client and one that never reports changes: the original is in the document after
every change the editor makes, whatever happens."""

from __future__ import annotations

import pytest

from kimi_lsp.edits.block import Block, replacement
from kimi_lsp.edits.proposal import Proposal, ProposalRefused
from kimi_lsp.edits.writer import BlockTouched, BlockWriter, EditorNotResponding

from .fakes import FakeEditor

ANSWERING = ["vscode", "neovim", "eglot", "late"]
DOC = "header = 1\n\ndef f(x):\n    return x\n\nfooter = 2\n"
OLD = "def f(x):\n    return x\n"
NEW = ["def f(x: int) -> int:\n", '    """Identity."""\n', "    return x\n"]


def setup(mode: str, text: str = DOC, old: str = OLD) -> tuple[FakeEditor, Proposal]:
    editor = FakeEditor(text, mode)
    start = text.index(old)
    writer = BlockWriter(editor, Block(start, start, start + len(old)), confirm_timeout=0.2)
    editor.writers.append(writer)
    editor.checks.append(lambda ed: _lossless(ed, old))
    return editor, Proposal(writer, uri="file:///a.py", kind="refactor")


def _lossless(editor: FakeEditor, old: str) -> None:
    assert old in editor.text, f"the original is gone after an edit:\n{editor.text}"


async def stream(editor: FakeEditor, proposal: Proposal, lines: list[str]) -> None:
    for line in lines:
        proposal.add_lines([line])
        await editor.settle()


@pytest.mark.parametrize("mode", ANSWERING)
async def test_streams_above_accepts_in_one_edit_and_undoes_in_one(mode: str) -> None:
    editor, proposal = setup(mode)
    await stream(editor, proposal, NEW)
    await proposal.show("".join(NEW))
    await editor.settle()
    assert editor.text == DOC.replace(OLD, "".join(NEW) + OLD)
    assert proposal.state == "proposed"
    editor.checks.clear()  # acceptance removes the original: that is its job
    edits = len(editor.applied)
    await proposal.accept()
    await editor.settle()
    assert editor.text == DOC.replace(OLD, "".join(NEW))
    assert len(editor.applied) == edits + 1
    await proposal.undo()
    await editor.settle()
    assert editor.text == DOC
    assert len(editor.applied) == edits + 2


@pytest.mark.parametrize("mode", ANSWERING)
async def test_reject_and_failure_leave_the_document_as_it_was(mode: str) -> None:
    editor, proposal = setup(mode)
    await stream(editor, proposal, NEW)
    await proposal.show("".join(NEW))
    await proposal.reject()
    await editor.settle()
    assert editor.text == DOC
    assert proposal.state == "rejected"

    editor, proposal = setup(mode)
    await stream(editor, proposal, NEW[:2])
    assert await proposal.withdraw("failed", "the model failed")
    await editor.settle()
    assert editor.text == DOC
    with pytest.raises(ProposalRefused):
        await proposal.accept()


@pytest.mark.parametrize("mode", ANSWERING)
async def test_typing_above_and_inside_the_original_while_it_streams(mode: str) -> None:
    editor, proposal = setup(mode)
    editor.checks.clear()
    proposal.add_lines(NEW[:1])
    await editor.settle()
    editor.type((0, 0, "# user\n"))
    inside = editor.text.index("return x\n\nfooter")
    editor.type((inside, inside, "USER"))
    await editor.settle()
    await stream(editor, proposal, NEW[1:])
    await proposal.show("".join(NEW))
    await editor.settle()
    edited = OLD.replace("return", "USERreturn")
    assert editor.text == "# user\n" + DOC.replace(OLD, "".join(NEW) + edited)
    await proposal.accept()
    await proposal.undo()  # puts back the original as the user had left it
    await editor.settle()
    assert editor.text == "# user\n" + DOC.replace(OLD, edited)


@pytest.mark.parametrize("mode", ANSWERING)
async def test_editing_the_proposal_while_it_streams_stops_it(mode: str) -> None:
    editor, proposal = setup(mode)
    await stream(editor, proposal, NEW[:2])
    at = editor.text.index("Identity")
    editor.type((at, at, "USER"))
    await editor.settle()
    proposal.add_lines(NEW[2:])
    with pytest.raises(BlockTouched):
        await proposal.flush()
    proposal.stop("you edited the proposed text")
    assert "USERIdentity" in editor.text
    with pytest.raises(ProposalRefused, match="incomplete"):
        await proposal.accept()
    await proposal.reject()
    await editor.settle()
    assert editor.text == DOC


async def test_the_user_may_edit_a_whole_proposal_before_accepting_it() -> None:
    editor, proposal = setup("vscode")
    await stream(editor, proposal, NEW)
    await proposal.show("".join(NEW))
    at = editor.text.index("Identity")
    editor.type((at, at + len("Identity"), "The same x"))
    await editor.settle()
    editor.checks.clear()
    await proposal.accept()
    await editor.settle()
    assert editor.text == DOC.replace(OLD, "".join(NEW).replace("Identity", "The same x"))


async def test_an_edit_across_the_boundary_refuses_accept_and_reject() -> None:
    editor, proposal = setup("vscode")
    await stream(editor, proposal, NEW)
    await proposal.show("".join(NEW))
    editor.checks.clear()
    start = editor.text.index("return x\n") + 2
    editor.type((start, editor.text.index("(x):"), ""))  # from the proposal into the original
    await editor.settle()
    with pytest.raises(BlockTouched):
        await proposal.accept()
    with pytest.raises(BlockTouched):
        await proposal.reject()


async def test_a_selection_mid_line_gets_a_line_break_between_proposal_and_original() -> None:
    text = "total = compute(a, b) + 1\n"
    editor, proposal = setup("vscode", text, "compute(a, b)")
    await proposal.show("add(a,\n    b)")
    await editor.settle()
    assert editor.text == "total = add(a,\n    b)\ncompute(a, b) + 1\n"
    editor.checks.clear()
    await proposal.accept()
    await editor.settle()
    assert editor.text == "total = add(a,\n    b) + 1\n"


async def test_a_silent_editor_fails_without_touching_anything() -> None:
    editor, proposal = setup("silent")
    proposal.add_lines(NEW[:1])
    with pytest.raises(EditorNotResponding):
        await proposal.flush()
    assert await proposal.withdraw("failed", "the editor did not answer")
    assert editor.text == DOC


async def test_an_editor_that_never_reports_changes_keeps_the_original() -> None:
    editor, proposal = setup("mute")
    proposal.add_lines(NEW[:1])
    with pytest.raises(EditorNotResponding):
        await proposal.show("".join(NEW))
    assert not await proposal.withdraw("failed", "the editor did not confirm")
    assert proposal.state == "stopped"
    assert OLD in editor.text


@pytest.mark.parametrize("mode", ANSWERING)
async def test_a_new_turn_takes_back_what_the_last_one_streamed(mode: str) -> None:
    editor, proposal = setup(mode)
    await stream(editor, proposal, ["# thinking aloud\n"])
    proposal.restart()
    await stream(editor, proposal, NEW)
    await proposal.show("".join(NEW))
    await editor.settle()
    assert editor.text == DOC.replace(OLD, "".join(NEW) + OLD)


def test_replacement_is_minimal_and_never_cuts_a_crlf() -> None:
    assert replacement("abcXdef", "abcYYdef") == (3, 4, "YY")
    assert replacement("same", "same") == (4, 4, "")
    assert replacement("", "new") == (0, 0, "new")
    assert replacement("a\r\n", "a\n") == (1, 3, "\n")


def test_where_a_change_falls() -> None:
    block = Block(10, 20, 30)
    assert block.where((0, 5, "x")) == "before"
    assert block.where((10, 10, "x")) == "before"  # typing at the top goes above
    assert block.where((12, 14, "x")) == "proposal"
    assert block.where((20, 20, "x")) == "original"  # typing at the start of the original
    assert block.where((25, 30, "")) == "original"
    assert block.where((30, 30, "x")) == "after"
    assert block.where((15, 25, "")) == "across"
    assert block.where((5, 15, "")) == "across"
    empty = Block(10, 10, 10)
    assert empty.where((10, 10, "x")) == "before"
