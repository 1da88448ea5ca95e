"""Doc comments for languages other than Python: a comment line above each definition.

Definitions are found line by line with regular expressions per language family; one
already preceded by a comment (above its annotations or attributes) is left alone.
"""

from __future__ import annotations

import re

from .rewritecode import Code, Edit, apply_edits, comment, comment_markers, describe_name

ID = r"[^\W\d][\w$]*"
_JS = [
    rf"(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*(?P<name>{ID})",
    rf"(?:export\s+)?(?:const|let|var)\s+(?P<name>{ID})\s*(?::[^=]+)?=\s*(?:async\s+)?"
    rf"(?:\([^)]*\)|{ID})\s*(?::[^=]+)?=>",
    rf"(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?:class|interface)\s+(?P<name>{ID})",
    rf"(?:(?:public|private|protected|static|readonly|override|async|get|set)\s+)*"
    rf"(?P<name>{ID})\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?::\s*[^{{;]+)?\{{",
]
_C_LIKE = [
    rf"(?:[\w:<>\[\],]+[ \t*&]+)+(?P<name>{ID})\s*\([^;{{]*\)?\s*(?:const\s*)?"
    rf"(?:throws\s+[\w., ]+)?\s*\{{?\s*$",
    rf"(?:(?:public|private|protected|internal|static|abstract|final|sealed|partial)\s+)*"
    rf"(?:class|struct|interface|enum|record)\s+(?P<name>{ID})",
    rf"(?:(?:public|private|internal|override|suspend|inline)\s+)*(?:fun|func)\s+(?P<name>{ID})",
]
PATTERNS: dict[str, list[str]] = {
    "js": _JS,
    "go": [
        rf"func\s+(?:\([^)]*\)\s*)?(?P<name>{ID})",
        rf"type\s+(?P<name>{ID})\s+(?:struct|interface)\b",
    ],
    "rust": [
        rf"(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(?P<name>{ID})",
        rf"(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum|trait|union)\s+(?P<name>{ID})",
    ],
    "ruby": [rf"def\s+(?:self\.)?(?P<name>{ID}[?!=]?)", rf"(?:class|module)\s+(?P<name>{ID})"],
    "lua": [rf"(?:local\s+)?function\s+(?:[\w.]+[.:])?(?P<name>{ID})"],
    "shell": [rf"(?:function\s+(?P<name>{ID})|(?P<bare>{ID})\s*\(\s*\)\s*\{{?)"],
    "c": _C_LIKE,
}
FAMILIES = {
    "javascript": "js",
    "javascriptreact": "js",
    "typescript": "js",
    "typescriptreact": "js",
    "go": "go",
    "rust": "rust",
    "ruby": "ruby",
    "lua": "lua",
    "shellscript": "shell",
    "shell": "shell",
    "sh": "shell",
    "bash": "shell",
    "zsh": "shell",
}
_KEYWORD_TEXT = "if for while switch catch return else do new function typeof sizeof"
KEYWORDS = frozenset(_KEYWORD_TEXT.split())
ANNOTATION = re.compile(r"^[ \t]*(?:@\w|#\[)")


def definition_name(line: str, language: str) -> str | None:
    """The name defined on ``line`` (function, method, class...), or None."""
    stripped = line.strip()
    if not stripped or stripped.startswith(comment_markers(language)):
        return None
    for pattern in PATTERNS[FAMILIES.get(language, "c")]:
        match = re.match(pattern, stripped)
        if match is not None:
            name = match.group("name") or match.groupdict().get("bare")
            if name and name not in KEYWORDS:
                return name
    return None


def add_doc_comments(code: Code) -> tuple[str, list[str]]:
    """Put a comment line above each definition that has none."""
    text = code.text
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    edits: list[Edit] = []
    documented: list[str] = []
    markers = comment_markers(code.language)
    for index, line in enumerate(lines):
        name = definition_name(line, code.language)
        if name is None:
            continue
        top = index
        while top > 0 and ANNOTATION.match(lines[top - 1]):
            top -= 1
        above = code.line_above(top, lines)
        if above is not None and above.strip().startswith(markers):
            continue
        if top == 0 and code.prefix.strip():
            continue  # the definition starts after other code on its line
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        note = comment(code.language, describe_name(name))
        edits.append((starts[top], starts[top], f"{indent}{note}\n"))
        documented.append(name)
    notes = [f"added a comment to {', '.join(f'`{n}`' for n in documented)}"]
    return apply_edits(text, edits), notes if documented else []
