"""An incremental Server-Sent Events decoder.

Feed it bytes exactly as they come off the socket (any chunk boundaries, including ones
that split a UTF-8 character or a CRLF pair) and it yields complete events. Follows the
WHATWG event-stream rules: `data` lines are joined with newlines, comment lines start with
`:`, a blank line dispatches, and an event still open when the stream ends is discarded.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class SseEvent:
    """One dispatched event."""

    data: str
    event: str = "message"
    id: str | None = None


class SseDecoder:
    """Turns a byte stream into `SseEvent`s."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._pending_cr = False
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None

    def feed(self, chunk: bytes) -> Iterator[SseEvent]:
        """Decode `chunk` and yield every event it completes."""
        text = self._text.decode(chunk)
        if self._pending_cr and text.startswith("\n"):
            text = text[1:]
        self._pending_cr = False
        self._buffer += text
        yield from self._drain_lines()

    def close(self) -> Iterator[SseEvent]:
        """End of stream: a final line without a newline is processed, an open event dropped."""
        self._buffer += self._text.decode(b"", final=True)
        if self._buffer:
            self._buffer += "\n"
            yield from self._drain_lines()
        self._data, self._event = [], ""

    def _drain_lines(self) -> Iterator[SseEvent]:
        while True:
            cut = _line_end(self._buffer)
            if cut is None:
                return
            end, width = cut
            line = self._buffer[:end]
            if width == 1 and self._buffer[end] == "\r" and end + 1 == len(self._buffer):
                self._pending_cr = True  # a CR at the chunk's end may be half of CRLF
            self._buffer = self._buffer[end + width :]
            event = self._process(line)
            if event is not None:
                yield event

    def _process(self, line: str) -> SseEvent | None:
        if line == "":
            data = "\n".join(self._data)
            event = SseEvent(data, self._event or "message", self._id) if data else None
            self._data, self._event = [], ""
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        return None


def _line_end(buffer: str) -> tuple[int, int] | None:
    """Index and width of the first line terminator (CRLF, LF or CR), if any."""
    lf = buffer.find("\n")
    cr = buffer.find("\r")
    if cr == -1 and lf == -1:
        return None
    if cr == -1 or (lf != -1 and lf < cr):
        return lf, 1
    if cr + 1 < len(buffer) and buffer[cr + 1] == "\n":
        return cr, 2
    return cr, 1
