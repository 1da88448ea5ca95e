"""The lossless contract as a property: random streams, random typing (above, below,
inside the original, inside the proposal, while an edit is on its way), random
interruptions, every kind of client. After every change the editor makes, the original
(with the user's own edits) is in the document, verbatim and contiguous; a rejected or
failed proposal leaves no proposed character behind; an accepted one reads exactly the
proposal, and one undo brings the original back."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kimi_lsp.edits.block import Block
from kimi_lsp.edits.proposal import Proposal, ProposalRefused
from kimi_lsp.edits.writer import BlockTouched, BlockWriter, EditorNotResponding

from .fakes import FakeEditor

PROPOSED = "pqrs"
ORIGINAL = "ABCD"
AROUND = "ghij"
TYPED = "0123"


def lines_of(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=1, max_size=6).map(lambda s: s + "\n")


typing = st.tuples(
    st.sampled_from(["above", "below", "original", "proposal"]),
    st.floats(0, 1),
    st.text(alphabet=TYPED + "\n", min_size=1, max_size=3),
    st.booleans(),  # while the next edit is on its way
)
step = st.one_of(
    st.tuples(st.just("line"), lines_of(PROPOSED)),
    st.tuples(st.just("type"), typing),
    st.tuples(st.just("restart"), st.none()),
)


@dataclass
class User:
    editor: FakeEditor
    original: str
    outside: int = 0
    """Characters typed (net) outside the proposal."""
    in_proposal: bool = False
    queued: list[tuple[str, float, str]] = field(default_factory=list)

    def check(self, editor: FakeEditor) -> None:
        assert self.original in editor.text, f"the original is gone:\n{editor.text!r}"

    def type(self, where: str, fraction: float, text: str) -> None:
        doc = self.editor.text
        at = doc.index(self.original)
        top = min([i for i in (doc.find(ch) for ch in PROPOSED) if i >= 0], default=at)
        if where == "above":
            position = int(fraction * top)
        elif where == "below":
            end = at + len(self.original)
            position = end + int(fraction * (len(doc) - end))
        elif where == "original":
            if len(self.original) < 2:
                return
            inside = 1 + int(fraction * (len(self.original) - 2))
            position = at + inside
            self.original = self.original[:inside] + text + self.original[inside:]
        else:
            if at - top < 2:
                return
            position = top + 1 + int(fraction * (at - top - 2))
            self.in_proposal = True
        if where != "proposal":
            self.outside += len(text)
        self.editor.type((position, position, text))

    def on_edit(self, editor: FakeEditor) -> None:
        if self.queued:
            self.type(*self.queued.pop())


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    mode=st.sampled_from(["vscode", "neovim", "eglot", "late"]),
    before=st.lists(lines_of(AROUND), max_size=3).map("".join),
    old=st.lists(lines_of(ORIGINAL), min_size=1, max_size=4).map("".join),
    after=st.lists(lines_of(AROUND), max_size=3).map("".join),
    steps=st.lists(step, max_size=12),
    ending=st.sampled_from(["accept", "reject", "fail", "cancel"]),
)
async def test_the_original_survives_every_instant(
    mode: str,
    before: str,
    old: str,
    after: str,
    steps: list[tuple[str, object]],
    ending: str,
) -> None:
    doc = before + old + after
    editor = FakeEditor(doc, mode)
    writer = BlockWriter(editor, Block(len(before), len(before), len(doc) - len(after)))
    editor.writers.append(writer)
    user = User(editor, old)
    editor.checks.append(user.check)
    editor.before_edit = user.on_edit
    proposal = Proposal(writer, uri="file:///a.py", kind="refactor")
    lines: list[str] = []
    try:
        for kind, value in steps:
            if kind == "line":
                assert isinstance(value, str)
                lines.append(value)
                proposal.add_lines([value])
            elif kind == "restart":
                lines.clear()
                proposal.restart()
            else:
                assert isinstance(value, tuple)
                where, fraction, text, later = value
                if later:
                    user.queued.append((where, fraction, text))
                else:
                    user.type(where, fraction, text)
            await editor.settle()
        await proposal.flush()
        if ending in ("fail", "cancel"):
            raise _Interrupted
        await proposal.show("".join(lines))
    except (BlockTouched, _Interrupted):
        await proposal.withdraw("failed", "interrupted")
    await editor.settle()
    user.queued.clear()
    assert user.original in editor.text
    if proposal.state == "stopped":
        assert user.in_proposal
        await proposal.reject()
        await editor.settle()
    elif proposal.state == "proposed" and ending == "accept":
        editor.checks.clear()
        await proposal.accept()
        await editor.settle()
        assert not any(ch in editor.text for ch in ORIGINAL)
        assert "".join(lines) in editor.text
        await proposal.undo()
        await editor.settle()
        assert user.original in editor.text
        assert not any(ch in editor.text for ch in PROPOSED)
        return
    elif proposal.state == "proposed":
        await proposal.reject()
        await editor.settle()
    assert not any(ch in editor.text for ch in PROPOSED)
    assert len(editor.text) == len(doc) + user.outside
    assert editor.text == editor.server_text


class _Interrupted(Exception):
    pass


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    mode=st.sampled_from(["silent", "mute"]),
    steps=st.lists(lines_of(PROPOSED), min_size=1, max_size=5),
)
async def test_clients_that_never_confirm_never_lose_the_original(
    mode: str, steps: list[str]
) -> None:
    old = "ABC\nDCB\n"
    doc = "gg\n" + old + "hh\n"
    editor = FakeEditor(doc, mode)
    writer = BlockWriter(editor, Block(3, 3, 3 + len(old)), confirm_timeout=0.05)
    editor.writers.append(writer)
    editor.checks.append(lambda ed: None if old in ed.text else _fail(ed.text))
    proposal = Proposal(writer, uri="file:///a.py", kind="refactor")
    try:
        for line in steps:
            proposal.add_lines([line])
            await editor.settle()
        await proposal.flush()
        await proposal.show("".join(steps))
    except EditorNotResponding:
        await proposal.withdraw("failed", "the editor did not answer")
    assert old in editor.text
    if proposal.state == "proposed":
        with contextlib.suppress(EditorNotResponding, ProposalRefused):
            await proposal.reject()
    assert old in editor.text


def _fail(text: str) -> None:
    raise AssertionError(f"the original is gone:\n{text!r}")
