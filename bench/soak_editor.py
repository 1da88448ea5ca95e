"""The editor side of the soak test: documents kept like VS Code keeps them, and generated
Python files to open."""

from __future__ import annotations

import asyncio
import random
import re
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from kimi_lsp.text import LineIndex

NAMES = ("total", "amount", "price", "count", "value", "ratio", "offset", "weight")
WORDS = ("café", "naïve", "résumé", "🙂 ok", "日本語", "plain")


def generate(rng: random.Random, index: int) -> str:
    """A Python module of 100 to 300 lines: functions, one class, some non-ASCII text."""
    target = rng.randint(100, 300)
    lines = [f'"""Generated module {index} for the soak test ({rng.choice(WORDS)})."""', ""]
    lines += ["import os", "import math", "", ""]
    n = 0
    while len(lines) < target - 12:
        name = f"func_{index}_{n}"
        a, b = rng.sample(NAMES, 2)
        lines.append(f"def {name}({a}, {b}=1):")
        for k in range(rng.randint(3, 10)):
            op = rng.choice("+-*")
            if k % 4 == 3:
                lines.append(f'    label = "{rng.choice(WORDS)} {k}"  # {rng.choice(WORDS)}')
            else:
                lines.append(f"    {a} = {a} {op} {b} * {k + 1}")
        lines.append(f"    if {a} > {rng.randint(10, 999)}:")
        lines.append(f"        return {b}")
        lines.append(f"    return {a}")
        lines += ["", ""]
        n += 1
    lines += [
        f"class Thing{index}:",
        "    def __init__(self, value):",
        "        self.value = value",
    ]
    lines += ["", "    def twice(self):", "        return self.value * 2", ""]
    return "\n".join(lines) + "\n"


def functions(text: str) -> list[tuple[int, int]]:
    """(first line, line after the last) of each top-level `def`, in the current text."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if re.match(r"def \w+\(", line)]
    out = []
    for s in starts:
        e = s + 1
        while e < len(lines) and (lines[e] == "" or lines[e][:1] in (" ", "\t")):
            e += 1
        while e > s + 1 and lines[e - 1].strip() == "":
            e -= 1
        out.append((s, e))
    return out


def utf16_position(text: str, offset: int) -> types.Position:
    before = text[:offset]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1 :]
    return types.Position(line=line, character=len(column.encode("utf-16-le")) // 2)


@dataclass
class Document:
    """One open document, as the editor holds it."""

    client: LanguageClient
    uri: str
    text: str
    version: int = 1
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held by a refactor, fix or undo, and by typing: no typing during a rewrite."""
    last_rewrite: tuple[str, str] | None = None
    """(text before, text after) of the last applied rewrite, while nothing else changed."""
    undoable: bool = False
    rejected: int = 0
    applied: int = 0
    log: list[str] = field(default_factory=list)

    def apply(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        """Apply a workspace edit as VS Code does: a stale version is rejected."""
        for change in params.edit.document_changes or []:
            if not isinstance(change, types.TextDocumentEdit) or change.text_document.uri != (
                self.uri
            ):
                continue
            if change.text_document.version != self.version:
                self.rejected += 1
                return types.ApplyWorkspaceEditResult(
                    applied=False, failure_reason="document version changed"
                )
            index = LineIndex(self.text)
            spans: list[tuple[int, int, str, types.Range]] = []
            for edit in change.edits:
                assert isinstance(edit, types.TextEdit | types.AnnotatedTextEdit), edit
                a = index.offset(edit.range.start.line, edit.range.start.character, "utf-16")
                b = index.offset(edit.range.end.line, edit.range.end.character, "utf-16")
                spans.append((a, b, edit.new_text, edit.range))
            spans.sort(key=lambda s: s[0], reverse=True)  # later edits first: ranges stay valid
            for a, b, new, _ in spans:
                self.text = self.text[:a] + new + self.text[b:]
            self.send_change(
                [types.TextDocumentContentChangePartial(range=r, text=t) for *_, t, r in spans]
            )
            self.applied += 1
        return types.ApplyWorkspaceEditResult(applied=True)

    def type(self, offset: int, chars: str) -> None:
        """The user types `chars` at `offset` (a code point offset)."""
        at = utf16_position(self.text, offset)
        self.text = self.text[:offset] + chars + self.text[offset:]
        self.last_rewrite = None
        self.send_change(
            [
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=at, end=at), text=chars
                )
            ]
        )

    def send_change(self, changes: list[Any]) -> None:
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=changes,
            )
        )
