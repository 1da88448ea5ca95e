"""Opening a workspace file without being stopped by it.

A FIFO or a device blocks `open()` or `read()` for ever; a file can be swapped for one
between a check and the open, or grow while it is read. So: only regular files, checked
before the open (nothing else is opened at all) and again on the open descriptor; opened
non-blocking and without following a last-component link; read up to a byte limit, never
to the end of whatever is there.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 20


class NotAFile(OSError):
    """The path is not a regular file (a folder, a FIFO, a device, a socket, a link)."""


class TooLarge(OSError):
    """The file holds more than the limit; `size` is what was found (at least)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, at most `limit` of them. Raises NotAFile, TooLarge or OSError."""
    data, complete = _read(path, limit, cut=False)
    if not complete:
        raise TooLarge(len(data))  # it grew while it was read
    return data


def read_head(path: Path, limit: int) -> tuple[bytes, bool]:
    """The first `limit` bytes of the file, and whether that is all of it."""
    data, complete = _read(path, limit, cut=True)
    return data[:limit], complete


def _read(path: Path, limit: int, *, cut: bool) -> tuple[bytes, bool]:
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise NotAFile(str(path))
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(str(path))
        if info.st_size > limit and not cut:
            raise TooLarge(info.st_size)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks), total <= limit
    finally:
        os.close(fd)
