"""The sandbox the model's tools see, built from the editor's workspace folders and open
documents (their unsaved text wins over the disk).

The folders are the client's workspace folders as they are now: a folder removed with
`workspace/didChangeWorkspaceFolders` is no longer readable. `rootUri` is used only for a
client that never declared workspace folders (one without the `workspaceFolders`
capability whose folders were never seen); a client that removed its last folder gets no
tools. The configured API keys are masked in every result, and kimi-lsp's own settings
file is refused wherever it is.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from pathlib import Path

from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import Workspace

from kimi_lsp.agent.limits import ToolLimits
from kimi_lsp.agent.loop import Toolbox
from kimi_lsp.agent.rules import DenyList
from kimi_lsp.agent.sandbox import Sandbox, folders_from
from kimi_lsp.config.settings import ToolSettings
from kimi_lsp.config.sources import config_file_path
from kimi_lsp.logs import SECRETS

_SEEN_FOLDERS: weakref.WeakKeyDictionary[Workspace, bool] = weakref.WeakKeyDictionary()
"""Workspaces whose client was seen with workspace folders at least once."""


def make_toolbox(
    ls: LanguageServer,
    settings: ToolSettings,
    *,
    folders_declared: bool | None = None,
    env: Mapping[str, str] | None = None,
) -> Toolbox | None:
    """The toolbox for one request, or None when tools are off or there is no workspace.

    `folders_declared`: whether the client ever declared workspace folders (in
    `initialize` or by a change); when not given, it is inferred.
    """
    if not settings.enabled:
        return None
    workspace = ls.workspace
    pairs: list[tuple[str, str]] = []
    for folder in workspace.folders.values():
        if path := to_fs_path(folder.uri):
            pairs.append((folder.name, path))
    if pairs:
        _SEEN_FOLDERS[workspace] = True
    elif workspace.root_path and not _declared(ls, folders_declared):
        pairs.append(("", workspace.root_path))
    folders = folders_from(pairs)
    if not folders:
        return None
    buffers: dict[str, str] = {}
    for uri, document in workspace.text_documents.items():
        if (path := to_fs_path(uri)) is not None:
            buffers[os.path.realpath(path)] = document.source
    limits = ToolLimits(
        max_read_chars=settings.max_read_chars,
        max_file_bytes=settings.max_file_bytes,
        max_files=settings.max_files,
        max_matches=settings.max_matches,
        search_seconds=settings.search_timeout_seconds,
    )
    config_file = Path(os.path.realpath(config_file_path(os.environ if env is None else env)))
    sandbox = Sandbox(
        folders,
        DenyList(settings.deny),
        buffers,
        secrets=tuple(SECRETS.secrets),
        denied_paths=frozenset({config_file}),
    )
    return Toolbox(sandbox, limits, settings.max_rounds, settings.max_output_chars)


def _declared(ls: LanguageServer, given: bool | None) -> bool:
    if given is not None:
        return given
    if _SEEN_FOLDERS.get(ls.workspace, False):
        return True
    caps = ls.client_capabilities.workspace if ls.client_capabilities else None
    return bool(caps and caps.workspace_folders)
