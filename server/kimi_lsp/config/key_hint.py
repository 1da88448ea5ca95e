"""Where the user puts the API key, said the way of the editor that asked.

The server knows the editor by `clientInfo.name` (initialize). The hint is a clause, for
`No API key is set for empiriolabs: <hint>.` and `Check the key: <hint>.`:

- VS Code and its kin (VSCodium, Cursor, code-server...): the extension's command
  "Kimi: Set API Key", which keeps the key in VS Code's secret storage;
- Neovim: the environment Neovim starts from, or the config file, then `:KimiRestart`
  (the plugin keeps keys out of init.lua; editors/nvim/README.md);
- every other client (Emacs with eglot, Vim with ALE, an editor that does not say):
  the environment the editor starts the server from, or the config file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from kimi_lsp.config.sources import config_file_path

Editor = Literal["vscode", "neovim", "other"]

_VSCODE_NAMES = ("visual studio code", "vscode", "vscodium", "code - oss", "code-server", "cursor")


def editor_of(client_name: str) -> Editor:
    """The family of the client that sent `clientInfo.name`."""
    name = client_name.strip().lower()
    if any(known in name for known in _VSCODE_NAMES):
        return "vscode"
    if name.startswith(("neovim", "nvim")):
        return "neovim"
    return "other"


def shown_path(path: Path, env: Mapping[str, str]) -> str:
    """`path` as the user knows it: under their home folder as `~/...`."""
    home = env.get("HOME")
    if home:
        try:
            return "~/" + path.relative_to(Path(home).expanduser()).as_posix()
        except ValueError:
            pass
    return str(path)


def key_hint(key_env: str | None, client_name: str, env: Mapping[str, str]) -> str:
    """Where the key goes, for the editor named `client_name`. `key_env` is the provider's
    own variable when it may be used (its key is never sent to another host)."""
    names = f"{key_env} or KIMI_LSP_API_KEY" if key_env else "KIMI_LSP_API_KEY"
    config = shown_path(config_file_path(env), env)
    editor = editor_of(client_name)
    if editor == "vscode":
        return (
            'run "Kimi: Set API Key" from the Command Palette (the kimi.apiKey setting, or '
            f"{names} in the environment VS Code starts from, work too)"
        )
    if editor == "neovim":
        return (
            f"export {names} before starting Neovim, or put api_key under [kimi] in "
            f"{config} and run :KimiRestart (the kimi.apiKey setting works too)"
        )
    return (
        f"set {names} in the environment your editor starts kimi-lsp from, put api_key "
        f"under [kimi] in {config}, or set kimi.apiKey in the editor's settings for "
        "kimi-lsp; then restart the server"
    )
