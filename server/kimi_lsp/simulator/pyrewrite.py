"""Python rewrites: one-line docstrings and ``object``/``None`` type hints.

Each transform takes the :class:`~kimi_lsp.simulator.rewritecode.Code` of a request and
returns the new text (prefix included) and notes for the reasoning.
"""

from __future__ import annotations

import itertools
import re

from .pyscan import PyDef, code_only, python_defs, skip_blank, top_level_commas
from .rewritecode import Code, Edit, apply_edits, describe_name, indent_unit, leading, width

DOCSTRING = re.compile(r"^[ \t]*[rRuUbBfF]{0,2}[\"']")
NESTED_SCOPE = re.compile(r"(?:async\s+)?def\s|class\s")
VALUE_RETURN = re.compile(r"(?:^|[:;])\s*return\s+(?!None\s*(?:;|$))\S|\byield\b")
PARAMETER = re.compile(r"(\*{0,2})([^\W\d]\w*)")
Result = tuple[str, list[str]]


def _names(names: list[str]) -> str:
    """Format names as inline code."""
    return ", ".join(f"`{name}`" for name in names)


def _first_statement(code: Code, header: PyDef) -> str | None:
    """The first line of code after a header (in the selection or after it)."""
    for line in code.following_lines(header.header_end):
        if line.strip() and not line.strip().startswith("#"):
            return line
    return None


def add_docstrings(code: Code) -> Result:
    """Give each ``def`` and ``class`` lacking a docstring one made from its name."""
    text = code.text
    unit = indent_unit(code)
    edits: list[Edit] = []
    documented: list[str] = []
    for header in python_defs(text):
        if header.inline_body:
            continue
        body = _first_statement(code, header)
        if body is not None and DOCSTRING.match(body):
            continue
        deeper = body is not None and width(body) > width(header.indent)
        indent = leading(body) if body is not None and deeper else header.indent + unit
        docstring = f'\n{indent}"""{describe_name(header.name)}"""'
        edits.append((header.header_end, header.header_end, docstring))
        documented.append(header.name)
    notes = [f"added a docstring to {_names(documented)}"] if documented else []
    return apply_edits(text, edits), notes


def returns_value(code: Code, header: PyDef) -> bool:
    """Whether the function returns a value (``return <value>`` or ``yield``) itself."""
    if header.inline_body:
        return bool(VALUE_RETURN.search(code_only(header.inline_body)))
    base = width(header.indent)
    nested: list[int] = []
    for line in code.following_lines(header.header_end):
        statement = code_only(line).strip()
        if not statement:
            continue
        indent = width(line)
        if indent <= base:
            break
        while nested and indent <= nested[-1]:
            nested.pop()
        if nested:
            continue
        if NESTED_SCOPE.match(statement):
            nested.append(indent)
            continue
        if VALUE_RETURN.search(statement):
            return True
    return False


def parameter_edits(text: str, header: PyDef) -> list[Edit]:
    """Annotate each unannotated parameter (but a leading ``self``/``cls``) with ``object``."""
    if header.parens is None:
        return []
    opened, closed = header.parens
    bounds = [opened, *top_level_commas(text, opened + 1, closed), closed]
    edits: list[Edit] = []
    for index, (start, end) in enumerate(itertools.pairwise(bounds)):
        begin = skip_blank(text, start + 1, end)
        match = PARAMETER.match(text, begin, end)
        if match is None:
            continue
        stars, name = match.groups()
        if index == 0 and not stars and name in ("self", "cls"):
            continue
        after = match.end()
        while after < end and text[after] in " \t":
            after += 1
        if after < end and text[after] == ":":
            continue
        if after < end and text[after] == "=":
            value = after + 1
            while value < end and text[value] in " \t":
                value += 1
            edits.append((match.end(), value, ": object = "))
        else:
            edits.append((match.end(), match.end(), ": object"))
    return edits


def add_type_hints(code: Code) -> Result:
    """Annotate parameters with ``object`` and returns with ``None`` or ``object``."""
    text = code.text
    edits: list[Edit] = []
    hinted: list[str] = []
    for header in python_defs(text):
        if header.kind != "def" or header.parens is None:
            continue
        found = parameter_edits(text, header)
        closed = header.parens[1]
        if "->" not in text[closed + 1 : header.colon]:
            kind = "object" if returns_value(code, header) else "None"
            found.append((closed + 1, closed + 1, f" -> {kind}"))
        if found:
            edits.extend(found)
            hinted.append(header.name)
    notes = [f"added type hints to {_names(hinted)}"] if hinted else []
    return apply_edits(text, edits), notes
