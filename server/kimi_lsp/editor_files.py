"""Where the editor plugins that come with kimi-lsp are: `kimi-lsp --editor-path nvim`.

A wheel carries `editors/nvim`, `editors/emacs` and `editors/vim` as package data under
`kimi_lsp/editors/`; an editable install (or a checkout) has them in the repository's
`editors/` folder, next to `server/`.
"""

from __future__ import annotations

from pathlib import Path

EDITORS = ("nvim", "emacs", "vim")
"""The editors whose plugin files ship with the server."""

_PACKAGE = Path(__file__).resolve().parent


def editor_path(name: str, package: Path = _PACKAGE) -> Path | None:
    """The folder of `name`'s plugin files, or None when this install has none."""
    if name not in EDITORS:
        return None
    for candidate in (package / "editors" / name, package.parent.parent / "editors" / name):
        if candidate.is_dir():
            return candidate
    return None
