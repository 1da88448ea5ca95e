"""Turning a path the model wrote into a file inside the workspace, or a refusal.

Paths are workspace-relative with `/` separators; with several workspace folders the
first component names the folder. Refused before anything else: paths over
`MAX_PATH_CHARS` characters or `MAX_PATH_PARTS` components (`realpath` is quadratic in
them). Then `..` anywhere, absolute paths, `~`, drive letters and UNC paths, NUL bytes,
unknown folders, anything whose real path (symlinks resolved) leaves its folder, and
deny-listed paths, under the name given and the real one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kimi_lsp.agent.clock import Deadline
from kimi_lsp.agent.rules import DenyList, GitIgnore
from kimi_lsp.agent.scrub import secret_forms

_DRIVE = re.compile(r"^[A-Za-z]:")
MAX_PATH_CHARS = 4_096
MAX_PATH_PARTS = 256


class Refused(Exception):
    """The tool may not touch that path; the message is shown to the model."""


@dataclass(frozen=True)
class Folder:
    """One workspace folder: its name in tool paths and its real location."""

    name: str
    path: Path


@dataclass(frozen=True)
class Target:
    """A resolved path inside a workspace folder."""

    folder: Folder
    rel: str
    """Relative to the folder, POSIX separators; "" for the folder itself."""
    path: Path
    """The real (symlink-free) absolute path."""


@dataclass
class Sandbox:
    """The workspace as the tools may see it."""

    folders: Sequence[Folder]
    deny: DenyList = field(default_factory=DenyList)
    buffers: Mapping[str, str] = field(default_factory=dict)
    """Text of documents open in the editor, by real absolute path: it wins over the disk."""
    secrets: tuple[str, ...] = ()
    """Values (API keys) that never leave in a tool result: they read as `***`."""
    denied_paths: frozenset[Path] = frozenset()
    """Real paths refused whatever their name (kimi-lsp's own settings file)."""

    def __post_init__(self) -> None:
        self._ignores = {folder.name: GitIgnore(folder.path) for folder in self.folders}

    @property
    def secret_forms(self) -> tuple[str, ...]:
        """The forms of `secrets` that `scrub.scrub` masks."""
        return secret_forms(self.secrets)

    @property
    def multi_root(self) -> bool:
        """True when paths must start with a folder name."""
        return len(self.folders) > 1

    def display(self, target: Target) -> str:
        """How tool results name a path."""
        if self.multi_root:
            return f"{target.folder.name}/{target.rel}".rstrip("/")
        return target.rel or "."

    def resolve(self, raw: str | None) -> list[Target]:
        """The targets a path names: every folder for an empty path, else exactly one."""
        _check_size(raw or "")
        text = (raw or "").strip().replace("\\", "/")
        _check_form(text)
        parts = [p for p in text.split("/") if p not in ("", ".")]
        if not parts:
            return [Target(f, "", f.path) for f in self.folders]
        folder = self.folders[0]
        if self.multi_root:
            names = [f.name for f in self.folders]
            match = [f for f in self.folders if f.name == parts[0]]
            if not match:
                raise Refused(
                    f"'{raw}' does not start with a workspace folder; use one of: "
                    + ", ".join(names)
                )
            folder, parts = match[0], parts[1:]
        return [self._inside(folder, "/".join(parts), raw or "")]

    def resolve_one(self, raw: str | None) -> Target:
        """Exactly one target (a file tool with a path)."""
        targets = self.resolve(raw)
        if len(targets) != 1:
            raise Refused("name a file inside a workspace folder")
        return targets[0]

    def _inside(self, folder: Folder, rel: str, raw: str) -> Target:
        real = Path(os.path.realpath(folder.path / rel))
        if real != folder.path and not real.is_relative_to(folder.path):
            raise Refused(f"'{raw}' resolves outside the workspace")
        real_rel = real.relative_to(folder.path).as_posix() if real != folder.path else ""
        is_dir = real.is_dir()
        if real in self.denied_paths or any(
            self.deny.denies(candidate, is_dir) for candidate in {rel, real_rel}
        ):
            raise Refused(f"'{raw}' is on the deny list (secrets and keys are never read)")
        return Target(folder, real_rel, real)

    def ignored(
        self, target: Target, is_dir: bool = False, deadline: Deadline | None = None
    ) -> bool:
        """Whether `.gitignore` leaves this path out (or a folder it is in)."""
        return self._ignores[target.folder.name].ignores(target.rel, is_dir, deadline)

    def hidden_entry(
        self, folder: Folder, rel: str, is_dir: bool, deadline: Deadline | None = None
    ) -> bool:
        """Whether a path met while walking is left out (denied or ignored); the folders
        it is in were checked on the way down."""
        return self.deny.denies_entry(rel, is_dir) or self._ignores[folder.name].ignores_entry(
            rel, is_dir, deadline
        )

    def hidden(
        self, folder: Folder, rel: str, is_dir: bool, deadline: Deadline | None = None
    ) -> bool:
        """Whether any path is left out (denied or ignored), its folders checked too."""
        return self.deny.denies(rel, is_dir) or self._ignores[folder.name].ignores(
            rel, is_dir, deadline
        )


def _check_size(raw: str) -> None:
    if len(raw) > MAX_PATH_CHARS:
        raise Refused(f"the path is too long ({len(raw):,} characters; at most {MAX_PATH_CHARS:,})")
    parts = raw.count("/") + raw.count("\\") + 1
    if parts > MAX_PATH_PARTS:
        raise Refused(f"the path has too many parts ({parts:,}; at most {MAX_PATH_PARTS})")


def _check_form(text: str) -> None:
    if "\0" in text:
        raise Refused("paths may not contain NUL characters")
    if text.startswith("/") or _DRIVE.match(text):
        raise Refused(f"'{text}' is absolute; use a path relative to the workspace")
    if text.startswith("~"):
        raise Refused(f"'{text}' points into a home directory; only the workspace is readable")
    if ".." in text.split("/"):
        raise Refused(f"'{text}' contains '..'; paths may not leave their folder")


def folders_from(paths: Sequence[tuple[str, str]]) -> list[Folder]:
    """Folders from (name, path) pairs: real paths, unique names, existing directories."""
    out: list[Folder] = []
    seen: set[str] = set()
    for name, path in paths:
        real = Path(os.path.realpath(path))
        if not real.is_dir() or any(f.path == real for f in out):
            continue
        base = (name or real.name or "workspace").replace("/", "-")
        unique, n = base, 2
        while unique in seen:
            unique, n = f"{base}-{n}", n + 1
        seen.add(unique)
        out.append(Folder(unique, real))
    return out
