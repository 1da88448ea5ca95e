"""Completion rules for whole lines: empty function bodies, block bodies, line ends.

A cursor on an empty line right after a function header gets a body chosen by the
function's name (``is_``/``has_`` → ``return False``, ``sum``/``total`` → a summing loop,
one parameter → ``return`` it, a getter method → ``return self.x``, else ``pass``); after
another block opener (``if x:``, ``for a in b:``, ``{``) it gets one statement. Continuation
lines start with the body's indentation, since the cursor line already has its own.
"""

from __future__ import annotations

import re

from .fimscan import IDENT, Definition, code_only, definitions, leading
from .fimsite import Answer, Site

BODY_REASON = "The cursor starts an empty function body; a short body fits here."
BLOCK_REASON = "The cursor opens a block, so one plausible statement fits here."
LINE_REASON = "Nothing obvious is missing at the cursor, so I keep it short."
FLAG = re.compile(r"(is|has)(_|[A-Z])")
OPERAND = re.compile(r"(?:[-+*/%<>=&|^~!]|\b(?:and|or|not|in|is)\b)[ \t]*\Z")


def body_indent(site: Site, header_indent: str) -> tuple[str, str, str]:
    """(what the first line needs before it, the body's indentation, one indentation unit)."""
    cursor = site.line
    if len(cursor) > len(header_indent) and cursor.startswith(header_indent):
        return "", cursor, cursor[len(header_indent) :]
    unit = "\t" if "\t" in header_indent else ("    " if site.python else "  ")
    indent = header_indent + unit
    return (indent[len(cursor) :] if indent.startswith(cursor) else ""), indent, unit


def layout(lines: list[str], lead: str, indent: str) -> str:
    """Join body lines: the first after ``lead``, the others after ``indent``."""
    rest = "".join(f"\n{indent}{line}" if line else "\n" for line in lines[1:])
    return f"{lead}{lines[0]}{rest}"


def opener_line(site: Site) -> str | None:
    """The last line of code before an empty cursor line (comments, docstrings skipped)."""
    if site.line.strip() or site.rest.strip():
        return None
    head = code_only(site.before, site.python).rstrip()
    return head.rsplit("\n", 1)[-1] if head else None


def body_lines(site: Site, definition: Definition, unit: str) -> list[str]:
    """The body of an empty function, chosen by its name and parameters."""
    name, params, semi = definition.name, definition.params, site.semi
    if FLAG.match(name):
        return [f"return {site.boolean(False)}{semi}"]
    if params and re.search(r"sum|total", name.lower()):
        items = params[0]
        if site.python:
            return ["total = 0", f"for item in {items}:", f"{unit}total += item", "return total"]
        if site.js:
            loop = f"for (const item of {items}) {{"
            return [
                f"let total = 0{semi}",
                loop,
                f"{unit}total += item{semi}",
                "}",
                f"return total{semi}",
            ]
    if len(params) == 1:
        return [f"return {params[0]}{semi}"]
    getter = re.fullmatch(r"get_?([^\W\d]\w*)", name)
    if getter and not params and definition.receiver:
        attr = getter.group(1)
        attr = attr if site.python else attr[0].lower() + attr[1:]
        return [f"return {definition.receiver}.{attr}{semi}"]
    return [site.statements()[0]]


def function_body(site: Site) -> Answer | None:
    """A body for an empty function whose header is the last code before the cursor."""
    if opener_line(site) is None:
        return None
    head = code_only(site.before, site.python).rstrip()
    defs = definitions(head, site.fim.language)
    if not defs:
        return None
    definition = defs[-1]
    tail = head[definition.end :]
    if site.python and not re.fullmatch(r"[ \t]*(?:->[^\n]*)?:", tail):
        return None
    if not site.python and tail:
        return None
    lead, indent, unit = body_indent(site, definition.indent)
    best = layout(body_lines(site, definition, unit), lead, indent)
    return Answer(BODY_REASON, [best], [lead + s for s in site.statements()])


def block_statement(site: Site, header: str) -> str:
    """One plausible first statement for the block opened by ``header``."""
    text = header.strip().lstrip("}").strip()
    word = match.group() if (match := IDENT.match(text)) else ""
    semi, inside = site.semi, site.scope.function is not None
    if site.python:
        target = re.match(r"for\s+(.+?)\s+in\b", text)
        if target:
            return f"print({target.group(1)})"
        choices = {"while": "break", "except": "raise"}
        if word in ("if", "elif", "else") and inside:
            return "return None"
        return choices.get(word, "pass")
    variable = re.search(r"\b(?:const|let|var)\s+([^\W\d]\w*)", text)
    caught = re.search(r"\bcatch\s*\(\s*([^\W\d]\w*)", text)
    if word == "for" and variable and site.js:
        return f"console.log({variable.group(1)}){semi}"
    if word == "while":
        return f"break{semi}"
    if word in ("if", "else") and inside:
        return f"return{semi}"
    if caught and site.js:
        return f"console.error({caught.group(1)}){semi}"
    if word == "class" and site.js:
        return "constructor() {}"
    return site.statements()[0]


def block_body(site: Site) -> Answer | None:
    """One statement for a block whose opener (``:`` or ``{``) is the last code line."""
    last = opener_line(site)
    if last is None or not last.rstrip().endswith(":" if site.python else "{"):
        return None
    lead, _, _ = body_indent(site, leading(last))
    statements = [block_statement(site, last), *site.statements()]
    return Answer(BLOCK_REASON, [lead + s for s in statements])


def block_ends(site: Site) -> bool:
    """Whether the next code line after the cursor is dedented (or there is none)."""
    following = [ln for ln in site.fim.suffix.split("\n")[1:] if ln.strip()]
    return not following or len(leading(following[0])) < len(site.line)


def value_for(site: Site, name: str) -> str:
    """A plausible initial value for a variable called ``name``."""
    lower = name.lower()
    if re.search(r"list|items|values|rows|entries", lower) or lower.endswith("s"):
        return "[]"
    if re.search(r"count|total|sum|index|num|size", lower) or lower in ("n", "i", "j", "k"):
        return "0"
    if FLAG.match(name) or lower in ("done", "found", "ok", "enabled"):
        return site.boolean(False)
    if re.search(r"name|text|title|label|message|path", lower):
        return '""'
    if re.search(r"map|dict|config|options|settings", lower):
        return "{}"
    return site.none()


def line_end(site: Site) -> Answer:
    """Anything else: a value after ``=`` or ``return``, an operand, or nothing."""
    line, semi = site.line, site.semi
    names = site.names()
    scope = site.scope
    literals = [site.none(), "0", '""']
    if not line.strip():
        best = ""
        if scope.function and not scope.has_return and scope.last_assigned and block_ends(site):
            best = f"return {scope.last_assigned}{semi}"
        return Answer(LINE_REASON, [best], site.statements())
    if re.search(r"\breturn[ \t]+\Z", line):
        return Answer(LINE_REASON, [site.return_expr() + semi], [n + semi for n in names])
    assignment = re.search(r"([^\W\d]\w*)[ \t]*(?::[^=]*)?=[ \t]*\Z", site.code_line)
    if assignment and not re.search(r"[=!<>]=[ \t]*\Z", line):
        space = "" if line.endswith(" ") else " "
        value = value_for(site, assignment.group(1))
        others = [space + v + semi for v in [*literals, *names]]
        return Answer(LINE_REASON, [space + value + semi], others)
    if OPERAND.search(line):
        space = "" if line.endswith(" ") else " "
        operands = [space + v for v in [*names, "1", *literals]]
        return Answer(LINE_REASON, operands[:1], operands[1:])
    return Answer(LINE_REASON, [""], [f"  {site.comment} TODO"])
