"""The code of a rewrite request, and the helpers the rewrite transforms share.

A selection may start in the middle of a line: ``prefix`` is the part of its first line
that precedes it (the end of ``<context_before>``). Transforms work on ``text`` (prefix
plus selection: whole lines, so indentation is measured on real lines) and must keep the
prefix; the answer drops it again. Line endings are ``\\n`` inside; a selection whose
every line ends with ``\\r\\n`` gets them back in the answer.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .prompt import Prompt

Edit = tuple[int, int, str]
"""Replace ``text[start:end]`` by a new text."""

_HASH_TEXT = """
python shellscript shell sh bash zsh fish ruby perl r yaml toml makefile dockerfile
powershell elixir julia nim coffeescript cmake
"""
HASH_COMMENTS = frozenset(_HASH_TEXT.split())
DASH_COMMENTS = frozenset({"lua", "sql", "haskell", "elm", "ada", "plsql"})
MARKUP = frozenset({"html", "xml", "markdown", "vue", "svelte"})
STYLESHEETS = frozenset({"css", "scss", "less"})


@dataclass
class Code:
    """The selection of a rewrite request with what surrounds it."""

    selection: str
    prefix: str = ""
    before: str = ""
    after: str = ""
    language: str = "text"
    crlf: bool = False

    @property
    def text(self) -> str:
        """The selection with the start of its first line: whole lines."""
        return self.prefix + self.selection

    def replacement(self, text: str) -> str:
        """Turn a transformed ``text`` back into the selection's replacement."""
        result = text[len(self.prefix) :]
        return result.replace("\n", "\r\n") if self.crlf else result

    def following_lines(self, offset: int) -> Iterator[str]:
        """The lines after the one holding ``offset``: in the selection, then after it."""
        yield from self.text[offset:].split("\n")[1:]
        after = self.after.split("\n")
        if not self.text.endswith("\n") and after:
            after = after[1:]  # the rest of the selection's last line
        yield from after

    def line_above(self, index: int, lines: list[str]) -> str | None:
        """The closest non-blank line above line ``index`` of ``lines`` (or of the context)."""
        above = lines[:index] if index else self.before.split("\n")[:-1]
        return next((line for line in reversed(above) if line.strip()), None)


def read_code(prompt: Prompt) -> Code:
    """Build the :class:`Code` of a rewrite prompt."""
    selection = prompt.selection or ""
    before = prompt.context_before or ""
    after = prompt.context_after or ""
    crlf = "\n" in selection and selection.count("\r\n") == selection.count("\n")
    if crlf:
        selection, before, after = (s.replace("\r\n", "\n") for s in (selection, before, after))
    cut = before.rfind("\n") + 1
    return Code(
        selection=selection,
        prefix=before[cut:],
        before=before[:cut],
        after=after,
        language=prompt.language or "text",
        crlf=crlf,
    )


def comment(language: str, text: str) -> str:
    """A whole-line comment saying ``text`` in ``language``."""
    if language in MARKUP:
        return f"<!-- {text} -->"
    if language in STYLESHEETS:
        return f"/* {text} */"
    if language in HASH_COMMENTS:
        return f"# {text}"
    if language in DASH_COMMENTS:
        return f"-- {text}"
    return f"// {text}"


def inline_comment(language: str, text: str) -> str | None:
    """A comment that may sit before code on the same line; None if the language has none."""
    if language in HASH_COMMENTS or language == "haskell":
        return None
    if language == "lua":
        return f"--[[ {text} ]]"
    if language in MARKUP:
        return f"<!-- {text} -->"
    return f"/* {text} */"


def comment_markers(language: str) -> tuple[str, ...]:
    """How the comment lines of ``language`` start."""
    if language in HASH_COMMENTS:
        return ("#",)
    if language in DASH_COMMENTS:
        return ("--",)
    return ("//", "/*", "*", "<!--")


def leading(line: str) -> str:
    """The leading whitespace of ``line``."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def width(line: str) -> int:
    """The indentation width of ``line`` (tabs count as 8)."""
    return len(leading(line).expandtabs(8))


def _unit(text: str) -> str | None:
    """The indentation step of ``text``: a tab, or the commonest step after a block opener."""
    lines = [line for line in text.split("\n") if line.strip()]
    if any(line.startswith("\t") for line in lines):
        return "\t"
    steps: Counter[int] = Counter()
    for previous, line in itertools.pairwise(lines):
        if previous.rstrip().endswith((":", "{", "(", "[")):
            step = width(line) - width(previous)
            if step > 0:
                steps[step] += 1
    if not steps:
        return None
    return " " * max(steps.items(), key=lambda item: (item[1], -item[0]))[0]


def indent_unit(code: Code) -> str:
    """The file's indentation unit: from the selection, else the context, else 4 spaces."""
    return _unit(code.text) or _unit(code.before + "\n" + code.after) or "    "


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (positions in the original ``text``)."""
    for start, end, new in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


def line_end(text: str, offset: int) -> int:
    """The offset of the end of the line holding ``offset`` (before its newline)."""
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def name_words(name: str) -> list[str]:
    """Split a snake_case or CamelCase identifier into words: ``HTTPServer`` -> HTTP, Server."""
    words: list[str] = []
    for part in name.split("_"):
        current = ""
        for index, char in enumerate(part):
            previous = part[index - 1] if index else ""
            following = part[index + 1 : index + 2]
            boundary = current and (
                char.isdigit() != previous.isdigit()
                or (char.isupper() and previous.islower())
                or (char.isupper() and previous.isupper() and following.islower())
            )
            if boundary:
                words.append(current)
                current = ""
            current += char
        if current:
            words.append(current)
    return words


def describe_name(name: str) -> str:
    """A one-sentence description made from a name: ``total_value`` -> ``Total value.``."""
    if name == "__init__":
        return "Initialize the instance."
    words = [w if len(w) > 1 and w.isupper() else w.lower() for w in name_words(name)]
    if not words:
        return f"{name}."
    sentence = " ".join(words)
    return sentence[0].upper() + sentence[1:] + "."
