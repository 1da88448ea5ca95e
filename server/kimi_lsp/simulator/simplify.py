"""Small behaviour-preserving simplifications of Python code, by regular expressions.

- ``if x == True:`` -> ``if x:`` and ``if x == False:`` -> ``if not x:`` (also ``!=``);
- ``len(x) == 0`` -> ``not x``, and ``len(x) > 0`` -> ``x`` in a condition
  (``bool(x)`` elsewhere);
- ``not x in y`` -> ``x not in y``;
- ``if c:`` / ``return True`` / ``else:`` / ``return False`` -> ``return bool(c)``
  (``return not c`` the other way round; no ``bool()`` around a ``not``);
- ``True if c else False`` -> ``bool(c)``, ``False if c else True`` -> ``not c``.

Matches inside string literals and comments are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .pyscan import inside, noise_spans

SIMPLE = r"[^\W\d][\w.]*(?:\([^()\n]*\))?"
"""A name, an attribute chain, or a call with simple arguments."""
EXPRESSION_END = r"(?=[ \t]*(?:$|#|[:)\],]|\b(?:and|or|if|else)\b))"
EXPRESSION_START = (
    r"(?P<pre>\b(?:if|elif|while|return|and|or)[ \t]+|(?<![=!<>])=[ \t]*|[(\[,][ \t]*)"
)

BOOL_BLOCK = re.compile(
    r"^(?P<i>[ \t]*)if[ \t]+(?P<c>[^\n#]+?)[ \t]*:[ \t]*\n"
    r"(?P=i)(?P<b>[ \t]+)return[ \t]+(?P<t>True|False)[ \t]*\n"
    r"(?P=i)else[ \t]*:[ \t]*\n"
    r"(?P=i)(?P=b)return[ \t]+(?P<f>True|False)[ \t]*$",
    re.M,
)
BOOL_TERNARY = re.compile(
    EXPRESSION_START + r"(?P<t>True|False)[ \t]+if[ \t]+(?P<c>[^\n#]+?)[ \t]+else[ \t]+"
    r"(?P<f>True|False)" + EXPRESSION_END,
    re.M,
)
COMPARED_TO_BOOL = re.compile(
    rf"^(?P<head>[ \t]*(?:if|elif|while)[ \t]+)(?P<c>{SIMPLE})[ \t]*(?P<op>==|!=)[ \t]*"
    r"(?P<v>True|False)[ \t]*:",
    re.M,
)
LEN_TEST = re.compile(
    EXPRESSION_START + r"len\((?P<x>[^\W\d][\w.]*)\)[ \t]*(?P<op>==|!=|>=|<=|>|<)[ \t]*"
    r"(?P<n>[01])\b" + EXPRESSION_END,
    re.M,
)
NOT_IN = re.compile(rf"(?<!\bis )\bnot[ \t]+(?P<x>{SIMPLE})[ \t]+in[ \t]+")
EMPTY = {("==", "0"), ("<", "1"), ("<=", "0")}
NOT_EMPTY = {("!=", "0"), (">", "0"), (">=", "1")}
CONDITIONS = ("if", "elif", "while")


def negate(condition: str) -> str:
    """``not condition``, parenthesised unless it is a simple operand."""
    condition = condition.strip()
    negated = re.fullmatch(rf"not[ \t]+({SIMPLE})", condition)
    if negated is not None:
        return f"bool({negated[1]})"
    return f"not {condition}" if re.fullmatch(SIMPLE, condition) else f"not ({condition})"


def as_bool(condition: str, value: str) -> str:
    """``condition`` as a bool (``value`` is the one returned when it holds)."""
    if value == "False":
        return negate(condition)
    condition = condition.strip()
    return condition if re.fullmatch(rf"not[ \t]+{SIMPLE}", condition) else f"bool({condition})"


def _bool_block(match: re.Match[str]) -> str | None:
    """``if c: return True else: return False`` -> ``return bool(c)``."""
    if match["t"] == match["f"]:
        return None
    return f"{match['i']}return {as_bool(match['c'], match['t'])}"


def _bool_ternary(match: re.Match[str]) -> str | None:
    """``True if c else False`` -> ``bool(c)``."""
    if match["t"] == match["f"] or " if " in f" {match['c']} ":
        return None
    return match["pre"] + as_bool(match["c"], match["t"])


def _compared_to_bool(match: re.Match[str]) -> str | None:
    """``if x == True:`` -> ``if x:``."""
    truthy = (match["op"] == "==") == (match["v"] == "True")
    return match["head"] + (match["c"] if truthy else negate(match["c"])) + ":"


def _len_test(match: re.Match[str]) -> str | None:
    """``len(x) == 0`` -> ``not x``; ``len(x) > 0`` -> ``x`` in a condition."""
    test = (match["op"], match["n"])
    if test in EMPTY:
        return f"{match['pre']}not {match['x']}"
    if test not in NOT_EMPTY:
        return None
    in_condition = match["pre"].strip() in CONDITIONS
    return match["pre"] + (match["x"] if in_condition else f"bool({match['x']})")


def _not_in(match: re.Match[str]) -> str | None:
    """``not x in y`` -> ``x not in y``."""
    return f"{match['x']} not in "


RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]] = [
    (COMPARED_TO_BOOL, _compared_to_bool),
    (LEN_TEST, _len_test),
    (NOT_IN, _not_in),
    (BOOL_BLOCK, _bool_block),
    (BOOL_TERNARY, _bool_ternary),
]


def simplify_python(text: str) -> tuple[str, int]:
    """Apply every rule to ``text``; return the new text and how many rewrites were made."""
    count = 0
    for pattern, rewrite in RULES:
        spans = noise_spans(text)
        pieces: list[str] = []
        last = 0
        for match in pattern.finditer(text):
            if inside(spans, match.start()) or inside(spans, match.end() - 1):
                continue
            new = rewrite(match)
            if new is None:
                continue
            pieces.append(text[last : match.start()] + new)
            last = match.end()
            count += 1
        text = "".join(pieces) + text[last:]
    return text, count
