"""Which proposal a document's undo takes: the Kimi change applied last, and a rewrite
that failed or was rejected does not take away the one applied before it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from kimi_lsp.edits.block import Block
from kimi_lsp.edits.proposal import Proposal
from kimi_lsp.edits.registry import Proposals
from kimi_lsp.edits.writer import BlockWriter

URI = "file:///a.py"


def rewrite(state: str) -> Proposal:
    proposal = Proposal(BlockWriter(cast(Any, None), Block(0, 0, 0)), uri=URI, kind="refactor")
    proposal.state = cast(Any, state)
    return proposal


@dataclass
class FakeChange:
    id: str
    state: str
    uris: list[str] = field(default_factory=lambda: [URI])
    closed: bool = False

    @property
    def pending(self) -> bool:
        return self.state in ("streaming", "proposed")

    def close(self) -> None:
        self.closed = True


def test_a_failed_rewrite_leaves_the_applied_one_undoable() -> None:
    proposals = Proposals()
    first = rewrite("applied")
    proposals.add(first)
    proposals.note(first)
    second = rewrite("streaming")
    proposals.add(second)
    assert proposals.undoable(URI) is first
    second.state = "failed"
    proposals.note(second)
    assert proposals.of(URI) is None
    assert proposals.undoable(URI) is first
    assert proposals.find(first.id) is first


def test_undo_takes_the_change_applied_last() -> None:
    proposals = Proposals()
    first = rewrite("applied")
    proposals.add(first)
    proposals.note(first)
    change = FakeChange("c1", "applied")
    proposals.add_change(change)
    proposals.note(change)
    assert proposals.undoable(URI) is change
    later = rewrite("applied")
    proposals.add(later)
    proposals.note(later)
    assert proposals.undoable(URI) is later
    assert proposals.find(first.id) is None  # let go once a newer rewrite was applied


def test_forget_drops_both_rewrites() -> None:
    proposals = Proposals()
    first = rewrite("applied")
    proposals.add(first)
    proposals.note(first)
    pending = rewrite("proposed")
    proposals.add(pending)
    proposals.forget(URI)
    assert proposals.undoable(URI) is None
    assert proposals.of(URI) is None
