"""Which workspace paths the tools may not touch: the deny list and `.gitignore` files.

Both use gitignore pattern syntax (`globs.py`, matched in bounded time) on
workspace-relative POSIX paths; a path is left out when it or a folder it is in matches.

The deny list ignores case (`.ENV`, `ID_RSA` and `.GIT/config` name the real files on
macOS and Windows), and so do its checks of the names Windows treats as the same file
(`.env.`, `.env `, `.env::$DATA`). The built-in list cannot be narrowed: `kimi.tools.deny`
is a list of its own, so a `!.env` there only un-denies what that list itself denied.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from kimi_lsp.agent.clock import Deadline
from kimi_lsp.agent.files import read_head
from kimi_lsp.agent.globs import GlobList, split

log = logging.getLogger(__name__)

DEFAULT_DENY = (
    # environment files and shell secrets
    ".env",
    ".env.*",
    ".envrc",
    # private keys, certificates and keystores
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.ppk",
    "*.kdbx",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    # credential stores of common tools
    ".npmrc",
    ".pypirc",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".my.cnf",
    ".git-credentials",
    ".htpasswd",
    ".dockercfg",
    ".vault-token",
    ".boto",
    ".s3cfg",
    ".terraformrc",
    "*.tfstate",
    "*.tfstate.*",
    "**/.docker/config.json",
    "**/gh/hosts.yml",
    "**/kimi-lsp/config.toml",
    "*credentials*",
    "*secret*",
    # folders that hold nothing else
    ".git/",
    ".ssh/",
    ".gnupg/",
    ".aws/",
    ".azure/",
    ".kube/",
)
"""Refused even inside the workspace, in any case; `kimi.tools.deny` adds more."""

MAX_DENY_PATTERNS = 1_000
"""Patterns `kimi.tools.deny` may hold."""

GITIGNORE_MAX_BYTES = 256 * 1024
"""Of a `.gitignore`, only this much is read."""


def _forms(rel: str) -> set[str]:
    """`rel` and the name Windows would open for it: each segment without trailing dots
    and spaces, and without an NTFS stream suffix (`name:stream`, `name::$DATA`)."""
    forms = {rel}
    if "." in rel or " " in rel or ":" in rel:
        forms.add("/".join(part.split(":", 1)[0].rstrip(". ") for part in rel.split("/")))
    return forms


class DenyList:
    """Glob patterns for files no tool may read, list or search."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        extra = list(extra)
        self.patterns = [*DEFAULT_DENY, *extra]
        self._builtin = GlobList.from_lines(DEFAULT_DENY, fold=True)
        self._user = GlobList.from_lines(extra, fold=True, max_patterns=MAX_DENY_PATTERNS)
        self.problems = [f"kimi.tools.deny {p}" for p in self._user.problems]

    def denies(self, rel: str, is_dir: bool = False) -> bool:
        """True when `rel` (or a folder it is in) matches a deny pattern."""
        return any(self._denies(form, is_dir, parents=True) for form in _forms(rel))

    def denies_entry(self, rel: str, is_dir: bool) -> bool:
        """As `denies`, for a path met while walking: its folders were checked already."""
        return any(self._denies(form, is_dir, parents=False) for form in _forms(rel))

    def _denies(self, rel: str, is_dir: bool, *, parents: bool) -> bool:
        parts = split(rel, fold=True)
        if not parts:
            return False
        checks = [(parts[:i], True) for i in range(1, len(parts))] if parents else []
        checks.append((parts, is_dir))
        return any(
            self._builtin.verdict(p, d) is True or self._user.verdict(p, d) is True
            for p, d in checks
        )


class GitIgnore:
    """The `.gitignore` files of one workspace folder, read lazily and cached."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lists: dict[str, GlobList | None] = {}

    def ignores(self, rel: str, is_dir: bool = False, deadline: Deadline | None = None) -> bool:
        """True when git would ignore `rel`, or a folder that contains it."""
        parts = split(rel)
        return any(self._matches(parts[:i], True, deadline) for i in range(1, len(parts))) or (
            bool(parts) and self._matches(parts, is_dir, deadline)
        )

    def ignores_entry(self, rel: str, is_dir: bool, deadline: Deadline | None = None) -> bool:
        """As `ignores`, for a path met while walking: its folders were checked already."""
        parts = split(rel)
        return bool(parts) and self._matches(parts, is_dir, deadline)

    def _matches(self, parts: list[str], is_dir: bool, deadline: Deadline | None) -> bool:
        verdict = False
        for depth in range(len(parts)):
            rules = self._rules("/".join(parts[:depth]))
            if rules is not None:
                if deadline is not None:
                    deadline.check()
                found = rules.verdict(parts[depth:], is_dir)
                if found is not None:
                    verdict = found
        return verdict

    def _rules(self, folder: str) -> GlobList | None:
        if folder not in self._lists:
            self._lists[folder] = self._read(folder)
        return self._lists[folder]

    def _read(self, folder: str) -> GlobList | None:
        path = Path(os.path.realpath(self.root / folder / ".gitignore"))
        if not path.is_relative_to(self.root):
            return None  # a link out of the workspace is not read
        try:
            data, complete = read_head(path, GITIGNORE_MAX_BYTES)
        except OSError:
            return None  # none, or not a regular file (a FIFO would block)
        if not complete:
            log.warning("%s: only its first %d bytes are used", path, GITIGNORE_MAX_BYTES)
            data = data[: data.rfind(b"\n") + 1]
        rules = GlobList.from_lines(data.decode("utf-8", errors="replace").splitlines())
        for problem in rules.problems[:5]:
            log.info("%s: %s", path, problem)
        return rules
