"""Walking a workspace folder for `list_files` and `search_text`, within the call's time.

Files come in sorted order (a folder's files, then its subfolders). Left out: denied and
ignored paths (under their own name and their target's), links that leave the workspace,
and anything that is not a regular file or a folder. Folder links are never followed, so
a link loop is never walked. A folder with more than `max_dir_entries` entries is read
that far only. The deadline is checked before every entry: `TimedOut` stops the walk
wherever it is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from kimi_lsp.agent.clock import Deadline
from kimi_lsp.agent.limits import ToolLimits
from kimi_lsp.agent.sandbox import Sandbox, Target


def walk(
    sandbox: Sandbox,
    root: Target,
    limits: ToolLimits,
    deadline: Deadline,
    notes: list[str] | None = None,
) -> Iterator[Target]:
    """Files under `root` (a folder already resolved and checked); `notes` collects what
    was skipped for size."""
    folder_path = root.folder.path
    stack = [root]
    while stack:
        folder = stack.pop()
        deadline.check()
        entries = _entries(folder.path, limits.max_dir_entries, deadline)
        if len(entries) > limits.max_dir_entries and notes is not None:
            shown = sandbox.display(folder)
            notes.append(
                f"[{shown} has more than {limits.max_dir_entries:,} entries; "
                "only the first were looked at]"
            )
        subfolders: list[Target] = []
        for entry in sorted(entries[: limits.max_dir_entries], key=lambda e: e.name):
            deadline.check()
            rel = f"{folder.rel}/{entry.name}" if folder.rel else entry.name
            link = entry.is_symlink()
            if link:
                real = Path(os.path.realpath(entry.path))
                if not real.is_relative_to(folder_path) or real == folder_path:
                    continue  # a link out of the workspace (or back to its top)
                real_rel = real.relative_to(folder_path).as_posix()
                is_dir, is_file = real.is_dir(), real.is_file()
            else:
                real, real_rel = Path(entry.path), rel
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_file = entry.is_file(follow_symlinks=False)
                except OSError:
                    continue
            if not (is_dir or is_file):
                continue  # a FIFO, socket or device, or a broken or looping link
            if real in sandbox.denied_paths:
                continue
            if sandbox.hidden_entry(root.folder, rel, is_dir, deadline) or (
                real_rel != rel and sandbox.hidden(root.folder, real_rel, is_dir, deadline)
            ):
                continue  # denied or ignored, under its own name or its target's
            target = Target(root.folder, rel, real)
            if not is_dir:
                yield target
            elif not link:
                subfolders.append(target)
        stack.extend(reversed(subfolders))


def _entries(path: Path, cap: int, deadline: Deadline) -> list[os.DirEntry[str]]:
    """Up to `cap + 1` entries of a folder (one more tells that there were more)."""
    out: list[os.DirEntry[str]] = []
    try:
        with os.scandir(path) as scan:
            for entry in scan:
                out.append(entry)
                if len(out) > cap:
                    break
                if len(out) % 1024 == 0:
                    deadline.check()
    except OSError:
        return out
    return out
