"""Where Python string literals and comments are in a window cut from the middle of a file.

The completion prompt holds only a window of the file, so it may start inside a docstring:
counting triple quotes from the window's start would then flip every string into code and
every piece of code into a string. :func:`py_noise` tries both readings (start in code,
start inside a ``\"\"\"`` or ``'''`` string) and keeps the one whose triple quotes look most
like openers where it opens strings and like closers where it closes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

PY_NOISE = re.compile(
    r"#[^\n]*|(\"\"\"|''')[\s\S]*?(?:\1|\Z)|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\.|[^'\\\n])*'?"
)
TRIPLES = ('"""', "'''")
# What comes before a quote that opens a string: an operator, a bracket, a keyword...
OPENS_AFTER = re.compile(
    r"(?:[=(\[{,:%+]|\b(?:return|yield|assert|in|if|else|and|or|not|lambda))"
    r"[ \t]*(?:[rRbBuUfF]{1,2})?\Z"
)
PREFIX_ONLY = re.compile(r"[ \t]*(?:[rRbBuUfF]{1,2})?\Z")
CLOSER_TAIL = re.compile(r"[ \t]*(?:[)\]},.:;%]|\\?$|#|\b(?:if|else|for|and|or|in)\b)")
CODE_LINE = re.compile(
    r"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+\w+[ \t]*\(|class[ \t]+\w+[ \t]*[(:]"
    r"|(?:return|raise|import|from[ \t]+[\w.]+[ \t]+import)\b"
    r"|(?:if|elif|while|for|with)\b[^\n]*:[ \t]*$|(?:else|try|finally)[ \t]*:"
    r"|[\w.]+(?:\[[^\]\n]*\])?[ \t]*(?:[-+*/%|&]|//)?=[^=])",
    re.M,
)


def open_score(text: str, pos: int) -> int:
    """How much the triple quote at ``pos`` looks like an opener (> 0) or a closer (< 0)."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    before = text[line_start:pos]
    after = text[pos + 3 : len(text) if line_end == -1 else line_end]
    score = 0
    if PREFIX_ONLY.match(before):  # nothing but indentation before it
        score += 2 if after.strip() and not CLOSER_TAIL.match(after) else 0
    elif OPENS_AFTER.search(before.rstrip()):
        score += 2
    else:  # text before it on its line: the end of a string
        score -= 2
    if CLOSER_TAIL.match(after) and after.strip():
        score -= 1
    return score


def closed(noise: str) -> bool:
    """Whether the triple-quoted ``noise`` ends with its closing quote."""
    quote = noise[:3]
    return len(noise) >= 6 and noise.endswith(quote) and not noise.endswith("\\" + quote)


def reading(text: str, start: int) -> tuple[int, list[re.Match[str]]]:
    """The score and the noise matches of the scan of ``text`` from ``start``."""
    score = -open_score(text, start - 3) if start else 0
    matches = list(PY_NOISE.finditer(text, start))
    for match in matches:
        noise = match.group()
        if noise[:3] in TRIPLES:
            score += open_score(text, match.start())
            if closed(noise):
                score -= open_score(text, match.end() - 3)
    return score, matches


def py_noise(text: str) -> tuple[int, list[re.Match[str]]]:
    """``(start, matches)``: ``text[:start]`` is the tail of a string, then the matches."""
    best_start, (best_score, best) = 0, reading(text, 0)
    for quote in TRIPLES:
        first = text.find(quote)
        if first == -1:
            continue
        score, matches = reading(text, first + 3)
        if score > best_score:
            best_start, best_score, best = first + 3, score, matches
    return best_start, best


def py_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans of ``text`` that are strings or comments."""
    start, matches = py_noise(text)
    if start:
        yield 0, start
    for match in matches:
        yield match.span()


def closes_soon(quote: str, suffix: str) -> bool:
    """Whether ``suffix`` closes a ``quote`` string before anything that looks like code."""
    end = suffix.find(quote)
    head = suffix if end == -1 else suffix[:end]
    if CODE_LINE.search(head):
        return False
    return end != -1 or not CODE_LINE.search(suffix)


def line_noise(line: str) -> bool:
    """Whether the end of ``line``, read on its own, is in a comment or one-line string."""
    last = None
    for match in PY_NOISE.finditer(line):
        last = match
    if last is None or last.end() != len(line):
        return False
    noise = last.group()
    if noise.startswith("#"):
        return True
    if noise[:3] in TRIPLES:
        return False
    ends = len(noise) >= 2 and noise.endswith(noise[0])
    return not ends or noise.endswith("\\" + noise[0])


def py_in_noise(prefix: str, suffix: str) -> bool:
    """Whether the cursor between ``prefix`` and ``suffix`` is in a string or comment.

    Comments and one-line strings are read from the cursor line alone; a triple-quoted
    string counts only if its opening quote looks like one and ``suffix`` closes it soon.
    """
    if line_noise(prefix.rsplit("\n", 1)[-1]):
        return True
    _, matches = py_noise(prefix)
    last = matches[-1] if matches else None
    if last is None or last.end() != len(prefix) or last.group()[:3] not in TRIPLES:
        return False
    noise = last.group()
    if closed(noise):
        return False
    return open_score(prefix, last.start()) >= 0 and closes_soon(noise[:3], suffix)
