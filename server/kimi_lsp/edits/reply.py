"""From the model's reply to the replacement text: fences unwrapped, indentation fitted.

The model is asked for one fenced code block. While it streams, only complete lines of
that block are used; the final reply is unwrapped as a whole (one fence, with or without
prose around it, or no fence at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n`]*$")


def unwrap(reply: str) -> str:
    """The code in a reply: the content of its first fenced block, else the whole reply."""
    lines = reply.splitlines(keepends=True)
    opening = next((i for i, line in enumerate(lines) if _FENCE.match(line.rstrip("\r\n"))), None)
    if opening is None:
        return reply.strip("\n") + ("\n" if reply.strip() else "")
    marker = _FENCE.match(lines[opening].rstrip("\r\n"))
    assert marker is not None
    fence = marker.group(1)
    body: list[str] = []
    for line in lines[opening + 1 :]:
        if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
            break
        body.append(line)
    return "".join(body)


def streamed_code(partial: str) -> str | None:
    """The complete code lines of a reply still being written, or None while it is not
    (yet) a fenced block: prose is never streamed into the user's buffer."""
    lines = partial.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or not lines[0].endswith("\n"):
        return None
    marker = _FENCE.match(lines[0].rstrip("\r\n"))
    if marker is None:
        return None
    fence = marker.group(1)
    body: list[str] = []
    for line in lines[1:]:
        if not line.endswith("\n"):
            break  # incomplete line
        if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
            break
        body.append(line)
    return "".join(body)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


@dataclass(frozen=True)
class Fitting:
    """How the selection sits in its lines, to fit the replacement to it.

    Models answer either with the selection's own indentation or flush left; both are
    accepted. A reply indented less than the selection is shifted to it, keeping its
    relative indentation; one that already matches is left alone.
    """

    base: str
    """The selection's indentation: of its first line when it starts mid-line, else the
    smallest indentation of its lines."""
    mid_line: bool
    """True when text (indentation included) precedes the selection on its first line."""
    ends_with_newline: bool

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Fitting:
        """The fitting of selection [start, end) in `text`."""
        line_start = text.rfind("\n", 0, start) + 1
        mid_line = start > line_start
        selection = text[start:end]
        if mid_line:
            line_end = text.find("\n", line_start)
            base = _indent(text[line_start : line_end if line_end >= 0 else None])
        else:
            lines = [line for line in selection.splitlines() if line.strip()]
            base = min((_indent(line) for line in lines), key=len, default="")
        return cls(base, mid_line, selection.endswith("\n"))

    def fit(self, code: str, final: bool) -> str:
        """Re-indent `code` to the selection; fix its trailing newline when final."""
        lines = code.splitlines(keepends=True)
        head: list[str] = []
        if self.mid_line and lines:
            head, lines = [lines[0].lstrip(" \t")], lines[1:]
        indents = [len(_indent(line)) for line in lines if line.strip()]
        common = min(indents, default=len(self.base))
        shift = common < len(self.base)
        body = [
            (self.base + line[common:] if shift else line) if line.strip() else line.lstrip(" \t")
            for line in lines
        ]
        fitted = "".join(head + body)
        if final:
            fitted = fitted.rstrip("\n")
            if self.ends_with_newline and fitted:
                fitted += "\n"
        return fitted


def progressive(original: str, new_code: str) -> str:
    """What the region shows mid-stream: the new lines so far, then the rest of the old."""
    new_lines = new_code.splitlines(keepends=True)
    old_lines = original.splitlines(keepends=True)
    return new_code + "".join(old_lines[len(new_lines) :])
