"""Completion rule for a cursor at the start of an existing statement line.

With the cursor after a line's indentation and before its first word, the model can only
add a line above the statement: the completion ends with a newline and the indentation,
so the statement carries on below it. The line is the next ``self.x = x`` of a run of such
assignments when a parameter is still unassigned, else a short comment saying what the
statement does. When only the current line is asked for, nothing can be added this way.
"""

from __future__ import annotations

import re

from .fimscan import IDENT
from .fimsite import Answer, Site

START_REASON = "The cursor starts an existing statement, so I add one line above it."
SELF_ASSIGN = re.compile(r"[ \t]*(self|this)\.(\w+)[ \t]*=[ \t]*(\w+)[ \t;]*$")
ASSIGN = re.compile(
    r"(?:(?:const|let|var)[ \t]+)?([\w.]+(?:\[[^\]\n]*\])*)[ \t]*(?::[^=]*)?([-+*/%|&]?)=[^=]"
)
CALL = re.compile(r"(?:await[ \t]+)?([\w.]+)[ \t]*\(")
LONGEST = 40


def short(text: str, vague: str = "the condition") -> str:
    """``text`` without a trailing ``:``/``{``/``;``, or a vaguer phrase if it is long."""
    text = text.strip().rstrip(":{;").strip()
    return text if len(text) <= LONGEST else vague


def describe(statement: str) -> str:
    """A one-line comment text saying what ``statement`` does."""
    text = re.sub(r"^(?:async|await)[ \t]+", "", statement.strip())
    word = match.group() if (match := IDENT.match(text)) else ""
    rest = text[len(word) :]
    if word == "return":
        value = rest.strip().rstrip(";")
        return f"Return {value}." if value and len(value) <= LONGEST else "Return the result."
    if word in ("if", "elif"):
        return f"Check whether {short(rest)}."
    if word == "while":
        return f"Loop while {short(rest)}."
    if word == "for":
        loop = re.search(r"\b(?:in|of)\b[ \t]+(.+)", rest)
        return f"Go through {short(loop.group(1))}." if loop else "Loop over the items."
    if word == "raise" or word == "throw":
        return "Reject the input."
    if word in ("try", "with"):
        return "Guard the next step." if word == "try" else f"Open {short(rest, 'the context')}."
    if word in ("break", "continue", "pass"):
        return {"break": "Stop here.", "continue": "Skip to the next one."}.get(
            word, "Nothing to do here."
        )
    if assign := ASSIGN.match(text):
        target = assign.group(1)
        return f"Update {target}." if assign.group(2) else f"Set {target}."
    if call := CALL.match(text):
        return f"Call {call.group(1)}."
    return "Next step."


def next_self_assignment(site: Site) -> str | None:
    """``self.p = p`` for the first parameter not yet assigned, after such a run."""
    above = [ln for ln in site.before.split("\n") if ln.strip()]
    function = site.scope.function
    if not above or function is None or not SELF_ASSIGN.match(above[-1]):
        return None
    receiver = SELF_ASSIGN.match(above[-1])
    owner = receiver.group(1) if receiver else "self"
    region = site.code[function.end :] + "\n" + site.rest
    for name in function.params:
        if not re.search(rf"\b{owner}\.{name}[ \t]*=", region):
            return f"{owner}.{name} = {name}{site.semi}"
    return None


def statement_start(site: Site) -> Answer | None:
    """A line to insert above the statement that starts right after the cursor."""
    if site.line.strip() or not IDENT.match(site.rest) or not site.fim.multiline:
        return None
    if site.scope.function is None and not site.line:
        return None
    comment = f"{site.comment} {describe(site.rest)}"
    lines = [line for line in [next_self_assignment(site), comment] if line]
    others = [f"{site.comment} TODO", *site.statements()]
    newline = "\n" + site.line
    return Answer(START_REASON, [s + newline for s in lines], [s + newline for s in others])
