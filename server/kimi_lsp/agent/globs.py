"""Gitignore-style patterns matched in bounded time, whoever wrote them.

Patterns come from the model (`list_files`), the repository (`.gitignore`) and settings
(`kimi.tools.deny`). Translated to a backtracking regex (as pathspec and fnmatch do),
`*a*a*a*a*a*a*a*a*b` takes seconds against a 40-character name, holding the GIL, so the
whole server freezes. Here nothing backtracks:

- a path is split into segments, and a pattern into segment patterns and `**`;
- inside a segment, the pieces between `*` are fixed-length (literal characters, `?`,
  `[...]`). The first must match at the start, the last at the end, and each one between
  at its leftmost place after the previous one: for fixed-length pieces separated by `*`,
  the leftmost place is never worse, so no other place is ever tried. One segment costs at
  most (segment length x pattern length) character steps, done by `str.find` or a regex
  without quantifiers (each search linear in the text for a fixed pattern);
- `**` between segment patterns is matched the same way, one level up.

Syntax (gitignore's): `*` any characters but `/`, `?` one character but `/`, `[a-z]`,
`[!a-z]`/`[^a-z]`, `[[:alpha:]]`, `\\` escapes, `**` across folders (`**/x`, `x/**`,
`a/**/b`), a trailing `/` for folders only, a leading or middle `/` anchors the pattern to
its base folder (else it matches at any depth), `!` negates, `#` starts a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_PATTERN_CHARS = 1_000
"""Longer patterns are refused (the model's) or skipped (`.gitignore`, settings)."""

_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}


class PatternError(ValueError):
    """A pattern that cannot be used; the message says why."""


@dataclass(frozen=True)
class _Piece:
    """A run of fixed-length tokens between two `*`: a literal string or a regex."""

    size: int
    text: str | None
    rx: re.Pattern[str] | None

    def at(self, s: str, pos: int) -> bool:
        if self.text is not None:
            return s.startswith(self.text, pos)
        assert self.rx is not None
        return self.rx.match(s, pos) is not None

    def find(self, s: str, pos: int, end: int) -> int:
        if self.text is not None:
            return s.find(self.text, pos, end)
        assert self.rx is not None
        found = self.rx.search(s, pos, end)
        return found.start() if found else -1


@dataclass(frozen=True)
class _Segment:
    """One segment pattern: pieces separated by `*` (`stars` is False for none)."""

    pieces: tuple[_Piece, ...]
    stars: bool

    def matches(self, s: str) -> bool:
        pieces = self.pieces
        if not self.stars:
            return len(s) == pieces[0].size and pieces[0].at(s, 0)
        first, last = pieces[0], pieces[-1]
        end = len(s) - last.size
        if end < first.size or not first.at(s, 0) or not last.at(s, end):
            return False
        pos = first.size
        for piece in pieces[1:-1]:
            found = piece.find(s, pos, end)
            if found < 0:
                return False
            pos = found + piece.size
        return True


_ANY = None
"""`**` in a segment list: any number of segments."""
_Item = _Segment | None


@dataclass(frozen=True)
class Glob:
    """One gitignore-style pattern."""

    source: str
    negated: bool
    dir_only: bool
    items: tuple[_Item, ...]
    basename: bool
    """Unanchored and one segment: only the last segment of a path is looked at."""
    fold: bool
    chunks: tuple[tuple[_Segment, ...], ...]

    def matches(self, parts: Sequence[str], is_dir: bool = False) -> bool:
        """Whether the path (its segments, already case-folded when `fold`) matches."""
        if self.dir_only and not is_dir:
            return False
        if self.basename:
            segment = self.items[-1]
            assert segment is not None
            return bool(parts) and segment.matches(parts[-1])
        return _match_chunks(self.chunks, parts)


def _chunks(items: Sequence[_Item]) -> tuple[tuple[_Segment, ...], ...]:
    """Segment patterns between `**`s: one chunk when there is no `**`."""
    chunks: list[list[_Segment]] = [[]]
    for item in items:
        if item is _ANY:
            chunks.append([])
        else:
            chunks[-1].append(item)
    return tuple(tuple(chunk) for chunk in chunks)


def _match_chunks(chunks: Sequence[Sequence[_Segment]], parts: Sequence[str]) -> bool:
    """The `*` algorithm of `_Segment.matches`, one level up: segments and `**`."""
    last = chunks[-1]
    if len(chunks) == 1:
        return len(parts) == len(last) and _chunk_at(last, parts, 0)
    first = chunks[0]
    end = len(parts) - len(last)
    if end < len(first) or not _chunk_at(last, parts, end) or not _chunk_at(first, parts, 0):
        return False
    pos = len(first)
    for chunk in chunks[1:-1]:
        while pos + len(chunk) <= end and not _chunk_at(chunk, parts, pos):
            pos += 1
        if pos + len(chunk) > end:
            return False
        pos += len(chunk)
    return True


def _chunk_at(chunk: Sequence[_Segment], parts: Sequence[str], pos: int) -> bool:
    return all(segment.matches(parts[pos + i]) for i, segment in enumerate(chunk))


def parse(line: str, *, fold: bool = False) -> Glob | None:
    """One line of a gitignore-style file: a `Glob`, or None for a blank line or comment.

    Raises PatternError for a pattern over `MAX_PATTERN_CHARS` or one that can never match
    (a trailing lone backslash).
    """
    if len(line) > MAX_PATTERN_CHARS:
        raise PatternError(
            f"the pattern is too long ({len(line):,} characters; at most {MAX_PATTERN_CHARS:,})"
        )
    text = _strip_trailing_spaces(line.rstrip("\r\n"))
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    if fold:
        text = text.casefold()
    dir_only = text.endswith("/") and not text.endswith("\\/")
    text = text.rstrip("/") if dir_only else text
    if not text:
        return None
    anchored = "/" in text
    raw_segments = [s for s in text.split("/") if s]
    if not raw_segments:
        return None
    items: list[_Item] = [] if anchored else [_ANY]
    for raw in raw_segments:
        if raw == "**":
            if items and items[-1] is _ANY:
                continue
            items.append(_ANY)
        else:
            items.append(_segment(raw))
    if items[-1] is _ANY:  # `x/**`: everything inside, not x itself
        items[-1:] = [_segment("*"), _ANY]
    basename = len(items) == 2 and items[0] is _ANY
    return Glob(line, negated, dir_only, tuple(items), basename, fold, _chunks(items))


def _strip_trailing_spaces(text: str) -> str:
    """Trailing spaces are dropped unless escaped with a backslash (git's rule)."""
    stripped = text.rstrip(" ")
    if stripped != text and stripped.endswith("\\"):
        backslashes = len(stripped) - len(stripped.rstrip("\\"))
        if backslashes % 2:
            return stripped + " "
    return stripped


def _segment(raw: str) -> _Segment:
    """Split one segment pattern at its unescaped `*`s into fixed-length pieces."""
    pieces: list[_Piece] = []
    tokens: list[str] = []  # each a regex for exactly one character
    literal: list[str] | None = []  # the same tokens as plain text, while all are literal
    stars = False
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "*":
            stars = True
            pieces.append(_piece(tokens, literal))
            tokens, literal = [], []
            while i < n and raw[i] == "*":
                i += 1
            continue
        if c == "\\":
            if i + 1 == n:
                raise PatternError("the pattern ends with a lone backslash")
            tokens.append(re.escape(raw[i + 1]))
            if literal is not None:
                literal.append(raw[i + 1])
            i += 2
            continue
        if c == "?":
            tokens.append(".")
            literal = None
            i += 1
            continue
        if c == "[":
            parsed = _char_class(raw, i)
            if parsed is not None:
                token, i = parsed
                tokens.append(token)
                literal = None
                continue
        tokens.append(re.escape(c))
        if literal is not None:
            literal.append(c)
        i += 1
    pieces.append(_piece(tokens, literal))
    return _Segment(tuple(pieces), stars)


def _piece(tokens: list[str], literal: list[str] | None) -> _Piece:
    if literal is not None:
        return _Piece(len(tokens), "".join(literal), None)
    return _Piece(len(tokens), None, re.compile("".join(tokens), re.DOTALL))


def _char_class(raw: str, start: int) -> tuple[str, int] | None:
    """`[...]` at `start` as a one-character regex, and the index after it; None when the
    bracket is not closed (then it is a literal `[`)."""
    i, n = start + 1, len(raw)
    negate = i < n and raw[i] in "!^"
    if negate:
        i += 1
    members: list[str] = []
    first = True
    while i < n and (raw[i] != "]" or first):
        first = False
        if raw.startswith("[:", i):
            close = raw.find(":]", i + 2)
            name = raw[i + 2 : close] if close > 0 else ""
            if name in _POSIX:
                members.append(_POSIX[name])
                i = close + 2
                continue
        c = raw[i]
        if c == "\\" and i + 1 < n:
            c = raw[i + 1]
            i += 1
        i += 1
        if i + 1 < n and raw[i] == "-" and raw[i + 1] != "]":
            hi = raw[i + 1]
            if hi == "\\" and i + 2 < n:
                hi = raw[i + 2]
                i += 1
            i += 2
            if c <= hi:
                members.append(f"{re.escape(c)}-{re.escape(hi)}")
            continue
        members.append(re.escape(c))
    if i >= n:
        return None
    body = "".join(members)
    if not body:
        return ("." if negate else "(?!)", i + 1)
    return (f"[^{body}]" if negate else f"[{body}]", i + 1)


def split(path: str, *, fold: bool = False) -> list[str]:
    """A workspace-relative POSIX path as segments, case-folded for folding globs."""
    return [p for p in (path.casefold() if fold else path).split("/") if p]


class GlobList:
    """Patterns in order, as in one `.gitignore`: the last one that matches decides."""

    def __init__(self, globs: Iterable[Glob] = (), problems: Iterable[str] = ()) -> None:
        self.globs = list(globs)
        self.problems = list(problems)
        """Lines that were skipped, and why."""
        self._runs: list[_Run] = []
        for glob in self.globs:
            if not self._runs or self._runs[-1].negated != glob.negated:
                self._runs.append(_Run(glob.negated))
            self._runs[-1].add(glob)

    @classmethod
    def from_lines(
        cls, lines: Iterable[str], *, fold: bool = False, max_patterns: int = 10_000
    ) -> GlobList:
        """Parse lines; unusable ones are skipped and noted in `problems`."""
        globs: list[Glob] = []
        problems: list[str] = []
        for number, line in enumerate(lines, start=1):
            if len(globs) >= max_patterns:
                problems.append(f"more than {max_patterns:,} patterns; the rest are skipped")
                break
            try:
                glob = parse(line, fold=fold)
            except PatternError as exc:
                problems.append(f"line {number}: {exc}; it is skipped")
                continue
            if glob is not None:
                globs.append(glob)
        return cls(globs, problems)

    def verdict(self, parts: Sequence[str], is_dir: bool = False) -> bool | None:
        """True (matched), False (matched by a negation last) or None (no pattern matched)."""
        for run in reversed(self._runs):
            if run.matches(parts, is_dir):
                return not run.negated
        return None


class _Run:
    """Consecutive patterns of the same sign: whether any matches is all that counts, so
    the common shapes (`name`, `*.ext`, `prefix*`, `*part*`) are looked up at once."""

    def __init__(self, negated: bool) -> None:
        self.negated = negated
        self.names: tuple[set[str], set[str]] = (set(), set())
        self.suffixes: list[tuple[str, ...]] = [(), ()]
        self.prefixes: list[tuple[str, ...]] = [(), ()]
        self.parts: list[tuple[str, ...]] = [(), ()]
        self.by_last: tuple[dict[str, list[Glob]], dict[str, list[Glob]]] = ({}, {})
        """Other patterns whose last segment is a plain name, by that name."""
        self.general: list[Glob] = []

    def add(self, glob: Glob) -> None:
        segment = glob.items[-1]
        texts = [p.text for p in segment.pieces] if glob.basename and segment else [None]
        kind = int(glob.dir_only)
        if None in texts or segment is None:
            end = glob.chunks[-1][-1] if glob.chunks[-1] else None
            if end is not None and not end.stars and end.pieces[0].text is not None:
                self.by_last[kind].setdefault(end.pieces[0].text, []).append(glob)
            else:
                self.general.append(glob)
        elif not segment.stars:
            self.names[kind].add(str(texts[0]))
        elif len(texts) == 2 and not texts[0]:
            self.suffixes[kind] += (str(texts[1]),)
        elif len(texts) == 2 and not texts[1]:
            self.prefixes[kind] += (str(texts[0]),)
        elif len(texts) == 3 and not texts[0] and not texts[2]:
            self.parts[kind] += (str(texts[1]),)
        else:
            self.general.append(glob)

    def matches(self, parts: Sequence[str], is_dir: bool) -> bool:
        if parts:
            last = parts[-1]
            for kind in (0, 1) if is_dir else (0,):
                if (
                    last in self.names[kind]
                    or last.endswith(self.suffixes[kind])
                    or last.startswith(self.prefixes[kind])
                    or any(part in last for part in self.parts[kind])
                    or any(g.matches(parts, is_dir) for g in self.by_last[kind].get(last, ()))
                ):
                    return True
        return any(glob.matches(parts, is_dir) for glob in self.general)
