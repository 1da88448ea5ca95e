"""Compiling a regular expression from the model without letting the compile run away.

The `regex` module bounds matching with a timeout, but not compiling: it unrolls counted
repeats, so `a{4000000000}` or `(?:(?:(?:a{100}){100}){100}){100}` takes gigabytes and
minutes while holding the GIL. Before compiling, `compile_cost` scans the pattern (escapes,
`[...]` sets, groups, `{n,m}` counts) and estimates what the compile unrolls: each element
counts once, times every count that repeats it, inner and outer. The scan never
under-counts: where it is unsure (a set it cannot parse, an odd brace), it counts more.
Patterns over `MAX_COST` are refused before `regex.compile` sees them; so are the version-1
syntax (`(?V1)`, whose nested sets the scan does not follow) and patterns over
`MAX_QUERY_CHARS` characters.
"""

from __future__ import annotations

import re

import regex

MAX_QUERY_CHARS = 1_000
MAX_COST = 20_000
"""What a pattern may unroll to: `\\d{4}-\\d{2}` is 8, `.{0,5000}` 5,000 (about 5 MB and
10 ms to compile at this bound)."""

_COUNT = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_VERSION1 = re.compile(r"\(\?[a-zA-Z-]*V1")
_BRACED_ESCAPES = "pPNxuUgkLX"


class RegexRefused(ValueError):
    """The pattern is not compiled; the message says why and what to do."""


def compile_query(query: str, *, is_regex: bool, flags: int = 0) -> regex.Pattern[str]:
    """The compiled pattern for a search query (plain text is escaped), or RegexRefused."""
    if len(query) > MAX_QUERY_CHARS:
        raise RegexRefused(
            f"the query is too long ({len(query):,} characters; at most {MAX_QUERY_CHARS:,})"
        )
    if not is_regex:
        return regex.compile(regex.escape(query), flags)
    if _VERSION1.search(query):
        raise RegexRefused("version-1 regex syntax ((?V1)) is not supported; leave it out")
    cost = compile_cost(query)
    if cost > MAX_COST:
        raise RegexRefused(
            "the regular expression repeats too much (it would unroll to about "
            f"{cost:,} elements; at most {MAX_COST:,}): use smaller counts such as "
            "{1,100}, or * and + instead"
        )
    try:
        return regex.compile(query, flags)
    except (regex.error, OverflowError, ValueError, RecursionError) as exc:
        raise RegexRefused(f"invalid regular expression: {exc}") from None


def compile_cost(pattern: str) -> int:
    """An upper estimate of the elements `regex.compile` unrolls `pattern` into."""
    # Each open group: [its total so far, the cost of its last element].
    stack: list[list[int]] = [[0, 0]]
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i = _escape_end(pattern, i)
            _element(stack, 1)
        elif c == "[":
            i = _set_end(pattern, i)
            _element(stack, 1)
        elif c == "(":
            if pattern.startswith("(?#", i):
                close = pattern.find(")", i)
                i = n if close < 0 else close + 1
                continue
            stack.append([0, 0])  # `(?:`, `(?P<name>` ...: their letters count, a bit more
            i += 1
        elif c == ")":
            if len(stack) > 1:
                total = stack.pop()[0]
                _element(stack, max(total, 1))
            else:
                _element(stack, 1)
            i += 1
        elif c == "{":
            found = _COUNT.match(pattern, i)
            if found is None:
                _element(stack, 1)
                i += 1
            else:
                low, comma, high = found.groups()
                count = max(int(low or 0), int(high or 0) if comma else int(low or 0), 1)
                group = stack[-1]
                group[0] += group[1] * (count - 1)
                group[1] *= count
                i = found.end()
        elif c == "|":
            stack[-1][1] = 0
            i += 1
        elif c in "*+?":
            i += 1
        else:
            _element(stack, 1)
            i += 1
    while len(stack) > 1:
        total = stack.pop()[0]
        _element(stack, max(total, 1))
    return stack[0][0]


def _element(stack: list[list[int]], cost: int) -> None:
    group = stack[-1]
    group[0] += cost
    group[1] = cost


def _escape_end(pattern: str, i: int) -> int:
    """The index after the escape at `i` (`\\x`, `\\p{...}`, `\\g<...>` and the like)."""
    if i + 1 >= len(pattern):
        return i + 1
    letter = pattern[i + 1]
    j = i + 2
    if letter in _BRACED_ESCAPES and j < len(pattern) and pattern[j] in "{<":
        close = pattern.find("}" if pattern[j] == "{" else ">", j)
        return len(pattern) if close < 0 else close + 1
    return j


def _set_end(pattern: str, i: int) -> int:
    """The index after the set opening at `i`: at its first closing `]` (a `]` first in the
    set is a member). A set left open runs to the end, as it would fail to compile."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1
