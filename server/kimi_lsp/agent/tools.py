"""The tools offered to the model: a registry of `Tool`s and one safe way to run a call.

Every call gets exactly one answer text. Arguments are size- and depth-checked before
they are parsed (`arguments.py`); malformed JSON, unknown tools, bad arguments, refused
paths, time-outs and failures become `Error: ...` or `Refused: ...` text the model can
read; nothing here raises. Every answer is scrubbed of the configured keys.

To add a tool (the edit tools of `kimi.edit`, say), build a `Tool` whose `run` takes the
sandbox, the parsed arguments and the limits (close over any state it needs, such as the
pending proposal), and pass `READ_TOOLS + (your_tool,)` as `Toolbox.tools`. For a path it
will write, `contents.writable_target` refuses what must not be written; read fields
with `arguments.string`/`whole_number`/`flag`, and raise `Refused` or `BadArguments`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kimi_lsp.agent import arguments, readers
from kimi_lsp.agent.arguments import BadArguments
from kimi_lsp.agent.clock import TimedOut
from kimi_lsp.agent.limits import ToolLimits
from kimi_lsp.agent.sandbox import Refused, Sandbox
from kimi_lsp.agent.scrub import scrub
from kimi_lsp.model.types import JsonDict, ToolCall

log = logging.getLogger(__name__)

Args = dict[str, Any]
MAX_SHOWN = 80
"""Characters of an argument quoted in a progress message."""


@dataclass(frozen=True)
class Tool:
    """One tool: what the model is told about it, and how a call is run."""

    name: str
    description: str
    parameters: JsonDict
    """The JSON schema of the arguments object."""
    run: Callable[[Sandbox, Args, ToolLimits], str]
    """The answer text; raises Refused, BadArguments or TimedOut for a refusal."""
    doing: Callable[[Args], str]
    """What to tell the user the model does, e.g. `reading pkg/helpers.py`."""

    @property
    def spec(self) -> JsonDict:
        """The OpenAI function-tool declaration."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


@dataclass(frozen=True)
class ToolResult:
    """The answer to one call, and what to tell the user the model did."""

    text: str
    activity: str
    ok: bool


def shown(value: object, default: str) -> str:
    """An argument as a progress message quotes it: a string, cut to `MAX_SHOWN`."""
    if not isinstance(value, str) or not value:
        return default
    return value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "..."


def _read_file(sandbox: Sandbox, args: Args, limits: ToolLimits) -> str:
    path = arguments.string(args, "path", required=True) or ""
    start = arguments.whole_number(args, "start_line")
    end = arguments.whole_number(args, "end_line")
    return readers.read_file(sandbox, path, start, end, limits)


def _list_files(sandbox: Sandbox, args: Args, limits: ToolLimits) -> str:
    path, pattern = arguments.string(args, "path"), arguments.string(args, "pattern")
    return readers.list_files(sandbox, path, pattern, limits)


def _search_text(sandbox: Sandbox, args: Args, limits: ToolLimits) -> str:
    query = arguments.string(args, "query", required=True) or ""
    flag = arguments.flag(args, "regex")
    return readers.search_text(sandbox, query, arguments.string(args, "path"), flag, limits)


READ_FILE = Tool(
    name="read_file",
    description=(
        "Read a text file of the user's workspace (the editor's unsaved text when "
        "the file is open). Paths are workspace-relative with '/' separators."
    ),
    parameters={
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "e.g. src/pkg/helpers.py"},
            "start_line": {"type": "integer", "minimum": 1, "description": "1-based"},
            "end_line": {"type": "integer", "minimum": 1, "description": "inclusive"},
        },
        "required": ["path"],
    },
    run=_read_file,
    doing=lambda args: f"reading {shown(args.get('path'), 'a file')}",
)
LIST_FILES = Tool(
    name="list_files",
    description="List files under a workspace directory, optionally filtered by a glob.",
    parameters={
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "a directory; default: all"},
            "pattern": {"type": "string", "description": "a glob, e.g. *.py or src/**/*.ts"},
        },
    },
    run=_list_files,
    doing=lambda args: f"listing {shown(args.get('path'), 'the workspace')}",
)
SEARCH_TEXT = Tool(
    name="search_text",
    description=(
        "Search the workspace's text files. Returns 'path:line: text' lines. Plain "
        "text is matched case-insensitively unless it has capitals."
    ),
    parameters={
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "path": {"type": "string", "description": "a directory or file to search"},
            "regex": {"type": "boolean", "description": "treat query as a regex"},
        },
        "required": ["query"],
    },
    run=_search_text,
    doing=lambda args: f"searching '{shown(args.get('query'), '')}'",
)

READ_TOOLS: tuple[Tool, ...] = (READ_FILE, LIST_FILES, SEARCH_TEXT)
"""The read-only tools every request with tools gets."""
TOOL_SPECS: list[JsonDict] = [tool.spec for tool in READ_TOOLS]
TOOL_NAMES = tuple(tool.name for tool in READ_TOOLS)


def _find(name: str, tools: Sequence[Tool]) -> Tool | None:
    return next((tool for tool in tools if tool.name == name), None)


def activity(
    call: ToolCall, tools: Sequence[Tool] = READ_TOOLS, limits: ToolLimits | None = None
) -> str:
    """A short description for progress, e.g. `reading pkg/helpers.py`."""
    try:
        args = arguments.parse(call.arguments, (limits or ToolLimits()).max_argument_chars)
    except BadArguments:
        args = {}
    return _doing(call, tools, args)


def _doing(call: ToolCall, tools: Sequence[Tool], args: Args) -> str:
    tool = _find(call.name, tools)
    try:
        return tool.doing(args) if tool else f"calling {shown(call.name, 'a tool')}"
    except Exception:  # a description is never worth a failed call
        return f"calling {shown(call.name, 'a tool')}"


def run_tool(
    sandbox: Sandbox, call: ToolCall, limits: ToolLimits, tools: Sequence[Tool] = READ_TOOLS
) -> ToolResult:
    """Run one call; the result text is always something the model can read."""
    try:
        args = arguments.parse(call.arguments, limits.max_argument_chars)
    except BadArguments as exc:
        return ToolResult(f"Error: {exc}.", _doing(call, tools, {}), False)
    text, ok = _answer(sandbox, call, args, limits, tools)
    return ToolResult(scrub(text, sandbox.secret_forms), _doing(call, tools, args), ok)


def _answer(
    sandbox: Sandbox, call: ToolCall, args: Args, limits: ToolLimits, tools: Sequence[Tool]
) -> tuple[str, bool]:
    name = shown(call.name, "(no name)")
    tool = _find(call.name, tools)
    if tool is None:
        names = ", ".join(t.name for t in tools)
        return f"Error: {name}: there is no such tool; the tools are {names}.", False
    try:
        return tool.run(sandbox, args, limits), True
    except BadArguments as exc:
        return f"Error: {name}: {exc}.", False
    except Refused as exc:
        return f"Refused: {exc}.", False
    except TimedOut:
        return (
            f"Error: {name} took longer than {limits.search_seconds:g}s and was stopped; "
            "try a narrower path.",
            False,
        )
    except Exception as exc:  # a tool failure is an answer, never a crash
        log.warning("tool %s failed: %s", name, exc)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unexpected"
        return f"Error: {name} failed ({reason}); try another way.", False
