"""Turning a chat model's reply into ghost text that never gets in the way.

Rules, in order: take the `<completion>` blocks (the stop sequence may have cut the
closing tag); drop reasoning that leaked into content and Markdown fences; drop an echo of
the text before the cursor; keep one line unless the cursor context calls for more, and
never more than the current block; never repeat what follows the cursor (closing
brackets, or whole lines); nothing left means no item.

Later lines must carry the file's own indentation (the prompt says so). A reply whose later
lines are indented less than the cursor's block is cut there: a shorter suggestion is
better than a wrongly indented one.
"""

from __future__ import annotations

import re

from kimi_lsp.ghost_text.context import CursorContext

_BLOCK = re.compile(r"<completion>(.*?)(?:</completion>|$)", re.S)
_THINK = re.compile(r"<(think|thinking|reasoning)>.*?(</\1>|$)", re.S | re.I)
_FENCE = re.compile(r"^\s*```[^\n]*\n(.*?)(?:\n```\s*)?$", re.S)
_OPENERS = (":", "{", "(", "[", "=>", "->", " do", "then")
_PAIRS = {")": "(", "]": "[", "}": "{"}


def wants_multiline(ctx: CursorContext) -> bool:
    """More than one line only on an empty line or right after a block opener, with nothing
    after the cursor on its line."""
    if ctx.line_after.strip():
        return False
    before = ctx.line_before.rstrip()
    return not before.strip() or before.endswith(_OPENERS)


def extract(content: str) -> list[str]:
    """The candidate texts in a reply (one per `<completion>` block, else the whole)."""
    content = _THINK.sub("", content)
    blocks = _BLOCK.findall(content)
    return list(blocks) if "<completion>" in content else [content]


def clean(text: str, ctx: CursorContext, multiline: bool) -> str | None:
    """One candidate made safe to show at the cursor, or None."""
    text = _THINK.sub("", text)
    fenced = _FENCE.match(text)
    if fenced and "```" in text:
        text = fenced.group(1)
    text = text.replace("<CURSOR>", "")
    text = _drop_echo(text, ctx)
    if ctx.line_before.strip() == "" and text[: len(ctx.indent)] == ctx.indent:
        text = text[len(ctx.indent) :]  # the cursor already stands after the indentation
    lines = text.split("\n")
    if not multiline:
        lines = lines[:1]
    else:
        lines = _within_block(lines, ctx)
        lines = _drop_repeated_suffix_lines(lines, ctx)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    lines[-1] = (
        drop_closing_overlap(lines[-1].rstrip(), ctx.line_after)
        if len(lines) == 1
        else lines[-1].rstrip()
    )
    result = "\n".join(line.rstrip() for line in lines)
    return result if result.strip() else None


def _drop_echo(text: str, ctx: CursorContext) -> str:
    """Remove the cursor's line (or its stripped content) if the model repeated it."""
    for echo in (ctx.line_before, ctx.line_before.lstrip()):
        if echo.strip() and text.startswith(echo):
            return text[len(echo) :]
    return text


def _block_indent(ctx: CursorContext) -> int:
    before = ctx.line_before.rstrip()
    width = len(ctx.indent)
    return width + 1 if before.endswith(_OPENERS) and before.strip() else width


def _within_block(lines: list[str], ctx: CursorContext) -> list[str]:
    """Cut before the first later line that dedents out of the cursor's block."""
    floor = _block_indent(ctx)
    out = lines[:1]
    for line in lines[1:]:
        if line.strip() and len(line) - len(line.lstrip(" \t")) < floor:
            break
        out.append(line)
    return out


def _drop_repeated_suffix_lines(lines: list[str], ctx: CursorContext) -> list[str]:
    """If the completion ends with lines that already follow the cursor, drop them."""
    after = [line.strip() for line in ctx.suffix.split("\n")[1:] if line.strip()][:8]
    for count in range(min(len(lines) - 1, len(after)), 0, -1):
        tail = [line.strip() for line in lines[-count:]]
        if tail == after[:count]:
            return lines[:-count]
    return lines


def drop_closing_overlap(line: str, line_after: str) -> str:
    """`a, b)` before an existing `)` loses its `)`: only brackets the completion does not
    open itself are dropped, so `foo()` stays whole."""
    after = line_after.strip()
    for size in range(min(len(after), len(line)), 0, -1):  # no tail longer than the line
        tail = after[:size]
        if line.endswith(tail) and _unbalanced_closers(line) >= _closers(tail):
            return line[: -len(tail)]
    return line


def _closers(text: str) -> int:
    return sum(1 for ch in text if ch in _PAIRS)


def _unbalanced_closers(text: str) -> int:
    depth: dict[str, int] = {}
    extra = 0
    for ch in text:
        if ch in _PAIRS.values():
            depth[ch] = depth.get(ch, 0) + 1
        elif ch in _PAIRS:
            opener = _PAIRS[ch]
            if depth.get(opener, 0):
                depth[opener] -= 1
            else:
                extra += 1
    return extra
