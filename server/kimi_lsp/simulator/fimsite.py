"""The cursor's surroundings for the completion handler, and what an answer is made of."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .fimscan import (
    Definition,
    Scope,
    closers,
    code_only,
    definitions,
    is_plural,
    leading,
    reserved,
    scope_at,
    unclosed,
)

JS_LANGUAGES = frozenset({"javascript", "typescript", "javascriptreact", "typescriptreact"})
NO_SEMICOLON = frozenset({"python", "go", "kotlin", "swift", "scala"})


@dataclass(frozen=True)
class Fim:
    """A fill-in-the-middle request: the code around the cursor and what is asked."""

    prefix: str
    suffix: str
    language: str
    multiline: bool = True
    count: int = 1
    snippets: tuple[tuple[str, str], ...] = ()


@dataclass
class Answer:
    """A rule's answer: one-sentence reasoning and completions, the best first.

    ``fillers`` are weaker completions used only when alternatives run short.
    """

    reason: str
    candidates: list[str]
    fillers: list[str] = field(default_factory=list)


@dataclass
class Site:
    """The cursor of a :class:`Fim` request, read for the rules."""

    fim: Fim

    @property
    def python(self) -> bool:
        """Whether the file is Python (otherwise a brace language)."""
        return self.fim.language == "python"

    @property
    def js(self) -> bool:
        """Whether the file is JavaScript or TypeScript."""
        return self.fim.language in JS_LANGUAGES

    @property
    def line(self) -> str:
        """The cursor line up to the cursor."""
        return self.fim.prefix.rsplit("\n", 1)[-1]

    @property
    def rest(self) -> str:
        """The cursor line after the cursor."""
        return self.fim.suffix.split("\n", 1)[0]

    @property
    def before(self) -> str:
        """The prefix without the cursor line (ends with a newline unless empty)."""
        return self.fim.prefix[: len(self.fim.prefix) - len(self.line)]

    @property
    def semi(self) -> str:
        """The statement terminator to end a line with (none if code follows the cursor)."""
        return "" if self.fim.language in NO_SEMICOLON or self.rest.strip() else ";"

    @property
    def comment(self) -> str:
        """The line comment marker."""
        return "#" if self.python else "//"

    @cached_property
    def code(self) -> str:
        """The prefix with strings and comments blanked."""
        return code_only(self.fim.prefix, self.python)

    @cached_property
    def code_line(self) -> str:
        """The blanked cursor line up to the cursor."""
        return self.code.rsplit("\n", 1)[-1]

    @cached_property
    def scope(self) -> Scope:
        """The names in scope at the cursor."""
        return scope_at(self.code, self.fim.language, leading(self.line))

    @cached_property
    def defs(self) -> list[Definition]:
        """Functions defined in the prefix, the suffix, then the neighbour snippets."""
        found = definitions(self.code, self.fim.language)
        found += definitions(
            code_only(self.fim.suffix, self.python, window=False), self.fim.language
        )
        return found + self.snippet_defs

    @cached_property
    def snippet_defs(self) -> list[Definition]:
        """Functions defined in the neighbour snippets, in order."""
        found: list[Definition] = []
        for _, text in self.fim.snippets:
            found += definitions(code_only(text, self.python), self.fim.language)
        return found

    def definition(self, name: str) -> Definition | None:
        """The first known function called ``name``."""
        return next((d for d in self.defs if d.name == name), None)

    def names(self) -> list[str]:
        """Variable names in scope (functions left out)."""
        functions = {d.name for d in self.defs}
        keywords = reserved(self.python)
        return [n for n in self.scope.names() if n not in functions and n not in keywords]

    def plural(self) -> str | None:
        """The first collection-looking name in scope, else the first name."""
        names = self.names()
        return next((n for n in names if is_plural(n)), names[0] if names else None)

    def closers(self) -> str:
        """The brackets of the cursor line to close, given what follows the cursor."""
        return closers(unclosed(self.code_line), self.rest)

    def none(self) -> str:
        """The language's null value."""
        return "None" if self.python else "null"

    def boolean(self, value: bool) -> str:
        """The language's spelling of ``value``."""
        return str(value) if self.python else str(value).lower()

    def return_expr(self) -> str:
        """A plausible returned value: ``result``, the last assigned name, a parameter."""
        names = self.names()
        function = self.scope.function
        if "result" in names:
            return "result"
        if self.scope.last_assigned and self.scope.last_assigned in names:
            return self.scope.last_assigned
        if function and re.match(r"(is|has)(_|[A-Z])", function.name):
            return self.boolean(False)
        if self.scope.params:
            return self.scope.params[0]
        return "None" if self.python else ""

    def return_line(self) -> str:
        """A ``return`` statement of :meth:`return_expr`."""
        expr = self.return_expr()
        return f"return {expr}{self.semi}" if expr else f"return{self.semi}"

    def statements(self) -> list[str]:
        """Do-nothing statements, the most neutral first."""
        if self.python:
            return ["pass", "return None", "raise NotImplementedError", "..."]
        if self.fim.language == "go":
            return [f"{self.comment} TODO", "return", 'panic("not implemented")']
        if self.fim.language == "rust":
            return [f"{self.comment} TODO", "todo!()", "unimplemented!()"]
        return [
            f"{self.comment} TODO",
            f"return{self.semi}",
            f'throw new Error("Not implemented"){self.semi}',
            f"return null{self.semi}",
        ]
