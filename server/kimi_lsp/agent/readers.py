"""The three read-only tools, as plain functions over a `Sandbox`.

Every result is bounded (characters per read, files per listing, matches and seconds per
search) and says when it was cut short.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec
import regex

from kimi_lsp.agent.sandbox import Refused, Sandbox, Target


@dataclass(frozen=True)
class ToolLimits:
    """Bounds on what one tool call may return or cost."""

    max_read_chars: int = 20_000
    max_file_bytes: int = 1_000_000
    max_files: int = 500
    max_matches: int = 100
    max_line_chars: int = 300
    search_seconds: float = 2.0


def read_text(sandbox: Sandbox, target: Target, limits: ToolLimits) -> str:
    """The text of a file: the editor's buffer when open, else the disk (UTF-8 text only)."""
    buffer = sandbox.buffers.get(str(target.path))
    if buffer is not None:
        return buffer
    if not target.path.is_file():
        raise Refused(f"'{sandbox.display(target)}' is not a file")
    size = target.path.stat().st_size
    if size > limits.max_file_bytes:
        raise Refused(
            f"'{sandbox.display(target)}' is too large to read ({size:,} bytes; "
            f"the limit is {limits.max_file_bytes:,})"
        )
    data = target.path.read_bytes()
    if b"\0" in data[:8192]:
        raise Refused(f"'{sandbox.display(target)}' is a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"'{sandbox.display(target)}' is not UTF-8 text") from None


def read_file(
    sandbox: Sandbox, path: str, start: int | None, end: int | None, limits: ToolLimits
) -> str:
    """`read_file`: whole file or 1-based inclusive lines, capped at `max_read_chars`."""
    target = sandbox.resolve_one(path)
    if sandbox.ignored(target):
        raise Refused(f"'{path}' is ignored by .gitignore")
    lines = read_text(sandbox, target, limits).splitlines(keepends=True)
    total = len(lines)
    first = max(1, start or 1)
    last = min(total, end if end is not None else total)
    if total and first > total:
        raise Refused(f"'{path}' has only {total} lines")
    out: list[str] = []
    size, shown = 0, first - 1
    for line in lines[first - 1 : last]:
        if size + len(line) > limits.max_read_chars and out:
            break
        out.append(line[: limits.max_read_chars])
        size += len(line)
        shown += 1
    text = "".join(out)
    if shown < last:
        text += (
            f"\n[cut at line {shown} of {total}: call read_file with start_line={shown + 1} "
            "to read on]"
        )
    elif first > 1 or last < total:
        text += f"\n[lines {first}-{last} of {total}]"
    return text


def walk(sandbox: Sandbox, root: Target) -> Iterator[Target]:
    """Files under `root` in sorted order (a folder's files, then its subfolders), skipping
    denied, ignored and escaping entries; directory links are never followed."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder.path), key=lambda e: e.name)
        except OSError:
            continue
        subfolders: list[Target] = []
        for entry in entries:
            rel = f"{folder.rel}/{entry.name}" if folder.rel else entry.name
            real = Path(os.path.realpath(entry.path))
            if not real.is_relative_to(root.folder.path) or real == root.folder.path:
                continue  # a symlink out of the workspace (or back to its top)
            real_rel = real.relative_to(root.folder.path).as_posix()
            is_dir = real.is_dir()
            if sandbox.hidden(root.folder, rel, is_dir) or (
                real_rel != rel and sandbox.hidden(root.folder, real_rel, is_dir)
            ):
                continue  # denied or ignored, under its own name or its target's
            target = Target(root.folder, rel, real)
            if not is_dir:
                yield target
            elif not entry.is_symlink():
                subfolders.append(target)
        stack.extend(reversed(subfolders))


def list_files(sandbox: Sandbox, path: str | None, pattern: str | None, limits: ToolLimits) -> str:
    """`list_files`: workspace paths under `path`, optionally filtered by a glob."""
    spec = pathspec.GitIgnoreSpec.from_lines([pattern]) if pattern else None
    found: list[str] = []
    for root in sandbox.resolve(path):
        if not root.path.is_dir():
            raise Refused(f"'{path}' is not a directory")
        for target in walk(sandbox, root):
            if spec is not None and not spec.match_file(target.rel):
                continue
            if len(found) == limits.max_files:
                found.append(f"[cut at {limits.max_files} files: narrow the path or pattern]")
                return "\n".join(found)
            found.append(sandbox.display(target))
    return "\n".join(found) if found else "(no files)"


def search_text(
    sandbox: Sandbox, query: str, path: str | None, is_regex: bool, limits: ToolLimits
) -> str:
    """`search_text`: matching lines as `path:line: text`; smart case for plain text."""
    if not query:
        raise Refused("the query is empty")
    flags = 0 if (is_regex or query != query.lower()) else regex.IGNORECASE
    try:
        pattern = regex.compile(query if is_regex else regex.escape(query), flags)
    except regex.error as exc:
        raise Refused(f"invalid regular expression: {exc}") from None
    deadline = time.monotonic() + limits.search_seconds
    stopped = f"[search stopped after {limits.search_seconds:g}s: narrow the path or query]"
    matches: list[str] = []
    for target in _search_files(sandbox, path):
        try:
            text = read_text(sandbox, target, limits)
        except (Refused, OSError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                hit = pattern.search(line, timeout=remaining)
            except TimeoutError:
                return "\n".join([*matches, stopped])
            if hit:
                shown = line[: limits.max_line_chars]
                matches.append(f"{sandbox.display(target)}:{number}: {shown}")
                if len(matches) == limits.max_matches:
                    matches.append(f"[cut at {limits.max_matches} matches: narrow the query]")
                    return "\n".join(matches)
    return "\n".join(matches) if matches else "(no matches)"


def _search_files(sandbox: Sandbox, path: str | None) -> Iterator[Target]:
    """The files to search, each real file once (a symlink inside is not searched twice)."""
    seen: set[Path] = set()
    for root in sandbox.resolve(path):
        if root.path.is_file():
            if sandbox.ignored(root):
                raise Refused(f"'{path}' is ignored by .gitignore")
            yield root
            continue
        for target in walk(sandbox, root):
            if target.path not in seen:
                seen.add(target.path)
                rel = target.path.relative_to(target.folder.path).as_posix()
                yield Target(target.folder, rel, target.path)
