"""The completion handler: fill-in-the-middle ghost text in ``<completion>`` blocks.

The language server's completion prompt (:func:`kimi_lsp.prompts.completion_messages`)
has a system prompt asking for ``<completion>``-wrapped text and a user message made of
``Path:``, ``Language:``, optional ``<snippet path="...">`` blocks after ``Related code
from other open files:``, the file as ``<file>\\n{prefix}<CURSOR>{suffix}\\n</file>`` and a
scope line: the current line only, or the rest of the block; it may ask for up to N
different completions.

The answer is one sentence of reasoning (short: the request's small ``max_tokens`` counts
it) and ``<completion>TEXT</completion>``, or N different blocks (the best first) separated
by newlines. A ``stop: ["</completion>"]`` request then gets TEXT alone, as from the real
API. TEXT comes from the first rule that applies (see :mod:`.fimbody`, :mod:`.fimwords`):
an empty function body, a block body, a partial word, an open call, a line above the
statement after the cursor (:mod:`.fimstart`), a line end; in a string or comment it is
empty (:mod:`.fimquote` finds strings in a window that starts mid-file). When only the
current line is asked for, TEXT is its first line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .fimbody import block_body, function_body, line_end
from .fimscan import in_noise
from .fimsite import Answer, Fim, Site
from .fimstart import statement_start
from .fimwords import call, word
from .prompt import Prompt, header, message_text, resolve_language
from .script import Turn

CURSOR = "<CURSOR>"
TAG = "<completion>"
RELATED = "Related code from other open files:\n"
SNIPPET = re.compile(
    r'<snippet path="([^"\n]*)">\n(.*?)\n</snippet>\n(?=<snippet path="|<file>\n)', re.S
)
FILE_START = re.compile(r"^<file>\n", re.M)
FILE_END = "\n</file>"
SCOPE_LINE = "Complete the current line only."
ALTERNATIVES = re.compile(r"Give up to (\d+) different completions")
MAX_ALTERNATIVES = 10
NOISE_REASON = "The cursor is inside a string or comment, so I add nothing."
Rule = Callable[[Site], Answer | None]
RULES: list[Rule] = [function_body, block_body, word, call, statement_start]


def system_text(prompt: Prompt) -> str:
    """The text of the request's system messages."""
    return "\n".join(
        message_text(m.get("content")) for m in prompt.messages if m.get("role") == "system"
    )


def file_start(text: str) -> tuple[int, list[tuple[str, str]]] | None:
    """The offset of the file's text and the neighbour snippets before it."""
    first = FILE_START.search(text)
    related = text.find(RELATED)
    snippets: list[tuple[str, str]] = []
    if related != -1 and (first is None or related < first.start()):
        position = related + len(RELATED)
        while match := SNIPPET.match(text, position):
            snippets.append((match.group(1), match.group(2)))
            position = match.end()
        if text.startswith("<file>\n", position):
            return position + len("<file>\n"), snippets
    return (first.end(), snippets) if first else None


def parse_fim(prompt: Prompt) -> Fim | None:
    """Read a completion prompt; None if the last user message holds no ``<file>`` cursor."""
    text = prompt.text
    start = file_start(text)
    end = text.rfind(FILE_END)
    if start is None or end < start[0]:
        return None
    body = text[start[0] : end]
    cursor = body.rfind(CURSOR)
    if cursor == -1:
        return None
    head, tail = text[: start[0]], text[end + len(FILE_END) :]
    path = header(head, "Path")
    prefix, suffix = body[:cursor], body[cursor + len(CURSOR) :]
    language = resolve_language(header(head, "Language"), path, prefix + suffix)
    count = ALTERNATIVES.search(tail)
    return Fim(
        prefix,
        suffix,
        language,
        multiline=SCOPE_LINE not in tail,
        count=max(1, min(int(count.group(1)), MAX_ALTERNATIVES)) if count else 1,
        snippets=tuple(start[1]),
    )


def is_completion(prompt: Prompt) -> bool:
    """A completion request: ``<completion>`` asked for and a cursor inside ``<file>``."""
    return TAG in system_text(prompt) and parse_fim(prompt) is not None


def complete(fim: Fim) -> Answer:
    """The answer of the first rule that applies at the cursor."""
    site = Site(fim)
    if in_noise(fim.prefix, site.python, fim.suffix):
        return Answer(NOISE_REASON, [""], ["TODO", "..."])
    for rule in RULES:
        answer = rule(site)
        if answer is not None:
            return answer
    return line_end(site)


def choose(answer: Answer, fim: Fim) -> list[str]:
    """``fim.count`` different completions, the best first (first lines only if asked)."""
    texts: list[str] = []
    for text in [*answer.candidates, *answer.fillers]:
        text = text if fim.multiline else text.split("\n", 1)[0]
        if text not in texts:
            texts.append(text)
    comment = "#" if fim.language == "python" else "//"
    best, number = (texts[0] if texts else ""), len(texts)
    while len(texts) < fim.count:  # last resort: the best one with a distinct comment
        number += 1
        extra = f"{best}  {comment} alternative {number}"
        if extra not in texts:
            texts.append(extra)
    return texts[: fim.count]


def completion_answer(prompt: Prompt) -> Turn:
    """Answer a completion request with short reasoning and ``<completion>`` blocks."""
    fim = parse_fim(prompt)
    if fim is None:  # the detector accepted it: cannot happen, but stay total
        fim = Fim("", "", prompt.language or "python")
    answer = complete(fim)
    content = "\n".join(f"{TAG}{text}</completion>" for text in choose(answer, fim))
    return Turn(reasoning=answer.reason, content=content)
