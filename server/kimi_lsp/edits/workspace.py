"""A change across files, as the model proposes it (`kimi.edit`): text replacements in
existing files and new files, checked as they arrive, kept out of every buffer until the
user accepts them.

An edit names text that must occur exactly once in the file as proposed so far (the
editor's buffer when the file is open, with the change's earlier edits applied); it may
not overlap an earlier edit of the same file. Edits are kept in the coordinates of the
file's text when the change started (`base`), so at acceptance each can be placed again in
the file as it is then (`placed`), or refused by name when it no longer fits.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Literal


class ChangeRefused(Exception):
    """The model's edit cannot be part of the change; the message tells the model why."""


class NoLongerFits(Exception):
    """A file changed since the proposal and an edit of it cannot be placed any more."""


@dataclass(frozen=True)
class Replacement:
    """`old` at [start, end) of a file's text becomes `new`."""

    start: int
    end: int
    old: str
    new: str


def occurrences(text: str, needle: str) -> list[int]:
    """Where `needle` starts in `text`, overlapping occurrences too (at most two)."""
    found: list[int] = []
    at = text.find(needle)
    while at >= 0 and len(found) < 2:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


@dataclass
class FileChange:
    """What the change does to one file."""

    key: str
    """The file's real path (or URI): what identifies it."""
    name: str
    """The path as the model and the user see it."""
    kind: Literal["edit", "create"]
    base: str = ""
    """The file's text when the change first touched it ("" for a new file)."""
    edits: list[Replacement] = field(default_factory=list)
    """Sorted by position in `base`, never overlapping."""
    content: str = ""
    """A new file's text."""

    def proposed(self) -> str:
        """The file's text with the change applied."""
        if self.kind == "create":
            return self.content
        return apply(self.base, self.edits)

    def add(self, old: str, new: str) -> Replacement:
        """Replace the only occurrence of `old` in the proposed text with `new`."""
        if not old:
            raise ChangeRefused(
                f"old_text is empty; quote the text to replace in '{self.name}' exactly"
            )
        text = self.proposed()
        found = occurrences(text, old)
        if not found:
            raise ChangeRefused(
                f"old_text does not occur in '{self.name}'"
                + (" (as changed by your earlier edits)" if self.edits else "")
                + "; read the file and quote the text exactly, whitespace included"
            )
        if len(found) > 1:
            raise ChangeRefused(
                f"old_text occurs more than once in '{self.name}'; quote more of the "
                "surrounding lines so that it occurs exactly once"
            )
        start, end = found[0], found[0] + len(old)
        if self.kind == "create":  # a new file of this change: its content is revised
            self.content = text[:start] + new + text[end:]
            return Replacement(start, end, old, new)
        shift = 0
        for earlier in self.edits:
            at = earlier.start + shift
            after = at + len(earlier.new)
            if end <= at:
                break
            if start >= after:
                shift += len(earlier.new) - (earlier.end - earlier.start)
                continue
            raise ChangeRefused(
                f"this edit overlaps an earlier edit of '{self.name}' in this change; make "
                "one edit that covers both"
            )
        edit = Replacement(start - shift, end - shift, old, new)
        self.edits.append(edit)
        self.edits.sort(key=lambda e: (e.start, e.end))
        return edit

    def placed(self, current: str) -> list[Replacement]:
        """The edits in the file's `current` text: where they were if it did not change,
        else where each `old` text is found once again (NoLongerFits names the file)."""
        if current == self.base:
            return list(self.edits)
        placed: list[Replacement] = []
        for edit in self.edits:
            found = occurrences(current, edit.old)
            if len(found) != 1:
                raise NoLongerFits(
                    f"{self.name} changed since Kimi proposed this change, and the text "
                    "it edits " + ("is gone" if not found else "now occurs more than once")
                )
            placed.append(Replacement(found[0], found[0] + len(edit.old), edit.old, edit.new))
        placed.sort(key=lambda e: (e.start, e.end))
        for first, second in itertools.pairwise(placed):
            if second.start < first.end:
                raise NoLongerFits(f"{self.name} changed since Kimi proposed this change")
        return placed


def apply(text: str, edits: list[Replacement]) -> str:
    """`text` with sorted, non-overlapping `edits` applied."""
    out: list[str] = []
    at = 0
    for edit in edits:
        out.append(text[at : edit.start])
        out.append(edit.new)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def reverse(text: str, edits: list[Replacement]) -> list[Replacement]:
    """The edits that undo `edits` in `apply(text, edits)`."""
    back: list[Replacement] = []
    shift = 0
    for edit in edits:
        start = edit.start + shift
        back.append(Replacement(start, start + len(edit.new), edit.new, edit.old))
        shift += len(edit.new) - (edit.end - edit.start)
    return back


@dataclass
class ChangeLimits:
    """How big one change may get (`kimi.edit.*`)."""

    max_files: int = 20
    max_bytes: int = 200_000


class WorkspaceChange:
    """The files of one change, in the order the model touched them. Tools run in worker
    threads, so every change of the set is made under a lock."""

    def __init__(self, limits: ChangeLimits | None = None) -> None:
        self.limits = limits or ChangeLimits()
        self.files: dict[str, FileChange] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def edit(self, key: str, name: str, current: str, old: str, new: str) -> FileChange:
        """Propose replacing `old` with `new` in an existing file whose text is `current`."""
        with self._lock:
            change = self.files.get(key)
            if change is None:
                self._room_for_file(name)
                change = FileChange(key, name, "edit", base=current)
            self._room_for_bytes(len(new.encode("utf-8")))
            change.add(old, new)
            self.files.setdefault(key, change)
            self._bytes += len(new.encode("utf-8"))
            return change

    def created(self, key: str) -> bool:
        """Whether this change creates the file `key`."""
        change = self.files.get(key)
        return change is not None and change.kind == "create"

    def create(self, key: str, name: str, content: str) -> FileChange:
        """Propose a new file with `content` (again: its content is replaced)."""
        with self._lock:
            if self.created(key):
                earlier = self.files[key]
                size = len(content.encode("utf-8")) - len(earlier.content.encode("utf-8"))
                self._room_for_bytes(size)
                earlier.content = content
                self._bytes += size
                return earlier
            if key in self.files:
                raise ChangeRefused(f"'{name}' is already part of this change; edit it instead")
            self._room_for_file(name)
            size = len(content.encode("utf-8"))
            self._room_for_bytes(size)
            change = FileChange(key, name, "create", content=content)
            self.files[key] = change
            self._bytes += size
            return change

    def _room_for_file(self, name: str) -> None:
        if len(self.files) >= self.limits.max_files:
            raise ChangeRefused(
                f"this change already touches {self.limits.max_files} files, the most one "
                f"change may (kimi.edit.maxFiles); '{name}' was not changed. Finish with "
                "what you have and say what is left"
            )

    def _room_for_bytes(self, size: int) -> None:
        if self._bytes + size > self.limits.max_bytes:
            raise ChangeRefused(
                f"this change would write more than {self.limits.max_bytes:,} bytes, the "
                "most one change may (kimi.edit.maxBytes); nothing was added. Finish with "
                "what you have and say what is left"
            )

    def summary(self) -> str:
        """One line per file, for the model's prompt and the user's message."""
        return "\n".join(
            f"- {c.name} ({'new file' if c.kind == 'create' else f'{len(c.edits)} edits'})"
            for c in self.files.values()
        )
