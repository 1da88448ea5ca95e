"""A change across files (`kimi.edit`) from proposal to undo.

While the model works and while the user reviews, nothing is written into any buffer or
file: the change lives in a `WorkspaceChange` (`edits/workspace.py`) and in the command's
answer. `accept` applies the whole change (or the files named) as **one**
`workspace/applyEdit`, after placing every edit in each file as it is now: a file changed
since is re-matched or refused by name, never written blindly. `undo` restores every file
in one edit (deleting the files it created) and refuses by name a file changed since.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from lsprotocol import types
from pygls.uris import to_fs_path

from kimi_lsp.agent import contents
from kimi_lsp.agent.sandbox import Refused
from kimi_lsp.edits.proposal import ProposalRefused
from kimi_lsp.edits.workspace import (
    FileChange,
    NoLongerFits,
    Replacement,
    WorkspaceChange,
    apply,
    reverse,
)
from kimi_lsp.lsp.toolbox import make_toolbox
from kimi_lsp.lsp.workspace_edit import FileEdits, Support, plain_edits, workspace_edit
from kimi_lsp.text import Encoding, encoding_name

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

log = logging.getLogger(__name__)

ANSWER_SECONDS = 60
"""How long an editor may take to answer the edit of a whole change."""
PREVIEW_SECONDS = 900
"""... when it shows the user a preview first (change annotations)."""

State = Literal[
    "streaming", "proposed", "applied", "undone", "rejected", "failed", "cancelled", "unchanged"
]


@dataclass(frozen=True)
class Applied:
    """One file as acceptance left it, for undo."""

    file: FileChange
    uri: str
    before: str
    after: str
    edits: list[Replacement]
    """Where acceptance put the edits, in `before`."""


@dataclass(frozen=True)
class Current:
    """A file as the server can see it now."""

    text: str | None
    """None when it does not exist."""
    version: int | None
    """The open document's version; None when it is not open."""


class WorkspaceProposal:
    """One change across files."""

    kind = "edit"

    def __init__(
        self,
        ls: KimiLanguageServer,
        change: WorkspaceChange,
        *,
        label: str,
        on_update: Callable[[WorkspaceProposal], None] | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex
        self._ls = ls
        self.change = change
        self.label = label
        self.state: State = "streaming"
        self.message = ""
        self.lock = asyncio.Lock()
        self.task: asyncio.Task[Any] | None = None
        self.edits_sent = 0
        self.applied: list[Applied] = []
        self._on_update = on_update or (lambda proposal: None)
        self._streamed = asyncio.Event()

    @property
    def pending(self) -> bool:
        """Whether the change still waits for the model or for the user."""
        return self.state in ("streaming", "proposed")

    @property
    def uris(self) -> list[str]:
        """The documents the change touches."""
        return [self._uri(f.key) for f in self.change.files.values()]

    def set_state(self, state: State, message: str = "") -> None:
        """Move to `state` and tell the client."""
        self.state = state
        if message:
            self.message = message
        if state != "streaming":
            self._streamed.set()
        self._on_update(self)

    async def streamed(self) -> None:
        """Wait until the model's part is over."""
        await self._streamed.wait()

    def close(self) -> None:
        """Stop the model if it still works on this change."""
        if self.state == "streaming" and self.task is not None and not self.task.done():
            self.task.cancel()

    # --- what the editor is shown ---

    def files(self) -> list[dict[str, Any]]:
        """`[{uri, kind, edits}]`: each file's edits in its text when the change started (a
        new file: one insertion of its content)."""
        out: list[dict[str, Any]] = []
        for f in self.change.files.values():
            if f.kind == "create":
                edits = plain_edits("", [Replacement(0, 0, "", f.content)], self._encoding)
            else:
                edits = plain_edits(f.base, f.edits, self._encoding)
            out.append({"uri": self._uri(f.key), "kind": f.kind, "edits": edits})
        return out

    # --- the user's decision ---

    async def accept(self, uris: list[str] | None = None) -> list[dict[str, Any]]:
        """Apply the change (only the files in `uris`, when given) in one edit."""
        if self.state == "streaming":
            raise ProposalRefused(
                "Kimi is still working on this change; wait for it, or reject it."
            )
        if self.state != "proposed":
            raise ProposalRefused(f"this Kimi change was already {self.state}.")
        chosen = [f for f in self.change.files.values() if uris is None or self._uri(f.key) in uris]
        if not chosen:
            raise ProposalRefused("none of the files named is part of this Kimi change.")
        support = self._support(
            need_create=any(f.kind == "create" for f in chosen), need_delete=False
        )
        plan: list[FileEdits] = []
        applied: list[Applied] = []
        for f in chosen:
            uri = self._uri(f.key)
            now = self._current(f)
            if f.kind == "create":
                if now.text is not None:
                    raise ProposalRefused(
                        f"{f.name} exists now, so it was not created; nothing was changed."
                    )
                plan.append(FileEdits(uri, "create", "", [], None, content=f.content))
                applied.append(Applied(f, uri, "", f.content, [Replacement(0, 0, "", f.content)]))
                continue
            if now.text is None:
                raise ProposalRefused(f"{f.name} is gone, so nothing was changed.")
            try:
                placed = f.placed(now.text)
            except NoLongerFits as error:
                raise ProposalRefused(f"{error}; nothing was changed.") from None
            plan.append(FileEdits(uri, "edit", now.text, placed, now.version))
            applied.append(Applied(f, uri, now.text, apply(now.text, placed), placed))
        await self._apply(plan, support)
        self.applied = applied
        self.set_state("applied")
        return [
            {
                "uri": a.uri,
                "kind": a.file.kind,
                "edits": plain_edits(a.before, a.edits, self._encoding),
            }
            for a in applied
        ]

    async def reject(self) -> None:
        """Discard the change; nothing is written."""
        if not self.pending:
            raise ProposalRefused(f"this Kimi change was already {self.state}.")
        self.set_state("rejected")

    async def undo(self) -> None:
        """Restore every file the change touched, in one edit."""
        if self.state != "applied":
            raise ProposalRefused(
                f"this Kimi change was {self.state}, so there is nothing to undo."
            )
        need_delete = any(a.file.kind == "create" for a in self.applied)
        support = self._support(need_create=False, need_delete=need_delete)
        plan: list[FileEdits] = []
        changed: list[str] = []
        for a in self.applied:
            now = self._current(a.file)
            if a.file.kind == "create":
                if now.text is None:
                    continue  # already gone
                if now.text != a.after:
                    changed.append(a.file.name)
                    continue
                plan.append(FileEdits(a.uri, "delete", now.text, [], None))
                continue
            if now.text == a.before:
                continue  # the editor did not apply this file (the preview left it out)
            if now.text is None:
                changed.append(a.file.name)
                continue
            back = FileChange(a.file.key, a.file.name, "edit", a.after, reverse(a.before, a.edits))
            try:  # edits elsewhere in the file since do not matter
                placed = back.placed(now.text)
            except NoLongerFits:
                changed.append(a.file.name)
                continue
            plan.append(FileEdits(a.uri, "edit", now.text, placed, now.version))
        if changed:
            raise ProposalRefused(
                f"{', '.join(changed)} changed since Kimi's change was accepted, so undo was "
                "refused; nothing was changed (use the editor's undo there)."
            )
        if plan:
            await self._apply(plan, support)
        self.set_state("undone")

    # --- helpers ---

    async def _apply(self, plan: list[FileEdits], support: Support) -> None:
        edit = workspace_edit(plan, support, self._encoding, self.label)
        self.edits_sent += 1
        # A client that shows a preview (needsConfirmation) waits for the user.
        bound = PREVIEW_SECONDS if edit.change_annotations else ANSWER_SECONDS
        try:
            async with asyncio.timeout(bound):
                result = await self._ls.workspace_apply_edit_async(
                    types.ApplyWorkspaceEditParams(edit=edit)
                )
        except TimeoutError:
            raise ProposalRefused(
                f"the editor did not answer within {bound} s, so Kimi cannot tell whether the "
                "change was applied; check the files before you try again."
            ) from None
        except Exception as error:  # an error answer: the editor refused
            raise ProposalRefused(
                f"the editor refused the change ({error}); nothing was changed."
            ) from None
        if not getattr(result, "applied", False):
            reason = getattr(result, "failure_reason", None)
            raise ProposalRefused(
                "the editor did not apply the change"
                + (f" ({reason})" if reason else "")
                + "; nothing was changed."
            )

    def _support(self, *, need_create: bool, need_delete: bool) -> Support:
        caps = self._ls.client_capabilities
        if not (caps.workspace and caps.workspace.apply_edit):
            raise ProposalRefused(
                "this editor cannot apply edits sent by a language server; the change's files "
                "and edits are in kimi.edit's answer."
            )
        support = Support.of(caps, self._ls.session.client_name)
        if need_create and not (support.document_changes and support.create):
            raise ProposalRefused(
                "this editor cannot create files through LSP; nothing was changed."
            )
        if need_delete and not (support.document_changes and support.delete):
            raise ProposalRefused(
                "this editor cannot delete files through LSP, so the files Kimi created cannot "
                "be removed; nothing was changed."
            )
        return support

    def _current(self, f: FileChange) -> Current:
        """The file's text now: the editor's buffer when it is open, else the disk (read
        through the sandbox again, so a path that turned into a link to outside is refused)."""
        document = self._open_documents().get(f.key)
        if document is not None:
            return Current(document.source, document.version)
        toolbox = make_toolbox(self._ls, self._ls.session.runtime.settings.tools)
        if toolbox is None:
            raise ProposalRefused("the workspace is no longer open, so nothing was changed.")
        if not Path(f.key).exists():
            return Current(None, None)
        try:
            target = contents.writable_target(toolbox.sandbox, f.name, toolbox.limits, create=False)
            text = contents.raw_text(toolbox.sandbox, target, toolbox.limits)
            return Current(text.removeprefix("\ufeff"), None)  # editors hide a BOM
        except Refused as error:
            raise ProposalRefused(f"{error}; nothing was changed.") from None

    def _open_documents(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for uri, document in self._ls.workspace.text_documents.items():
            if (path := to_fs_path(uri)) is not None:
                out[os.path.realpath(path)] = document
        return out

    def _uri(self, key: str) -> str:
        document = self._open_documents().get(key)
        return cast(str, document.uri) if document is not None else Path(key).as_uri()

    @property
    def _encoding(self) -> Encoding:
        return cast(Encoding, encoding_name(self._ls.workspace.position_encoding))
