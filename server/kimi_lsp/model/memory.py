"""Giving memory back to the operating system after an answer that was far too big.

An answer stopped for its size (an 8 MiB stream event, an endless stream) leaves its
pieces freed but their pages held by the C allocator: under repeated hostile answers the
server's resident memory grew by megabytes each time (the Python heap stayed flat). glibc's
`malloc_trim` returns those pages; elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from functools import cache

log = logging.getLogger(__name__)


@cache
def _trim() -> ctypes._NamedFuncPointer | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc.malloc_trim if libc is not None else None
    except (OSError, AttributeError):
        return None


def give_back() -> None:
    """Return freed memory to the operating system, where the C library can."""
    trim = _trim()
    if trim is not None:
        trim(0)
