"""Reading code around the cursor for the completion handler: names, definitions, brackets.

The code is half-typed and may not parse, so everything here is regular expressions. String
literals and comments are blanked first (:func:`code_only` keeps every offset and newline),
so words inside them are never taken for names.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from .fimquote import PY_NOISE, py_in_noise, py_spans

IDENT = re.compile(r"[^\W\d]\w*")
BRACE_NOISE = re.compile(
    r"//[^\n]*|/\*[\s\S]*?(?:\*/|\Z)|`(?:\\.|[^`\\])*`?"
    r"|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\.|[^'\\\n])*'?"
)
BRACE_KEYWORDS = """break case catch class const continue debugger default delete do else
export extends false finally for function if import in instanceof let new null of return super
switch this throw true try typeof undefined var void while with yield async await static get set
func fn pub mut impl struct enum match loop package type interface self"""
BRACE_WORDS = frozenset(BRACE_KEYWORDS.split())
PY_WORDS = frozenset(keyword.kwlist) | {"self", "cls"}

PY_DEF = re.compile(
    r"^([ \t]*)(?:async[ \t]+)?def[ \t]+([^\W\d]\w*)[ \t]*\(((?:[^()]|\([^()]*\))*)\)", re.M
)
BRACE_DEFS = [
    re.compile(
        r"^([ \t]*)(?:export[ \t]+)?(?:default[ \t]+)?(?:async[ \t]+)?function\b[ \t]*\*?[ \t]*"
        r"([^\W\d]\w*)[ \t]*(?:<[^>\n]*>)?[ \t]*\(([^)\n]*)\)[^\n{]*\{[ \t]*$",
        re.M,
    ),
    re.compile(
        r"^([ \t]*)(?:export[ \t]+)?(?:const|let|var)[ \t]+([^\W\d]\w*)[^=\n]*=[ \t]*"
        r"(?:async[ \t]*)?(?:function\b[^(\n]*)?\(([^)\n]*)\)[^\n{]*\{[ \t]*$",
        re.M,
    ),
    re.compile(
        r"^([ \t]*)func[ \t]+(?:\([^)\n]*\)[ \t]*)?([^\W\d]\w*)[ \t]*\(([^)\n]*)\)[^\n{]*\{[ \t]*$",
        re.M,
    ),
    re.compile(
        r"^([ \t]*)(?:pub[ \t]+)?(?:async[ \t]+)?fn[ \t]+([^\W\d]\w*)[^(\n]*\(([^)\n]*)\)"
        r"[^\n{]*\{[ \t]*$",
        re.M,
    ),
]
METHOD = re.compile(
    r"^([ \t]*)(?:[\w<>\[\],.*&]+[ \t]+)*?([^\W\d]\w*)[ \t]*\(([^)\n]*)\)[^\n{;=]*\{[ \t]*$", re.M
)
PY_ASSIGN = re.compile(
    r"^[ \t]*([^\W\d]\w*)[ \t]*(?::[^=\n]+)?(?:[-+*/%&|^@]|//|\*\*|>>|<<)?=(?!=)", re.M
)
PY_BOUND = re.compile(r"\bfor[ \t]+([^\W\d]\w*)[ \t]+in\b|\bas[ \t]+([^\W\d]\w*)")
BRACE_ASSIGN = re.compile(
    r"\b(?:const|let[ \t]+mut|let|var)[ \t]+([^\W\d]\w*)"
    r"|^[ \t]*([^\W\d]\w*)[ \t]*(?::=|(?:[-+*/%]|\*\*)?=(?![=>]))",
    re.M,
)
BRACE_BOUND = re.compile(
    r"\bfor[ \t]*\(?[ \t]*(?:const|let|var)?[ \t]*([^\W\d]\w*)[ \t]+(?:of|in)\b"
    r"|\bcatch[ \t]*\([ \t]*([^\W\d]\w*)"
)
RETURN = re.compile(r"^[ \t]*return\b", re.M)
PAIRS = {"(": ")", "[": "]", "{": "}"}


def reserved(python: bool) -> frozenset[str]:
    """The keywords of the language family, never offered as names."""
    return PY_WORDS if python else BRACE_WORDS


def code_only(text: str, python: bool, window: bool = True) -> str:
    """``text`` with string literals and comments blanked (same length, same newlines).

    A Python ``window`` may start inside a string (see :mod:`.fimquote`); text known to
    start in code (the suffix after a cursor in code) is read from its start.
    """
    if python:
        spans = py_spans(text) if window else (m.span() for m in PY_NOISE.finditer(text))
        parts, position = [], 0
        for start, end in spans:
            parts += [text[position:start], re.sub(r"[^\n]", " ", text[start:end])]
            position = end
        return "".join([*parts, text[position:]])
    return BRACE_NOISE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def in_noise(text: str, python: bool, suffix: str = "") -> bool:
    """Whether the end of ``text`` (the cursor, before ``suffix``) is in a string or comment."""
    if python:
        return py_in_noise(text, suffix)
    last = None
    for match in BRACE_NOISE.finditer(text):
        last = match
    if last is None or last.end() != len(text):
        return False
    noise = last.group()
    if noise.startswith("//"):
        return True
    if noise.startswith("/*"):
        return len(noise) < 4 or not noise.endswith("*/")
    quote = noise[0]
    closed = len(noise) >= 2 and noise.endswith(quote)
    return not closed or noise.endswith("\\" + quote)


def leading(line: str) -> str:
    """The indentation of ``line``."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def split_top(text: str) -> list[str]:
    """Split ``text`` at the commas outside brackets."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def param_names(text: str, language: str) -> tuple[str, ...]:
    """The parameter names of a parameter list (``self``, ``cls`` and ``this`` left out)."""
    names: list[str] = []
    for raw in split_top(text):
        part = re.sub(r"^(?:\.\.\.|[*&]+|mut\s+)+", "", raw.split("=", 1)[0].strip())
        words = part.split(":", 1)[0].replace("?", "").split()
        if not words:
            continue
        name = words[0] if language in ("go", "python") or len(words) == 1 else words[-1]
        name = name.strip("*&[]")
        if IDENT.fullmatch(name) and name not in ("self", "cls", "this"):
            names.append(name)
    return tuple(names)


@dataclass(frozen=True)
class Definition:
    """A function header: ``end`` is the offset just past its parameter list (or ``{``)."""

    name: str
    params: tuple[str, ...]
    indent: str
    start: int
    end: int
    receiver: str | None = None


def definitions(code: str, language: str) -> list[Definition]:
    """The function definitions of blanked ``code``, in order."""
    python = language == "python"
    found: dict[int, Definition] = {}
    for match in PY_DEF.finditer(code) if python else []:
        first = match.group(3).split(",", 1)[0].split(":", 1)[0].strip()
        receiver = "self" if first == "self" else None
        params = param_names(match.group(3), language)
        found[match.start()] = Definition(
            match.group(2), params, match.group(1), match.start(), match.end(), receiver
        )
    for pattern in [] if python else [*BRACE_DEFS, METHOD]:
        for match in pattern.finditer(code):
            name = match.group(2)
            if match.start() in found or name in BRACE_WORDS:
                continue
            receiver = "this" if pattern is METHOD else None
            params = param_names(match.group(3), language)
            found[match.start()] = Definition(
                name, params, match.group(1), match.start(), match.end(), receiver
            )
    return [found[start] for start in sorted(found)]


@dataclass
class Scope:
    """The names visible at the cursor: the enclosing function's and the assigned ones."""

    function: Definition | None = None
    params: list[str] = field(default_factory=list)
    assigned: list[str] = field(default_factory=list)
    bound: list[str] = field(default_factory=list)
    last_assigned: str | None = None
    has_return: bool = False

    def names(self) -> list[str]:
        """Parameters, then assigned names, then loop and ``as`` names; no duplicates."""
        return list(dict.fromkeys([*self.params, *self.assigned, *self.bound]))


def enclosing(code: str, defs: list[Definition], indent: str) -> Definition | None:
    """The function whose body holds a line indented by ``indent`` at the end of ``code``."""
    for definition in reversed(defs):
        if len(definition.indent) >= len(indent):
            continue
        body = code[definition.end :].split("\n")[1:]
        if all(not ln.strip() or len(leading(ln)) > len(definition.indent) for ln in body):
            return definition
        return None
    return None


def scope_at(code: str, language: str, indent: str) -> Scope:
    """The scope at the end of blanked ``code`` when the cursor line is indented by ``indent``."""
    python = language == "python"
    function = enclosing(code, definitions(code, language), indent)
    scope = Scope(function, list(function.params) if function else [])
    region = code[function.end :] if function else code
    bound_pattern = PY_BOUND if python else BRACE_BOUND
    spans = [m.span() for m in bound_pattern.finditer(region)]
    for match in bound_pattern.finditer(region):
        scope.bound.append(match.group(1) or match.group(2))
    for match in (PY_ASSIGN if python else BRACE_ASSIGN).finditer(region):
        name = match.group(1) or match.group(2)
        if name in reserved(python) or any(
            a <= match.start(1 if match.group(1) else 2) < b for a, b in spans
        ):
            continue
        scope.assigned.append(name)
        scope.last_assigned = name
    scope.has_return = bool(RETURN.search(region))
    return scope


def unclosed(line: str) -> list[tuple[str, int]]:
    """The brackets of ``line`` (blanked) still open at its end, innermost last."""
    stack: list[tuple[str, int]] = []
    for index, char in enumerate(line):
        if char in PAIRS:
            stack.append((char, index))
        elif char in ")]}" and stack:
            stack.pop()
    return stack


def closers(stack: list[tuple[str, int]], rest: str) -> str:
    """The closing brackets to insert so ``stack`` is closed, given what follows the cursor."""
    need = [PAIRS[char] for char, _ in reversed(stack)]
    for count in range(len(need) + 1):
        if rest.startswith("".join(need[count:])):
            return "".join(need[:count])
    return "".join(need)


def is_plural(name: str) -> bool:
    """Whether ``name`` looks like a collection."""
    lower = name.lower()
    if re.search(r"list|items|values|data|array|seq|rows|entries", lower):
        return True
    return len(name) > 2 and lower.endswith("s") and not lower.endswith("ss")
