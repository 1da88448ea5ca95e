"""From the model's reply to code lines: LSP line breaks, CommonMark code fences.

The model is asked for one fenced code block. `CodeReader` reads the reply as it streams,
in work proportional to each piece: it splits lines only at LSP line breaks (`\\n`,
`\\r\\n`, `\\r`; never at U+2028 or a form feed), finds the first fenced block and hands
out its complete lines. The block ends only at a closing fence by CommonMark's rules
(indented at most 3 spaces, the same character, at least as long as the opening, nothing
after it but spaces), so a fence inside the code (an indented ```` ``` ```` in a
docstring, a shorter one) is code. A reply whose block never closes is not whole.

A reply with no fence at all is taken whole as the code (models sometimes drop the fence
when asked for code only); prose before a fence is never code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_BREAKS = ("\r\n", "\n", "\r")


def split_lines(text: str) -> list[str]:
    """`text` cut after each LSP line break (`\\n`, `\\r\\n`, `\\r`), breaks kept."""
    splitter = LineSplitter()
    lines = splitter.feed(text)
    rest = splitter.rest()
    return [*lines, rest] if rest else lines


def body_of(line: str) -> str:
    """The line without its line break."""
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line


class LineSplitter:
    """Cuts a stream of text into complete lines; a `\\r` at the end of a piece waits for
    the next piece, which may start with its `\\n`. Pieces of a long line are joined once,
    when the line completes."""

    def __init__(self) -> None:
        self._pieces: list[str] = []

    def feed(self, text: str) -> list[str]:
        """The lines completed by `text`, each with its line break."""
        if not text:
            return []
        lines: list[str] = []
        start = 0
        if self._pieces and self._pieces[-1].endswith("\r"):
            if text.startswith("\n"):
                self._pieces.append("\n")
                start = 1
            lines.append("".join(self._pieces))
            self._pieces = []
        end = len(text)
        while start < end:
            cr = text.find("\r", start)
            lf = text.find("\n", start)
            if cr < 0 and lf < 0:
                self._pieces.append(text[start:])
                break
            if cr < 0 or (0 <= lf < cr):
                stop = lf + 1
            elif cr == end - 1:  # wait: the next piece may bring the \n
                self._pieces.append(text[start:])
                break
            else:
                stop = cr + 2 if text[cr + 1] == "\n" else cr + 1
            self._pieces.append(text[start:stop])
            lines.append("".join(self._pieces))
            self._pieces = []
            start = stop
        return lines

    def rest(self) -> str:
        """What came after the last line break."""
        return "".join(self._pieces)


def _indentation(line: str) -> int:
    """Columns of leading spaces and tabs (a tab advances to the next multiple of 4)."""
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


@dataclass(frozen=True)
class Fence:
    """An opening code fence: its character, length and indentation."""

    char: str
    length: int
    indent: int

    @classmethod
    def opening(cls, line: str) -> Fence | None:
        """The fence that `line` (without its break) opens, if it opens one."""
        stripped = line.lstrip(" \t")
        indent = _indentation(line)
        if indent > 3 or len(stripped) < 3 or stripped[0] not in "`~":
            return None
        char = stripped[0]
        length = len(stripped) - len(stripped.lstrip(char))
        if length < 3:
            return None
        if char == "`" and "`" in stripped[length:]:
            return None  # a backtick fence's info string has no backticks
        return cls(char, length, indent)

    def closes(self, line: str) -> bool:
        """Whether `line` (without its break) is this fence's closing fence."""
        if _indentation(line) > 3:
            return False
        stripped = line.lstrip(" \t").rstrip(" \t")
        return len(stripped) >= self.length and stripped == self.char * len(stripped)

    def content(self, line: str) -> str:
        """A content line with up to the fence's indentation removed."""
        remove = 0
        while remove < self.indent and remove < len(line) and line[remove] == " ":
            remove += 1
        return line[remove:]


class NotWhole(Exception):
    """The reply ended before its code was complete."""


@dataclass
class CodeReader:
    """Reads one reply as it streams; `feed` returns the new complete lines of its code
    block, `finish` the whole code."""

    _splitter: LineSplitter = field(default_factory=LineSplitter)
    _fence: Fence | None = None
    _closed: bool = False
    _code: list[str] = field(default_factory=list)
    _prose: list[str] = field(default_factory=list)
    """The reply's lines while no fence has opened (the code if none ever does)."""

    @property
    def fenced(self) -> bool:
        """Whether a code block has opened."""
        return self._fence is not None

    def feed(self, text: str) -> list[str]:
        """The code lines completed by `text` (with their line breaks)."""
        new: list[str] = []
        for line in self._splitter.feed(text):
            self._take(line, new)
        return new

    def _take(self, line: str, new: list[str]) -> None:
        if self._closed:
            return
        body = body_of(line)
        if self._fence is None:
            fence = Fence.opening(body)
            if fence is None:
                self._prose.append(line)
            else:
                self._fence = fence
            return
        if self._fence.closes(body):
            self._closed = True
            return
        code = self._fence.content(line)
        self._code.append(code)
        new.append(code)

    def finish(self) -> str:
        """The whole code; `NotWhole` when a code block opened and never closed."""
        rest = self._splitter.rest()
        if rest:
            self._take(rest, [])
        if self._fence is None:
            reply = "".join(self._prose)
            if not reply.strip():
                raise NotWhole("the reply has no code")
            return reply.strip("\r\n") + "\n"
        if not self._closed:
            raise NotWhole("the reply's code block was never closed")
        return "".join(self._code)


def unwrap(reply: str) -> str:
    """The code of a whole reply (`NotWhole` when its code block never closes)."""
    reader = CodeReader()
    reader.feed(reply)
    return reader.finish()


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def eol_of(text: str) -> str:
    """The document's line break: the most common of `\\r\\n`, `\\n` and `\\r`."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    best = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"), key=lambda pair: pair[0])
    return best[1] if best[0] else "\n"


def native(text: str, eol: str) -> str:
    """`text` with every line break written as the document's `eol`."""
    if eol == "\n" and "\r" not in text:
        return text
    return "".join(
        body_of(line) + eol if body_of(line) != line else line for line in split_lines(text)
    )


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
        line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
        mid_line = start > line_start
        selection = text[start:end]
        if mid_line:
            ends = [i for i in (text.find("\n", start), text.find("\r", start)) if i >= 0]
            base = _indent(text[line_start : min(ends, default=len(text))])
        else:
            lines = [body_of(line) for line in split_lines(selection)]
            base = min((_indent(line) for line in lines if line.strip()), key=len, default="")
        return cls(base, mid_line, selection.endswith(_BREAKS))

    def fit(self, code: str, final: bool) -> str:
        """Re-indent `code` to the selection; fix its trailing line break when final."""
        lines = split_lines(code)
        head: list[str] = []
        if self.mid_line and lines:
            head, lines = [lines[0].lstrip(" \t")], lines[1:]
        indents = [len(_indent(line)) for line in lines if body_of(line).strip()]
        shifter = _Shifter(self.base, min(indents, default=len(self.base)))
        fitted = "".join(head + [shifter.line(line) for line in lines])
        if final:
            fitted = fitted.rstrip("\r\n")
            if self.ends_with_newline and fitted:
                fitted += "\n"
        return fitted

    def streaming(self) -> LineFitter:
        """A fitter for lines that arrive one at a time."""
        return LineFitter(self)


@dataclass
class _Shifter:
    base: str
    common: int

    def line(self, line: str) -> str:
        if not body_of(line).strip():
            return line.lstrip(" \t")
        if self.common >= len(self.base):
            return line
        indent = min(self.common, len(_indent(line)))
        return self.base + line[indent:]


@dataclass
class LineFitter:
    """Fits streamed lines one by one. The shift is decided by the first non-blank line
    (later lines cannot move earlier ones); the final text is fitted whole again."""

    fitting: Fitting
    _first: bool = True
    _shifter: _Shifter | None = None

    def line(self, line: str) -> str:
        """One complete line, fitted."""
        if self._first:
            self._first = False
            if self.fitting.mid_line:
                return line.lstrip(" \t")
        if self._shifter is None:
            if not body_of(line).strip():
                return line.lstrip(" \t")
            self._shifter = _Shifter(self.fitting.base, len(_indent(line)))
        return self._shifter.line(line)
