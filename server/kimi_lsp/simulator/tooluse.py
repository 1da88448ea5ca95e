"""Tool use in explain answers: read an imported workspace module first, then use it.

When a request offers a ``read_file`` tool, has no tool result yet, and the explain
prompt's code imports a local module, the answer is reasoning plus one ``read_file``
call (empty content, finish reason ``tool_calls``). When the conversation ends with tool
results, the explanation gets a "What it relies on" section describing them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .explain import _code, _plural, analyze, explain_answer
from .imports import LocalImport, local_imports, used_identifiers
from .prompt import Prompt, message_text, resolve_language
from .script import ToolCallSpec, Turn

READ_FILE = "read_file"
FAILURE_PREFIXES = ("Error:", "Refused:")
RELIES_HEADING = "### What it relies on"
_NUMBERED_LINE = re.compile(r"^[ \t]*\d+(?::[ \t]?|\t| \| ?)")


@dataclass
class ToolResult:
    """One ``tool`` message with the call it answers."""

    name: str
    arguments: dict[str, Any]
    text: str

    @property
    def failed(self) -> bool:
        """Whether the tool reported an error or refused (``Error:`` / ``Refused:``)."""
        return self.text.lstrip().startswith(FAILURE_PREFIXES)

    @property
    def path(self) -> str | None:
        """The ``path`` argument of the call, if it has one."""
        path = self.arguments.get("path")
        return path if isinstance(path, str) and path else None


def may_call(prompt: Prompt, name: str) -> bool:
    """Whether the request offers tool ``name`` and ``tool_choice`` lets the model call it."""
    choice = prompt.tool_choice
    if choice == "none":
        return False
    if isinstance(choice, dict):
        forced = choice.get("function")
        if isinstance(forced, dict) and forced.get("name") != name:
            return False
    return any(
        isinstance(tool.get("function"), dict) and tool["function"].get("name") == name
        for tool in prompt.tools
    )


def choose_import(prompt: Prompt) -> tuple[LocalImport, list[str]] | None:
    """Return the local module to read and the names of it the selection uses.

    Modules whose imported names the selection uses come first; otherwise the first local
    import of the prompt's code (context before, selection, context after).
    """
    language = prompt.language or ""
    candidates: list[LocalImport] = []
    for code in (prompt.context_before, prompt.selection, prompt.context_after):
        for item in local_imports(code or "", language, prompt.path):
            known = next((c for c in candidates if c.path == item.path), None)
            if known is None:
                candidates.append(item)
            else:
                known.names.extend(n for n in item.names if n not in known.names)
    used = used_identifiers(prompt.selection or "", language)
    for item in candidates:
        names = [name for name in item.names if name in used]
        if names:
            return item, names
    return (candidates[0], []) if candidates else None


def read_file_turn(item: LocalImport, used: list[str]) -> Turn:
    """Return the answer that asks to read ``item`` before explaining."""
    if used:
        why = (
            f"The selection uses {_code(used)}, imported from `{item.module}`, "
            "and that definition is not in the prompt."
        )
    else:
        why = f"The code imports `{item.module}`, a module of this workspace."
    reasoning = f"{why} I will read `{item.path}` before explaining."
    call = ToolCallSpec(name=READ_FILE, arguments=json.dumps({"path": item.path}))
    return Turn(reasoning=reasoning, tool_calls=[call])


def _json_object(text: Any) -> dict[str, Any]:
    """Parse tool-call arguments; an empty object if they are not a JSON object."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def trailing_tool_results(messages: list[dict[str, Any]]) -> list[ToolResult]:
    """Return the ``tool`` messages that end the conversation, in order, with their calls."""
    calls: dict[str, tuple[str, str]] = {}
    for message in messages:
        if message.get("role") != "assistant":
            continue
        for call in message.get("tool_calls") or []:
            function = call.get("function") or {}
            calls[call.get("id", "")] = (function.get("name", ""), function.get("arguments", ""))
    results: list[ToolResult] = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        name, arguments = calls.get(message.get("tool_call_id", ""), ("tool", "{}"))
        text = message_text(message.get("content"))
        results.append(ToolResult(name, _json_object(arguments), text))
    return results[::-1]


def _first_line(text: str) -> str:
    """Return the first non-empty line of ``text``, shortened."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= 100 else line[:97] + "..."


def _file_text(text: str) -> str:
    """Return a file's text, without line-number prefixes if every line has one."""
    lines = text.splitlines()
    if lines and all(_NUMBERED_LINE.match(line) for line in lines if line.strip()):
        return "\n".join(_NUMBERED_LINE.sub("", line, count=1) for line in lines)
    return text


def describe_read(result: ToolResult, used: set[str]) -> str:
    """Describe a ``read_file`` result: what the file defines and what the selection uses."""
    shown = f"`{result.path}`" if result.path else "the requested file"
    if result.failed:
        return (
            f"- {shown} could not be read ({_first_line(result.text)}), so this "
            "explanation relies on the selection alone."
        )
    text = _file_text(result.text)
    info = analyze(text, resolve_language(None, result.path, text))
    parts: list[str] = []
    if info.functions:
        signatures = [f.signature() for f in info.functions]
        parts.append(f"{_plural(len(signatures), 'function')} ({_code(signatures)})")
    if info.types:
        names = [t.name for t in info.types]
        if all(t.kind == "class" for t in info.types):
            word = _plural(len(names), "class", "classes")
        else:
            word = _plural(len(names), "type")
        parts.append(f"{word} ({_code(names)})")
    defines = " and ".join(parts) if parts else "no functions or classes"
    line = f"- I read {shown}: it defines {defines}."
    defined = [f.name for f in info.functions] + [t.name for t in info.types]
    uses = [name for i, name in enumerate(defined) if name in used and name not in defined[:i]]
    if uses:
        return f"{line} The selection uses {_code(uses)} from it."
    if parts:
        return f"{line} The selection uses none of them directly."
    return line


def describe_result(result: ToolResult, used: set[str]) -> str:
    """Describe one tool result as a bullet."""
    if result.name == READ_FILE:
        return describe_read(result, used)
    if result.failed:
        return f"- `{result.name}` failed ({_first_line(result.text)})."
    count = len([line for line in result.text.splitlines() if line.strip()])
    if result.name == "list_files":
        where = f" under `{result.path}`" if result.path else ""
        return f"- `list_files`{where} listed {_plural(count, 'entry', 'entries')}."
    if result.name == "search_text":
        query = result.arguments.get("query")
        what = f" for `{query}`" if isinstance(query, str) and query else ""
        return f"- `search_text`{what} found {_plural(count, 'matching line')}."
    return f"- `{result.name}` returned {_plural(count, 'line')} of output."


def with_tool_results(turn: Turn, results: list[ToolResult], prompt: Prompt) -> Turn:
    """Add what the tool results showed to an explanation ``turn``."""
    used = used_identifiers(prompt.selection or "", prompt.language or "")
    bullets = [describe_result(result, used) for result in results]
    section = RELIES_HEADING + "\n" + "\n".join(bullets)
    if any(result.failed for result in results):
        note = " A tool call failed, so I rely on the selection where its result is missing."
    else:
        note = " The tool results show what the selection relies on; I will summarise them."
    return turn.model_copy(
        update={"reasoning": turn.reasoning + note, "content": f"{turn.content}\n{section}\n"}
    )


def explain_with_tools(prompt: Prompt) -> Turn:
    """Answer an explain request, reading an imported local module first when possible."""
    results = trailing_tool_results(prompt.messages)
    if results:
        return with_tool_results(explain_answer(prompt), results, prompt)
    has_results = any(message.get("role") == "tool" for message in prompt.messages)
    if may_call(prompt, READ_FILE) and not has_results:
        chosen = choose_import(prompt)
        if chosen is not None:
            return read_file_turn(*chosen)
    return explain_answer(prompt)
