"""The tools offered to the model: their JSON schemas and one safe way to run a call.

Every call gets exactly one answer text. Malformed JSON, unknown tools, bad arguments,
refused paths and failures become `Error: ...` or `Refused: ...` text the model can read;
nothing here raises.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from kimi_lsp.agent import readers
from kimi_lsp.agent.readers import ToolLimits
from kimi_lsp.agent.sandbox import Refused, Sandbox
from kimi_lsp.model.types import JsonDict, ToolCall

log = logging.getLogger(__name__)

TOOL_SPECS: list[JsonDict] = [
    {
        "type": "function",
        "function": {
            "name": "read_file",
            "description": (
                "Read a text file of the user's workspace (the editor's unsaved text when "
                "the file is open). Paths are workspace-relative with '/' separators."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "e.g. src/pkg/helpers.py"},
                    "start_line": {"type": "integer", "minimum": 1, "description": "1-based"},
                    "end_line": {"type": "integer", "minimum": 1, "description": "inclusive"},
                },
                "required": ["path"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "list_files",
            "description": "List files under a workspace directory, optionally filtered by a glob.",
            "parameters": {
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "a directory; default: all"},
                    "pattern": {"type": "string", "description": "a glob, e.g. *.py"},
                },
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "search_text",
            "description": (
                "Search the workspace's text files. Returns 'path:line: text' lines. Plain "
                "text is matched case-insensitively unless it has capitals."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "path": {"type": "string", "description": "a directory or file to search"},
                    "regex": {"type": "boolean", "description": "treat query as a regex"},
                },
                "required": ["query"],
            },
        },
    },
]
TOOL_NAMES = tuple(spec["function"]["name"] for spec in TOOL_SPECS)


@dataclass(frozen=True)
class ToolResult:
    """The answer to one call, and what to tell the user the model did."""

    text: str
    activity: str
    ok: bool


class _BadArguments(Exception):
    pass


def activity(call: ToolCall) -> str:
    """A short description for progress, e.g. `reading pkg/helpers.py`."""
    try:
        args = json.loads(call.arguments)
    except ValueError:
        args = {}
    if not isinstance(args, dict):
        args = {}
    if call.name == "read_file":
        return f"reading {args.get('path', 'a file')}"
    if call.name == "list_files":
        return f"listing {args.get('path') or 'the workspace'}"
    if call.name == "search_text":
        return f"searching '{args.get('query', '')}'"
    return f"calling {call.name}"


def run_tool(sandbox: Sandbox, call: ToolCall, limits: ToolLimits) -> ToolResult:
    """Run one call; the result text is always something the model can read."""
    doing = activity(call)
    try:
        args = json.loads(call.arguments or "{}")
    except ValueError as exc:
        return ToolResult(f"Error: the arguments are not valid JSON ({exc}).", doing, False)
    try:
        if not isinstance(args, dict):
            raise _BadArguments("the arguments must be a JSON object")
        text = _dispatch(sandbox, call.name, args, limits)
    except _BadArguments as exc:
        return ToolResult(f"Error: {call.name}: {exc}.", doing, False)
    except Refused as exc:
        return ToolResult(f"Refused: {exc}.", doing, False)
    except Exception as exc:  # a tool failure is an answer, never a crash
        log.warning("tool %s failed: %s", call.name, exc)
        return ToolResult(f"Error: {call.name} failed: {type(exc).__name__}.", doing, False)
    return ToolResult(text, doing, True)


def _dispatch(sandbox: Sandbox, name: str, args: dict[str, Any], limits: ToolLimits) -> str:
    if name == "read_file":
        start, end = _int(args, "start_line"), _int(args, "end_line")
        return readers.read_file(sandbox, _str(args, "path", True) or "", start, end, limits)
    if name == "list_files":
        return readers.list_files(sandbox, _str(args, "path"), _str(args, "pattern"), limits)
    if name == "search_text":
        query = _str(args, "query", True) or ""
        flag = args.get("regex", False)
        if not isinstance(flag, bool):
            raise _BadArguments("`regex` must be true or false")
        return readers.search_text(sandbox, query, _str(args, "path"), flag, limits)
    raise _BadArguments(f"there is no such tool; the tools are {', '.join(TOOL_NAMES)}")


def _str(args: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = args.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _BadArguments(f"`{key}` must be a string" + (" and is required" if required else ""))
    return value


def _int(args: dict[str, Any], key: str) -> int | None:
    value = args.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _BadArguments(f"`{key}` must be a whole number from 1")
    return value
