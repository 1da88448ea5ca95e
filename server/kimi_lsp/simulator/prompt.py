"""Reading a chat request the way the default responder needs it.

The language server's prompts carry code between marker lines (``<selection>`` /
``</selection>``, ``<context_before>``, ``<context_after>``) and header lines such as
``Path: ...`` and ``Language: ...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascriptreact",
    ".ts": "typescript",
    ".tsx": "typescriptreact",
    ".go": "go",
    ".rs": "rust",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".hpp": "cpp",
    ".java": "java",
    ".cs": "csharp",
    ".kt": "kotlin",
    ".swift": "swift",
}

ALIASES: dict[str, str] = {"py": "python", "js": "javascript", "ts": "typescript", "rs": "rust"}


@dataclass
class Prompt:
    """The request as seen by the default responder."""

    messages: list[dict[str, Any]]
    text: str = ""
    instructions: str = ""
    selection: str | None = None
    context_before: str | None = None
    context_after: str | None = None
    path: str | None = None
    language: str | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: Any = None


def message_text(content: Any) -> str:
    """Return the text of a message content (string or array of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def block(text: str, tag: str) -> str | None:
    """Return the lines between a line ``<tag>`` and a line ``</tag>``, or None."""
    match = re.search(rf"^[ \t]*<{tag}>[ \t]*\r?\n(.*?)^[ \t]*</{tag}>[ \t]*$", text, re.M | re.S)
    if match is None:
        return None
    return match.group(1).removesuffix("\n").removesuffix("\r")


def header(text: str, name: str) -> str | None:
    """Return the value of a ``Name: value`` line outside code blocks, or None."""
    match = re.search(rf"^[ \t]*{name}:[ \t]*(\S.*?)[ \t]*$", text, re.M | re.I)
    return match.group(1) if match else None


def guess_language(code: str) -> str:
    """Guess a language from code when the prompt names none."""
    checks = [
        ("python", r"^\s*(def|class)\s+\w+.*:\s*$|^\s*(from\s+\S+\s+)?import\s+\w+"),
        ("go", r"^\s*(func|package)\s"),
        ("rust", r"^\s*(pub\s+)?(fn|impl|use|struct|enum)\s"),
        ("typescript", r":\s*(string|number|boolean)\b|^\s*interface\s"),
        ("javascript", r"\bfunction\b|=>|\bconst\b|\blet\b"),
    ]
    for language, pattern in checks:
        if re.search(pattern, code, re.M):
            return language
    return "c"


def resolve_language(name: str | None, path: str | None, code: str) -> str:
    """Return a language id from the ``Language:`` header, the path, or the code."""
    if name:
        key = name.strip().lower()
        return ALIASES.get(key, key)
    if path:
        suffix = PurePosixPath(path.replace("\\", "/")).suffix.lower()
        if suffix in EXTENSIONS:
            return EXTENSIONS[suffix]
    return guess_language(code)


def read_prompt(body: dict[str, Any]) -> Prompt:
    """Build a :class:`Prompt` from a validated chat request body."""
    messages: list[dict[str, Any]] = body.get("messages", [])
    prompt = Prompt(messages, tools=body.get("tools") or [], tool_choice=body.get("tool_choice"))
    for message in reversed(messages):
        if message.get("role") == "user":
            prompt.text = message_text(message.get("content"))
            break
    prompt.selection = block(prompt.text, "selection")
    prompt.context_before = block(prompt.text, "context_before")
    prompt.context_after = block(prompt.text, "context_after")
    outside = re.sub(
        r"^[ \t]*<(\w+)>[ \t]*\r?\n.*?^[ \t]*</\1>[ \t]*$", "", prompt.text, flags=re.S | re.M
    )
    prompt.instructions = outside
    prompt.path = header(outside, "Path")
    language = header(outside, "Language")
    prompt.language = resolve_language(language, prompt.path, prompt.selection or "")
    return prompt
