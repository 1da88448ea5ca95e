"""The rewrite handler: refactorings and fixes, answered with exactly one code block.

The language server's rewrite prompt starts with ``Rewrite the selected code:
<instruction>`` (a fix instruction continues with ``- line N: [source code] message``
lines), then ``Path:``, ``Language:`` and the ``<context_before>``, ``<selection>``,
``<context_after>`` blocks. The answer is one turn, never a tool call: a sentence or two
of reasoning and, as content, only ```` ```<language> ```` + new code + a closing fence
line, so the block's text ends with a newline exactly when the selection does.

The new code is the selection with its indentation kept, transformed by the instruction:

- a fix (it starts with "fix" or lists problems): see :mod:`.fixes`;
- "docstring": one-line docstrings in Python, a comment line above definitions elsewhere;
- "type hints" / "types": ``object``/``None`` hints in Python; elsewhere a comment says
  the code is unchanged;
- "simplify": small behaviour-preserving rewrites in Python (see :mod:`.simplify`);
- (those three combine, in that order) anything else: a ``Refactored: <instruction>``
  comment above the unchanged code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from .doccomments import add_doc_comments
from .explain import LANGUAGE_NAMES
from .fixes import fix_code, is_fix
from .prompt import Prompt
from .pyrewrite import add_docstrings, add_type_hints
from .rewritecode import Code, comment, inline_comment, leading, read_code
from .script import Turn
from .simplify import simplify_python

REWRITE_PREFIX = "Rewrite the selected code:"
INSTRUCTION_END = re.compile(r"^[ \t]*(?:Path:|Language:|<context_before>|<selection>)", re.I)
TYPES = re.compile(r"\btype[ -]?hints?\b|\btypes\b|\btyping\b", re.I)
TYPES_ELSEWHERE = "Type hints unchanged: they are added automatically to Python code only"
Result = tuple[str, list[str]]
Step = Callable[[Code], Result]


def is_rewrite(prompt: Prompt) -> bool:
    """Detect a rewrite request: the last user message starts with the rewrite prefix."""
    return prompt.text.lstrip().startswith(REWRITE_PREFIX)


def rewrite_instruction(text: str) -> str:
    """The instruction of a rewrite prompt (possibly several lines)."""
    lines: list[str] = []
    for line in text.lstrip().removeprefix(REWRITE_PREFIX).split("\n"):
        if INSTRUCTION_END.match(line):
            break
        lines.append(line.rstrip("\r"))
    return "\n".join(lines).strip()


def with_comment(code: Code, text: str) -> Result:
    """Put a comment above the code, at the selection's indentation.

    A selection starting after other code on its line gets the comment at the end of its
    first line instead, or before it (a ``/* */`` comment) if code follows it on that line.
    """
    full = code.text
    note = comment(code.language, text)
    said = f"put a comment saying {text!r}"
    if not code.prefix.strip():
        first = next((line for line in full.split("\n") if line.strip()), full)
        indent = leading(first) if leading(first).startswith(code.prefix) else code.prefix
        return f"{indent}{note}\n{full}", [f"{said} above the code"]
    if "\n" in code.selection or not code.after.split("\n", 1)[0].strip():
        head, newline, rest = full.partition("\n")
        return f"{head}  {note}{newline}{rest}", [f"{said} at the end of its first line"]
    inline = inline_comment(code.language, text)
    if inline is None:
        return full, ["left the code as it is: no comment fits inside its line"]
    return f"{code.prefix}{inline} {code.selection}", [f"{said} before it"]


def simplify(code: Code) -> Result:
    """Simplify Python code; other languages are returned unchanged."""
    if code.language != "python":
        return code.text, []
    text, count = simplify_python(code.text)
    return text, [f"made {count} small simplification{'s' if count != 1 else ''}"] if count else []


def steps_for(instruction: str, language: str) -> list[Step]:
    """The transforms an instruction asks for, in order."""
    python = language == "python"
    lowered = instruction.lower()
    steps: list[Step] = []
    if "docstring" in lowered:
        steps.append(add_docstrings if python else add_doc_comments)
    if TYPES.search(instruction):
        steps.append(add_type_hints if python else lambda c: with_comment(c, TYPES_ELSEWHERE))
    if "simplif" in lowered:
        steps.append(simplify)
    if not steps:
        note = "Refactored: " + " ".join(instruction.split())
        steps.append(lambda c: with_comment(c, note))
    return steps


def rewrite_code(code: Code, instruction: str) -> Result:
    """Transform the code as ``instruction`` asks; return the new text and notes."""
    if not code.selection:
        return code.text, []
    if is_fix(instruction):
        steps: list[Step] = [lambda c: fix_code(c, instruction)]
    else:
        steps = steps_for(instruction, code.language)
    notes: list[str] = []
    for step in steps:
        text, done = step(code)
        if text.startswith(code.prefix):  # a transform may never touch the unselected part
            code = dataclasses.replace(code, selection=text[len(code.prefix) :])
            notes.extend(done)
    return code.text, notes


def fenced(language: str, code: str) -> str:
    """One Markdown code block holding exactly ``code`` (its fence longer than any inside)."""
    longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def rewrite_answer(prompt: Prompt) -> Turn:
    """Answer a rewrite request with reasoning and one code block."""
    instruction = rewrite_instruction(prompt.text)
    code = read_code(prompt)
    text, notes = rewrite_code(code, instruction)
    task = instruction.split("\n", 1)[0].rstrip(":")
    if len(task) > 80:
        task = task[:77] + "..."
    count = len(code.selection.splitlines())
    language = LANGUAGE_NAMES.get(code.language, code.language)
    done = f"I {'; '.join(notes)}" if notes else "Nothing in it needs changing, so I keep it"
    reasoning = (
        f"The user wants {count} line{'s' if count != 1 else ''} of {language} rewritten "
        f"({task}). {done}, keeping the indentation, and reply with one code block."
    )
    return Turn(reasoning=reasoning, content=fenced(code.language, code.replacement(text)))
