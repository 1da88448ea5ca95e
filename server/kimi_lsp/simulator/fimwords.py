"""Completion rules inside a line: the end of a partial word, the arguments of a call.

A partial word is completed to (in order) a function of a neighbour snippet, a keyword
statement (``re`` → ``return result``), then names of the file ranked with difflib, then
builtins; a function name is completed with its ``(``. Inside an open call the missing
arguments are filled in from the names in scope, and the brackets of the line are closed
unless what follows the cursor closes them already.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from .fimbody import OPERAND
from .fimscan import IDENT, code_only, is_plural, reserved, split_top, unclosed
from .fimsite import Answer, Site

WORD_REASON = "The cursor ends a partial word; I complete the likeliest name."
CALL_REASON = "The cursor is inside an open call; I fill in its arguments."
WORDS = {
    "builtins": "print len range isinstance enumerate sorted super open sum min max list dict set",
    "constants": "None True False self",
    "js": "console document window Math JSON Object Array Promise this null",
    "loggers": "print log info debug warn warning error",
    "collections": "len sum sorted list set tuple enumerate reversed any all iter next frozenset",
    "scalars": "str int float bool repr abs round type id hash String Number",
}
PY_BUILTINS = [*WORDS["builtins"].split(), "str", "int", "float"]
PY_CONSTANTS = WORDS["constants"].split()
JS_CONSTANTS = WORDS["js"].split()
LOGGERS = frozenset(WORDS["loggers"].split())
COLLECTIONS = frozenset(WORDS["collections"].split())
SCALARS = frozenset(WORDS["scalars"].split())


def ranked(partial: str, names: Iterable[str]) -> list[str]:
    """The names longer than ``partial`` starting with it, the closest (difflib) first."""
    matching = [n for n in dict.fromkeys(names) if n.startswith(partial) and n != partial]
    score = {n: difflib.SequenceMatcher(None, partial, n).ratio() for n in matching}
    return sorted(matching, key=lambda n: -score[n])


def keyword_templates(site: Site) -> list[str]:
    """Statements a partial word at the start of a line may begin, most likely first."""
    names = site.names()
    name = names[0] if names else site.boolean(True)
    plural = site.plural() or "items"
    semi = site.semi
    returns = [*[f"return {n}{semi}" for n in [*names, site.none()]], f"return{semi}"]
    if site.python:
        return [
            *[site.return_line(), *returns, "raise NotImplementedError", f"for item in {plural}:"],
            *["while True:", f"if {name}:", f"elif {name}:", "else:", "try:"],
            *["except Exception:", "finally:", "pass", "break", "continue", f"yield {name}"],
        ]
    loops = [f"for (const item of {plural}) {{", f'console.log("done"){semi}'] if site.js else []
    return [
        *[site.return_line(), *returns, *loops, "while (true) {", f"if ({name}) {{", "else {"],
        *["try {", f"break{semi}", f"continue{semi}"],
    ]


def word_templates(site: Site, partial: str, start: int) -> list[str]:
    """Every whole text the partial word may grow into, most likely first."""
    paren = "" if site.rest.startswith("(") else "("
    line = site.code_line[:start]
    functions = {d.name for d in site.defs}
    suffix_code = code_only(site.fim.suffix, site.python, window=False)
    prefix_words = [m.group() for m in IDENT.finditer(site.code) if m.end() != len(site.code)]
    words = [w for w in prefix_words + IDENT.findall(suffix_code) if w not in reserved(site.python)]
    if line.endswith("."):
        owner = re.search(r"([^\W\d][\w.]*)\.\Z", line)
        text = site.code + suffix_code
        own = re.findall(rf"\b{re.escape(owner.group(1))}\.(\w+)", text) if owner else []
        methods = [d.name for d in site.defs if d.receiver]
        names = [*ranked(partial, own), *ranked(partial, methods)]
        names += ranked(partial, re.findall(r"\.([^\W\d]\w*)", text))
        return [n + paren if n in methods and n not in own else n for n in names]
    templates = [d.name + paren for d in site.snippet_defs if d.name.startswith(partial)]
    if not line.strip() and (len(partial) >= 2 or partial in reserved(site.python)):
        templates += keyword_templates(site)
    defined = [d.name for d in site.defs] + site.names()
    builtins = PY_BUILTINS + PY_CONSTANTS if site.python else JS_CONSTANTS
    for name in [*ranked(partial, defined), *ranked(partial, words), *ranked(partial, builtins)]:
        templates.append(name + paren if name in functions or name in PY_BUILTINS else name)
    return templates


def word(site: Site) -> Answer | None:
    """Complete the word the cursor ends (or the attribute after a ``.``)."""
    line = site.code_line
    match = re.search(r"[^\W\d]\w*\Z", line)
    if match is None and not line.endswith("."):
        return None
    start = match.start() if match else len(line)
    if start and (line[start - 1].isalnum() or line[start - 1] == "_"):
        return None
    if re.match(r"\w", site.rest):
        return Answer(WORD_REASON, [""])
    partial = match.group() if match else ""
    statement = not line[:start].strip()
    closing = "" if statement else site.closers()
    completions: list[str] = []
    calls: list[str] = []
    for template in word_templates(site, partial, start):
        if template.startswith(partial) and len(template) > len(partial):
            text = template[len(partial) :]
            completions.append(text if text.endswith(("(", "{", ":")) else text + closing)
            known = site.definition(template[:-1]) if text.endswith("(") else None
            if known is not None:
                calls.append(f"{text}{', '.join(known.params)}){closing}")
                calls.append(f"{text}){closing}")
    if not completions:
        return None
    return Answer(WORD_REASON, list(dict.fromkeys(completions)), calls)


def arguments(site: Site, function: str) -> list[str]:
    """Plausible arguments for a call of ``function`` (or the condition of ``if (``...)."""
    base = function.rsplit(".", 1)[-1]
    names = site.names()
    first, plural = names[:1], site.plural()
    if base in LOGGERS:
        return ['"done"']
    if base in ("max", "min"):
        return names[:2] or ["0", "1"]
    if base in COLLECTIONS:
        return [plural] if plural else []
    if base in SCALARS:
        return first or ["0"]
    if base == "range":
        return [f"len({plural})"] if plural and is_plural(plural) else first or ["10"]
    if base == "isinstance":
        return [first[0], "str"] if first else []
    if base == "open":
        path = next((n for n in names if re.search(r"path|file", n.lower())), '"data.txt"')
        return [path, 'encoding="utf-8"']
    if base in ("if", "while", "switch", "elif"):
        return first or [site.boolean(True)]
    if base == "for" and site.js:
        return [f"const item of {plural or 'items'}"]
    if base == "catch":
        return ["error"]
    definition = site.definition(base)
    return list(definition.params) if definition else first


def call(site: Site) -> Answer | None:
    """Fill in the arguments of the innermost call (or bracket) left open on the line."""
    stack = unclosed(site.code_line)
    if not stack:
        return None
    opener, position = stack[-1]
    typed, typed_code = site.line[position + 1 :], site.code_line[position + 1 :]
    closing = site.closers()
    head = site.code_line[:position]
    function = m.group(1) if (m := re.search(r"([^\W\d][\w.]*)[ \t]*\Z", head)) else ""
    used = set(IDENT.findall(typed_code))
    unused = [n for n in site.names() if n not in used]
    fillers = [n + closing for n in [*unused, "1", site.none()]]
    stripped = typed.rstrip()
    if re.search(r"\b(?:def|function|func|fn)[ \t]+\w*[ \t]*\Z", head):
        receiver = "self" if site.python and site.line.startswith((" ", "\t")) else ""
        return Answer(CALL_REASON, [receiver + closing])
    if stripped and not stripped.endswith(","):
        if OPERAND.search(stripped):
            space = "" if typed.endswith(" ") else " "
            return Answer(CALL_REASON, [space + f for f in fillers])
        return Answer(CALL_REASON, [closing], fillers)
    done = len(split_top(typed_code)) - 1 if stripped else 0
    if opener == "(":
        remaining = arguments(site, function)[done:]
    else:  # a subscript gets an index, a list or dict literal its first name
        remaining = ["0"] if opener == "[" and re.search(r"[\w)\]]\Z", head) else []
    if not remaining and stripped:
        remaining = unused[:1]
    separator = " " if typed.endswith(",") else ""
    best = separator + ", ".join(remaining) + closing
    others = [separator + f for f in fillers]
    return Answer(CALL_REASON, [best, *others])
