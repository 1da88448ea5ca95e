"""The sandbox the model's tools see, built from the editor's workspace folders and open
documents (their unsaved text wins over the disk)."""

from __future__ import annotations

import os

from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from kimi_lsp.agent.loop import Toolbox
from kimi_lsp.agent.readers import ToolLimits
from kimi_lsp.agent.rules import DenyList
from kimi_lsp.agent.sandbox import Sandbox, folders_from
from kimi_lsp.config.settings import ToolSettings


def make_toolbox(ls: LanguageServer, settings: ToolSettings) -> Toolbox | None:
    """The toolbox for one request, or None when tools are off or there is no workspace."""
    if not settings.enabled:
        return None
    pairs: list[tuple[str, str]] = []
    for folder in ls.workspace.folders.values():
        if path := to_fs_path(folder.uri):
            pairs.append((folder.name, path))
    if not pairs and ls.workspace.root_path:
        pairs.append(("", ls.workspace.root_path))
    folders = folders_from(pairs)
    if not folders:
        return None
    buffers: dict[str, str] = {}
    for uri, document in ls.workspace.text_documents.items():
        if (path := to_fs_path(uri)) is not None:
            buffers[os.path.realpath(path)] = document.source
    limits = ToolLimits(
        max_read_chars=settings.max_read_chars,
        max_file_bytes=settings.max_file_bytes,
        max_files=settings.max_files,
        max_matches=settings.max_matches,
        search_seconds=settings.search_timeout_seconds,
    )
    sandbox = Sandbox(folders, DenyList(settings.deny), buffers)
    return Toolbox(sandbox, limits, settings.max_rounds, settings.max_output_chars)
