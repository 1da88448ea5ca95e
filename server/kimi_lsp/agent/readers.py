"""The three read-only tools, as plain functions over a `Sandbox`.

Every result is bounded (characters per read, files per listing, matches per search, and
`search_seconds` for any call, checked before every file, folder entry and line) and says
when it was cut short. Lines are broken where LSP breaks them (`\\n`, `\\r\\n`, `\\r`), so
line numbers agree with the editor's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import regex

from kimi_lsp.agent import globs
from kimi_lsp.agent.clock import Deadline, TimedOut
from kimi_lsp.agent.contents import read_text
from kimi_lsp.agent.limits import ToolLimits
from kimi_lsp.agent.regex_guard import RegexRefused, compile_query
from kimi_lsp.agent.sandbox import Refused, Sandbox, Target
from kimi_lsp.agent.walk import walk

__all__ = ["ToolLimits", "list_files", "read_file", "read_text", "search_text"]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_EOL = re.compile(r"\r\n|\r|\n")


def read_file(
    sandbox: Sandbox, path: str, start: int | None, end: int | None, limits: ToolLimits
) -> str:
    """`read_file`: whole file or 1-based inclusive lines, capped at `max_read_chars`."""
    deadline = Deadline.after(limits.search_seconds)
    target = sandbox.resolve_one(path)
    if sandbox.ignored(target, False, deadline):
        raise Refused(f"'{path}' is ignored by .gitignore")
    lines = _LINE.findall(read_text(sandbox, target, limits))
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


def list_files(sandbox: Sandbox, path: str | None, pattern: str | None, limits: ToolLimits) -> str:
    """`list_files`: workspace paths under `path`, optionally filtered by a glob (a leading
    `!` lists the files that do not match)."""
    deadline = Deadline.after(limits.search_seconds)
    glob = _glob(pattern) if pattern else None
    found: list[str] = []
    notes: list[str] = []
    try:
        for root in _roots(sandbox, path, deadline, folders_only=True):
            for target in walk(sandbox, root, limits, deadline, notes):
                shown = sandbox.display(target)
                if glob is not None:
                    wanted = glob.matches(globs.split(target.rel)) or (
                        sandbox.multi_root and glob.matches(globs.split(shown))
                    )
                    if wanted == glob.negated:
                        continue
                if len(found) == limits.max_files:
                    found.append(f"[cut at {limits.max_files} files: narrow the path or pattern]")
                    return "\n".join(found + notes)
                found.append(shown)
    except TimedOut:
        stopped = f"[listing stopped after {limits.search_seconds:g}s: narrow the path or pattern]"
        return "\n".join([*found, *notes, stopped])
    return "\n".join(found + notes) if found else "\n".join(["(no files)", *notes])


def _glob(pattern: str) -> globs.Glob:
    text = "\\" + pattern if pattern.startswith("#") else pattern
    try:
        glob = globs.parse(text)
    except globs.PatternError as exc:
        raise Refused(f"the pattern cannot be used: {exc}") from None
    if glob is None:
        raise Refused("the pattern is empty; leave it out to list every file")
    return glob


def search_text(
    sandbox: Sandbox, query: str, path: str | None, is_regex: bool, limits: ToolLimits
) -> str:
    """`search_text`: matching lines as `path:line: text`; smart case for plain text."""
    deadline = Deadline.after(limits.search_seconds)
    if not query:
        raise Refused("the query is empty")
    flags = 0 if (is_regex or query != query.lower()) else regex.IGNORECASE
    try:
        pattern = compile_query(query, is_regex=is_regex, flags=flags)
    except RegexRefused as exc:
        raise Refused(str(exc)) from None
    stopped = f"[search stopped after {limits.search_seconds:g}s: narrow the path or query]"
    matches: list[str] = []
    notes: list[str] = []
    try:
        for target in _search_files(sandbox, path, limits, deadline, notes):
            try:
                text = read_text(sandbox, target, limits)
            except (Refused, OSError):
                continue
            left = max(deadline.left(), 0)
            if not is_regex and not pattern.search(text, timeout=left, concurrent=True):
                continue  # plain text: one look at the whole file decides
            for number, line in enumerate(_EOL.split(text), start=1):
                left = deadline.left()
                if left <= 0:
                    raise TimedOut
                if pattern.search(line, timeout=left, concurrent=True):
                    shown = line[: limits.max_line_chars]
                    matches.append(f"{sandbox.display(target)}:{number}: {shown}")
                    if len(matches) == limits.max_matches:
                        matches.append(f"[cut at {limits.max_matches} matches: narrow the query]")
                        return "\n".join(matches + notes)
    except (TimedOut, TimeoutError):
        return "\n".join([*matches, *notes, stopped])
    return "\n".join(matches + notes) if matches else "\n".join(["(no matches)", *notes])


def _roots(
    sandbox: Sandbox, path: str | None, deadline: Deadline, *, folders_only: bool
) -> list[Target]:
    """The targets a listing or search starts from, refused when ignored."""
    roots = sandbox.resolve(path)
    for root in roots:
        if folders_only and not root.path.is_dir():
            raise Refused(f"'{path}' is not a directory")
        if root.rel and sandbox.ignored(root, root.path.is_dir(), deadline):
            raise Refused(f"'{path}' is ignored by .gitignore")
    return roots


def _search_files(
    sandbox: Sandbox, path: str | None, limits: ToolLimits, deadline: Deadline, notes: list[str]
) -> Iterator[Target]:
    """The files to search, each real file once (a symlink inside is not searched twice)."""
    seen: set[Path] = set()
    for root in _roots(sandbox, path, deadline, folders_only=False):
        if not root.path.is_dir():
            yield root
            continue
        for target in walk(sandbox, root, limits, deadline, notes):
            if target.path not in seen:
                seen.add(target.path)
                rel = target.path.relative_to(target.folder.path).as_posix()
                yield Target(target.folder, rel, target.path)
