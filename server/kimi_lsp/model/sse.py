"""An incremental Server-Sent Events decoder.

Feed it bytes exactly as they come off the socket (any chunk boundaries, including ones
that split a UTF-8 character or a CRLF pair) and it yields complete events. Follows the
WHATWG event-stream rules: a leading byte-order mark is skipped, `data` lines are joined
with newlines, comment lines start with `:`, a blank line dispatches, and an event still
open when the stream ends is discarded.

Lines are split on bytes (CR and LF never occur inside a UTF-8 sequence) and each
complete line is decoded once, so the work is linear in the input whatever the chunking:
a 50 MB line costs one pass, not one pass per chunk. One line, and one event's data, may
hold at most `max_event_bytes`; past that `SseTooLarge` is raised before more is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_EVENT_BYTES = 8 * 1024 * 1024
"""Largest line or event accepted. A chunk holds a few tokens; a whole non-streamed answer
of 131,072 tokens is under 2 MB even with every character escaped."""

_BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(rb"\r\n|\r|\n")


class SseTooLarge(Exception):
    """One line or event is larger than the decoder accepts."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"an event stream line or event is larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class SseEvent:
    """One dispatched event."""

    data: str
    event: str = "message"
    id: str | None = None


class SseDecoder:
    """Turns a byte stream into `SseEvent`s."""

    def __init__(self, max_event_bytes: int = MAX_EVENT_BYTES) -> None:
        self.max_event_bytes = max_event_bytes
        self._line: list[bytes] = []  # the pieces of the line not yet ended
        self._line_size = 0
        self._pending_cr = False
        self._head: bytes | None = b""  # the first bytes, until the BOM question is settled
        self._data: list[str] = []
        self._data_size = 0
        self._event = ""
        self._id: str | None = None

    def reset(self) -> None:
        """Forget what was buffered (the stream is given up)."""
        self._line, self._line_size, self._data, self._data_size = [], 0, [], 0

    def feed(self, chunk: bytes) -> Iterator[SseEvent]:
        """Decode `chunk` and yield every event it completes."""
        if self._head is not None:
            self._head += chunk
            if len(self._head) < len(_BOM) and _BOM.startswith(self._head):
                return  # maybe a BOM split across chunks: wait for more
            chunk = self._head[len(_BOM) :] if self._head.startswith(_BOM) else self._head
            self._head = None
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._pending_cr = False
        start = 0
        for end in _LINE_END.finditer(chunk):
            line = self._take(chunk[start : end.start()])
            start = end.end()
            if end.group() == b"\r" and start == len(chunk):
                self._pending_cr = True  # a CR at the chunk's end may be half of CRLF
            if (event := self._process(line)) is not None:
                yield event
        if start < len(chunk):
            self._keep(chunk[start:])

    def close(self) -> Iterator[SseEvent]:
        """End of stream: an unfinished line or event is discarded (no event is yielded)."""
        self._line, self._line_size = [], 0
        self._data, self._data_size, self._event = [], 0, ""
        yield from ()

    def _keep(self, piece: bytes) -> None:
        self._line_size += len(piece)
        if self._line_size > self.max_event_bytes:
            raise SseTooLarge(self.max_event_bytes)
        self._line.append(piece)

    def _take(self, last: bytes) -> str:
        if self._line:
            self._keep(last)
            raw = b"".join(self._line)
            self._line, self._line_size = [], 0
        else:
            if len(last) > self.max_event_bytes:
                raise SseTooLarge(self.max_event_bytes)
            raw = last
        return raw.decode("utf-8", "replace")

    def _process(self, line: str) -> SseEvent | None:
        if line == "":
            data = "\n".join(self._data)
            event = SseEvent(data, self._event or "message", self._id) if data else None
            self._data, self._data_size, self._event = [], 0, ""
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data_size += len(value) + 1
            if self._data_size > self.max_event_bytes:
                raise SseTooLarge(self.max_event_bytes)
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        return None
