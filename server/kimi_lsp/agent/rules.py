"""Which workspace paths the tools may not touch: the deny list and `.gitignore` files.

Both use gitignore pattern semantics through `pathspec` (a maintained gitignore matcher),
on workspace-relative POSIX paths; a directory is checked with a trailing `/`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pathspec

DEFAULT_DENY = (
    ".env",
    ".env.*",
    "*.pem",
    "*.key",
    "id_rsa*",
    "id_ed25519*",
    "*.p12",
    ".git/",
    ".ssh/",
    ".aws/",
    "*credentials*",
    "*secret*",
)
"""Refused even inside the workspace; `kimi.tools.deny` adds more."""


class DenyList:
    """Glob patterns for files no tool may read, list or search."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        self.patterns = [*DEFAULT_DENY, *extra]
        self._spec = pathspec.GitIgnoreSpec.from_lines(self.patterns)

    def denies(self, rel: str, is_dir: bool = False) -> bool:
        """True when `rel` (or a directory it is in) matches a deny pattern."""
        if not rel:
            return False
        return bool(self._spec.match_file(rel + "/" if is_dir else rel)) or any(
            self._spec.match_file(parent + "/") for parent in _parents(rel)
        )


class GitIgnore:
    """The `.gitignore` files of one workspace folder, read lazily and cached."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}

    def ignores(self, rel: str, is_dir: bool = False) -> bool:
        """True when git would ignore `rel`, or a directory that contains it."""
        if not rel:
            return False
        return any(self._matches(parent, True) for parent in _parents(rel)) or self._matches(
            rel, is_dir
        )

    def _matches(self, rel: str, is_dir: bool) -> bool:
        verdict = False
        folder = ""
        parts = rel.split("/")
        for depth in range(len(parts)):
            spec = self._spec(folder)
            if spec is not None:
                inner = "/".join(parts[depth:]) + ("/" if is_dir else "")
                include = spec.check_file(inner).include
                if include is not None:
                    verdict = include
            folder = "/".join(parts[: depth + 1])
        return verdict

    def _spec(self, folder: str) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            path = self.root / folder / ".gitignore"
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._specs[folder] = None
            else:
                self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines)
        return self._specs[folder]


def _parents(rel: str) -> list[str]:
    """`a/b/c` -> [`a`, `a/b`]."""
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]
