"""A tool call's arguments: checked for size and depth before they are parsed, then read
field by field. Every problem is a `BadArguments` whose message the model can act on.

`json.loads` recurses once per nesting level: arguments nested 100,000 deep raise
`RecursionError`, which is not a `ValueError` and used to end the whole request as an
internal error. The nesting is counted first, in one linear pass that no input can slow.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
"""Tool arguments are flat objects; nothing real nests deeper."""

_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
"""A JSON string (an unclosed one runs to the end, so nothing is ever retried) or a
bracket. Each part of the string's pattern starts where the previous one cannot go on:
no backtracking."""


class BadArguments(Exception):
    """The arguments cannot be used; the message says why."""


def parse(text: str | None, max_chars: int) -> dict[str, Any]:
    """The arguments as a JSON object (`{}` for none)."""
    text = text or "{}"
    if len(text) > max_chars:
        raise BadArguments(
            f"the arguments are too long ({len(text):,} characters; at most {max_chars:,})"
        )
    if text.count("[") + text.count("{") > MAX_DEPTH:
        _check_depth(text)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadArguments(f"the arguments are not valid JSON ({_short(exc)})") from None
    if not isinstance(value, dict):
        raise BadArguments("the arguments must be a JSON object")
    return value


def _check_depth(text: str) -> None:
    depth = deepest = 0
    for token in _TOKENS.finditer(text):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                raise BadArguments(
                    f"the arguments are nested too deeply (more than {MAX_DEPTH} levels)"
                )
        elif mark in ("]", "}"):
            depth -= 1


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + "..."


def string(args: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    """A string argument; None when it is absent and optional."""
    value = args.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise BadArguments(f"`{key}` must be a string" + (" and is required" if required else ""))
    return value


def whole_number(args: dict[str, Any], key: str) -> int | None:
    """A whole number from 1, or None when absent."""
    value = args.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadArguments(f"`{key}` must be a whole number from 1")
    return value


def flag(args: dict[str, Any], key: str) -> bool:
    """A true/false argument; false when absent."""
    value = args.get(key, False)
    if not isinstance(value, bool):
        raise BadArguments(f"`{key}` must be true or false")
    return value
