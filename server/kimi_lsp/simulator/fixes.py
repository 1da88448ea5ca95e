"""Fix requests: each problem the editor reported, fixed plausibly and deterministically.

The instruction lists problems as ``- line N: [source code] message``:

- an undefined name close to a name of the code (``difflib``) is renamed in the selection;
- an unused import is removed (its line, or its name from the import list);
- a line that is too long is left as it is;
- anything else (or an undefined name with no close match) gets a ``fixed: <message>``
  comment at the end of its line.

N is 1-based in the document. The selection's first line is line (lines of context
before) + 1 when that context starts at the top of the file, which is assumed when it has
fewer lines than the language server sends by default (``DEFAULT_CONTEXT_LINES``). When
that is not so, or N falls outside the selection, the problem's line is the first line of
the selection containing code the message quotes, else the selection's first line.
"""

from __future__ import annotations

import difflib
import keyword
import re
from dataclasses import dataclass

from .rewritecode import Code, comment, inline_comment

DEFAULT_CONTEXT_LINES = 40
"""The language server's default ``kimi.contextLines``."""
PROBLEM = re.compile(
    r"^[ \t]*-[ \t]*line[ \t]+(?P<n>\d+)[ \t]*:[ \t]*(?:\[[^\]\n]*\][ \t]*)?(?P<message>.*?)"
    r"[ \t]*$",
    re.M | re.I,
)
OPEN, CLOSE = "[`'\"‘“]", "[`'\"’”]"
IDENTIFIER = r"[^\W\d][\w$]*"
UNDEFINED = re.compile(
    rf"(?:undefined name|cannot find name|undefined:|unresolved reference)\s*{OPEN}?"
    rf"(?P<a>{IDENTIFIER})|{OPEN}(?P<b>{IDENTIFIER}){CLOSE}\s+is not defined",
    re.I,
)
UNUSED = re.compile(
    rf"unused import\s*{OPEN}?(?P<a>[\w.]+)|{OPEN}(?P<b>[\w.]+){CLOSE}\s+imported but unused"
    rf"|import\s+{OPEN}(?P<c>[\w.]+){CLOSE}\s+is not accessed",
    re.I,
)
QUOTED = re.compile(rf"{OPEN}([^`'\"’”\n]+){CLOSE}")
IMPORT = re.compile(r"^(?P<head>[ \t]*import[ \t]+)(?P<items>[^#\n]+?)(?P<tail>[ \t]*(?:#.*)?)$")
FROM_IMPORT = re.compile(
    r"^(?P<head>[ \t]*from[ \t]+(?P<module>[\w.]+)[ \t]+import[ \t]+)(?P<items>[^#\n]+?)"
    r"(?P<tail>[ \t]*(?:#.*)?)$"
)


@dataclass
class Problem:
    """One problem of a fix instruction."""

    line: int
    message: str


def parse_problems(instruction: str) -> list[Problem]:
    """The ``- line N: ...`` problems of a fix instruction, in order."""
    return [Problem(int(m["n"]), m["message"]) for m in PROBLEM.finditer(instruction)]


def is_fix(instruction: str) -> bool:
    """Whether the instruction asks to fix reported problems."""
    lowered = instruction.lower()
    return lowered.startswith("fix these problems") or bool(PROBLEM.search(instruction))


def _drop_import(line: str, name: str) -> str | None:
    """``line`` without the import binding ``name`` ("" if nothing is left); None if absent."""
    match = FROM_IMPORT.match(line) or IMPORT.match(line)
    if match is None:
        return None
    module = match.groupdict().get("module")
    items = match["items"].strip()
    wrapped = items.startswith("(") and items.endswith(")")
    parts = [part.strip() for part in items.strip("()").split(",") if part.strip()]
    kept: list[str] = []
    for part in parts:
        words = part.split()
        bound = {words[0], words[-1]} | ({f"{module}.{words[0]}"} if module else set())
        if name not in bound:
            kept.append(part)
    if len(kept) == len(parts):
        return None
    if not kept:
        return ""
    listed = ", ".join(kept)
    return match["head"] + (f"({listed})" if wrapped else listed) + match["tail"]


class Fixer:
    """Works out and applies the fixes of one request."""

    def __init__(self, code: Code) -> None:
        """Split the code into lines and work out where the selection starts."""
        self.code = code
        self.lines = code.text.split("\n")
        self.count = len(self.lines) - (1 if code.text.endswith("\n") and code.text else 0)
        context_lines = code.before.count("\n")
        self.first = context_lines if context_lines < DEFAULT_CONTEXT_LINES else None
        self.renames: dict[str, str] = {}
        self.removals: dict[int, str] = {}
        self.comments: dict[int, list[str]] = {}
        self.notes: list[str] = []

    def selected(self, index: int) -> str:
        """The selected part of line ``index``."""
        return self.lines[index][len(self.code.prefix) :] if index == 0 else self.lines[index]

    def locate(self, problem: Problem) -> int:
        """The selection line a problem is about."""
        if self.first is not None and 0 <= problem.line - 1 - self.first < self.count:
            return problem.line - 1 - self.first
        for quoted in QUOTED.findall(problem.message):
            for index in range(self.count):
                if quoted.strip() and quoted in self.selected(index):
                    return index
        return 0

    def close_name(self, name: str) -> str | None:
        """A name of the code that ``name`` is probably a typo of."""
        code = self.code.before + self.code.text + self.code.after
        names = {n for n in re.findall(IDENTIFIER, code) if not keyword.iskeyword(n)}
        names.discard(name)
        matches = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.75)
        return matches[0] if matches else None

    def plan(self, problem: Problem) -> None:
        """Decide what to do about one problem."""
        message = problem.message
        index = self.locate(problem)
        undefined = UNDEFINED.search(message)
        unused = UNUSED.search(message)
        if undefined is not None:
            name = undefined["a"] or undefined["b"]
            close = self.close_name(name)
            if close is not None:
                self.renames[name] = close
                self.notes.append(f"renamed `{name}` to `{close}`")
                return
        elif unused is not None:
            name = unused["a"] or unused["b"] or unused["c"]
            order = [index, *(i for i in range(self.count) if i != index)]
            for candidate in order:
                if _drop_import(self.lines[candidate], name) is not None:
                    self.removals[candidate] = name
                    self.notes.append(f"removed the unused import `{name}`")
                    return
        elif "line too long" in message.lower():
            self.notes.append(f"left the long line {problem.line} as it is")
            return
        self.comments.setdefault(index, []).append(message)

    def annotate(self, index: int, messages: list[str]) -> bool:
        """Append a ``fixed:`` comment to line ``index``; False if it cannot have one."""
        text = "fixed: " + "; ".join(messages)
        last = index == len(self.lines) - 1
        if last and self.code.after.split("\n", 1)[0].strip():
            inline = inline_comment(self.code.language, text)  # code follows on that line
            if inline is None:
                return False
            self.lines[index] += f" {inline}"
        else:
            self.lines[index] += "  " + comment(self.code.language, text)
        return True

    def apply(self) -> str:
        """Apply the planned fixes; return the new text."""
        for old, new in self.renames.items():
            pattern = re.compile(rf"(?<![\w$]){re.escape(old)}(?![\w$])")
            for index in range(self.count):
                start = len(self.code.prefix) if index == 0 else 0
                line = self.lines[index]
                self.lines[index] = line[:start] + pattern.sub(new, line[start:])
        for index, messages in sorted(self.comments.items()):
            if index not in self.removals and self.annotate(index, messages):
                self.notes.append(f"commented on line {index + 1} of the selection")
        for index in sorted(self.removals, reverse=True):
            left = _drop_import(self.lines[index], self.removals[index]) or ""
            if left.strip():
                self.lines[index] = left
            else:
                del self.lines[index]
        return "\n".join(self.lines) if self.lines else self.code.prefix


def fix_code(code: Code, instruction: str) -> tuple[str, list[str]]:
    """Fix the problems listed in ``instruction``; return the new text and notes."""
    fixer = Fixer(code)
    for problem in parse_problems(instruction):
        fixer.plan(problem)
    return fixer.apply(), fixer.notes
