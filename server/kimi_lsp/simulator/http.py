"""A minimal HTTP/1.1 server layer on asyncio streams.

It parses request lines, headers and bodies (``Content-Length`` or chunked), writes plain
and chunked responses, supports keep-alive and ``Connection: close``, and can watch a
connection for the client going away while a response is being streamed.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

MAX_LINE = 64 * 1024
MAX_HEADERS = 100
MAX_BODY = 32 * 1024 * 1024


class HttpError(Exception):
    """A malformed request; the connection answers ``status`` and is closed."""

    def __init__(self, status: int, message: str) -> None:
        """Record the status to answer and a short description."""
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class HttpRequest:
    """One parsed HTTP request; header names are lower-case."""

    method: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def path(self) -> str:
        """The request target without its query string."""
        return self.target.split("?", 1)[0]

    @property
    def keep_alive(self) -> bool:
        """Whether the client allows the connection to be reused after this request."""
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens


@dataclass
class Connection:
    """A client connection: a stream pair plus bytes read ahead while watching for EOF."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    pending: bytearray = field(default_factory=bytearray)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    eof: bool = False

    async def _fill(self) -> bool:
        """Read more bytes into ``pending``; return False at end of stream."""
        if self.eof:
            return False
        data = await self.reader.read(65536)
        if not data:
            self.client_gone()
            return False
        self.pending.extend(data)
        return True

    async def read_line(self) -> bytes | None:
        """Return one CRLF- or LF-terminated line without its terminator, None at EOF."""
        while True:
            index = self.pending.find(b"\n")
            if index >= 0:
                line = bytes(self.pending[:index])
                del self.pending[: index + 1]
                return line.rstrip(b"\r")
            if len(self.pending) > MAX_LINE:
                raise HttpError(400, "line too long")
            if not await self._fill():
                if self.pending:
                    raise HttpError(400, "incomplete line")
                return None

    async def read_exactly(self, size: int) -> bytes:
        """Return exactly ``size`` bytes or raise :class:`HttpError` on early EOF."""
        while len(self.pending) < size:
            if not await self._fill():
                raise HttpError(400, "incomplete body")
        data = bytes(self.pending[:size])
        del self.pending[:size]
        return data

    async def watch_eof(self) -> None:
        """Read ahead until the client closes its side; sets ``closed`` then returns.

        Bytes read ahead (a pipelined next request) are kept in ``pending``. The task
        running this is cancelled once the response is finished.
        """
        try:
            while await self._fill():
                if len(self.pending) > MAX_BODY:
                    break
        except ConnectionError:
            self.client_gone()

    def client_gone(self) -> None:
        """Note that the client closed or reset the connection."""
        self.eof = True
        self.closed.set()

    def abort_close(self) -> None:
        """Close the socket now, without any further HTTP framing."""
        self.writer.close()
        self.closed.set()


async def read_request(conn: Connection) -> HttpRequest | None:
    """Read one request from ``conn``; None if the client closed before sending one."""
    line = await conn.read_line()
    while line == b"":  # tolerate stray CRLF between requests (RFC 9112, 2.2)
        line = await conn.read_line()
    if line is None:
        return None
    parts = line.decode("latin-1").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpError(400, "malformed request line")
    method, target, version = parts
    headers: dict[str, str] = {}
    while True:
        raw = await conn.read_line()
        if raw is None:
            raise HttpError(400, "incomplete headers")
        if raw == b"":
            break
        if len(headers) >= MAX_HEADERS:
            raise HttpError(400, "too many headers")
        name, sep, value = raw.decode("latin-1").partition(":")
        if not sep or not name or name != name.strip():
            raise HttpError(400, "malformed header line")
        key = name.lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    request = HttpRequest(method, target, version, headers)
    if headers.get("expect", "").lower() == "100-continue":
        conn.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await conn.writer.drain()
    request.body = await _read_body(conn, headers)
    return request


async def _read_body(conn: Connection, headers: dict[str, str]) -> bytes:
    """Read a request body framed by ``Transfer-Encoding: chunked`` or ``Content-Length``."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = bytearray()
        while True:
            size_line = await conn.read_line()
            if size_line is None:
                raise HttpError(400, "incomplete chunked body")
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError as exc:
                raise HttpError(400, "malformed chunk size") from exc
            if size == 0:
                while await conn.read_line():  # skip trailers up to the blank line
                    pass
                return bytes(body)
            if len(body) + size > MAX_BODY:
                raise HttpError(413, "body too large")
            body.extend(await conn.read_exactly(size))
            await conn.read_exactly(2)
    length = headers.get("content-length", "0")
    if not length.isdigit():
        raise HttpError(400, "malformed Content-Length")
    if int(length) > MAX_BODY:
        raise HttpError(413, "body too large")
    return await conn.read_exactly(int(length))


def encode_head(status: int, headers: dict[str, str]) -> bytes:
    """Encode a status line and headers, ending with the blank line."""
    known = status in HTTPStatus._value2member_map_
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase if known else 'Unknown'}"]
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _connection(keep_alive: bool) -> dict[str, str]:
    """The ``Connection`` header."""
    return {"Connection": "keep-alive" if keep_alive else "close"}


async def send_json(
    conn: Connection,
    status: int,
    payload: Any,
    headers: dict[str, str] | None = None,
    keep_alive: bool = True,
) -> None:
    """Write ``payload`` (JSON text as bytes, or a value to encode) as a JSON response."""
    text = None if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False)
    body = payload if text is None else text.encode("utf-8")
    head = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    conn.writer.write(encode_head(status, {**head, **_connection(keep_alive), **(headers or {})}))
    conn.writer.write(body)
    await conn.writer.drain()


class ChunkedWriter:
    """Writes a ``Transfer-Encoding: chunked`` response body."""

    def __init__(self, conn: Connection) -> None:
        """Wrap ``conn``; call :meth:`start` first."""
        self.conn = conn

    async def start(self, status: int, headers: dict[str, str], keep_alive: bool) -> None:
        """Send the status line and headers of a chunked response."""
        chunked = {"Transfer-Encoding": "chunked", **_connection(keep_alive), **headers}
        self.conn.writer.write(encode_head(status, chunked))
        await self.conn.writer.drain()

    async def send(self, data: bytes) -> None:
        """Send one chunk (empty data is skipped: it would end the body)."""
        if data:
            self.conn.writer.write(b"%x\r\n%s\r\n" % (len(data), data))
            await self.conn.writer.drain()

    async def finish(self) -> None:
        """Send the terminating zero-length chunk."""
        self.conn.writer.write(b"0\r\n\r\n")
        await self.conn.writer.drain()
