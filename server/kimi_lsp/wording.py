"""How the server words what a user reads: one prefix, whole sentences, one money format.

The rules (docs/protocol.md, "Messages"), and `faults()`, which checks a text against them
(the message scan tests run it over everything the server can send):

- A message shown to the user (`window/showMessage`) or answered as RequestFailed starts
  with `Kimi: ` once; the texts it is built from (a `ModelError`'s message, a refusal)
  never carry the prefix themselves, so it cannot double.
- It is made of whole sentences, each ending with a full stop (or `?`, `!`); two
  sentences are never glued without one (`sentences()` joins them).
- No Python class names (`KeyError: ...`), reprs or tracebacks: the server log keeps those.
- Dollars go through `usd()`, and nowhere else.
- Never the API key (`logs.SECRETS` and `model.errors.redact` see to it).

Nothing here imports from the rest of the package: every layer may use it.
"""

from __future__ import annotations

import math
import re

PREFIX = "Kimi: "
"""The one prefix of what the server shows or answers as a failure."""
QUOTING = "The API said:"
"""What introduces an API's own words in a message (they are not checked for style)."""


def usd(amount: float) -> str:
    """Dollars as every message shows them.

    From $1: cents (`$2.00`). Below $1: four places (`$0.0020`, `$0.0123`), of the amount
    rounded to the millionth first, as `kimi.usage` rounds `costUsd`, so a client that
    shows `costUsd` to four places shows the same digits. A non-zero amount that four
    places would show as `$0.0000`: two significant digits (`$0.000034`), never a zero.
    Zero: `$0.00`.
    """
    if amount <= 0 or not math.isfinite(amount):
        return "$0.00" if amount == 0 or not math.isfinite(amount) else f"-{usd(-amount)}"
    shown = round(amount, 6)
    if shown >= 1:
        return f"${shown:.2f}"
    if f"{shown:.4f}" != "0.0000":
        return f"${shown:.4f}"
    places = 1 - math.floor(math.log10(amount))
    return f"${amount:.{places}f}"


def sentence(text: str) -> str:
    """`text` as a whole sentence: trimmed, ending with a full stop unless it already ends
    with one (or with `?`, `!`, `)`, `…`)."""
    text = " ".join(text.split())
    if not text:
        return text
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def sentences(*parts: str) -> str:
    """Whole sentences joined by a space, each ended; empty parts are left out."""
    return " ".join(sentence(part) for part in parts if part and part.strip())


def bare(text: str) -> str:
    """`text` without the `Kimi: ` prefix, however many times it was put there."""
    body = text.strip()
    while body.lower().startswith(PREFIX.strip().lower()):
        body = body[len(PREFIX.strip()) :].lstrip()
    return body


def prefixed(text: str) -> str:
    """`Kimi: ` and the sentences of `text`, with the prefix exactly once."""
    return PREFIX + sentence(bare(text))


def one_line(text: str) -> str:
    """The first line of `text` (a log record for the client: its traceback stays in the
    server's own log)."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first


# --- the checks ---------------------------------------------------------------------------

PROPER_NOUNS = frozenset(
    {
        *("Kimi", "Code", "Visual", "Studio", "Neovim", "Vim", "Emacs", "Eglot", "Command"),
        *("Palette", "Set", "Key", "Accept", "Reject", "Change", "Moonshot", "Python"),
        *("Markdown", "GitHub", "Debian", "Retry", "After", "Input", "Value"),
    }
)
"""Capitalised words that may follow a word without a full stop."""
CAMEL_OK = frozenset(
    {
        *("EmpirioLabs", "LiteLLM", "OpenAI", "OpenRouter", "GitHub", "FastAPI"),
        *("YouCompleteMe", "CommonMark", "JavaScript", "TypeScript", "VSCodium", "DeepSeek"),
        *("PyPI", "KiB", "MiB", "GiB"),
    }
)
"""Product names written in camel case, which are not class names."""

_QUOTED = re.compile(r"`[^`]*`|\"[^\"]*\"|“[^”]*”|(?<!\w)'[^']*'(?!\w)|\([^()]*\)|\{[^{}]*\}")
_URL_OR_PATH = re.compile(
    r"(?:[^\s()/\\]*[/\\])+[^\s()]*?(?=[.,;:!?]*(?:[\s()]|$))|\w+(?:[.-]\w+)+"
)
_CLASS_ERROR = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Exit|Interrupt)\b")
_CAMEL = re.compile(r"(?<![:\w])[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*\b")
"""Two humps or more, not an editor command (`:KimiRestart`)."""
_GLUED = re.compile(r"(\b[\w)\]]+)\s+([A-Z][a-z]+)\b")
_REPR = re.compile(r"<[A-Za-z_.]+ (?:object at|at 0x)|\bobject at 0x|Traceback \(most recent")
_MONEY = re.compile(r"\$\d[\d,]*(?:\.\d+)?")
_DOUBLE_STOP = re.compile(r"(?<![.])\.\.(?!\.)|[.;:,]\s*[;,]|[;:,]\s*\.")


def faults(text: str, *, whole: bool = True) -> list[str]:
    """What in `text` breaks the rules above, one phrase per fault; [] when none.

    `whole`: the text must end as a sentence does (not for progress labels such as
    `thinking`, or log lines).
    """
    found: list[str] = []
    if re.search(r"(?i)\bkimi:\s*kimi:", text):
        found.append("the Kimi: prefix twice")
    if "\n" in text.strip() or _REPR.search(text) or re.search(r'\bFile "[^"]+", line', text):
        found.append("a traceback, repr or more than one line")
    for name in _CLASS_ERROR.findall(text):
        found.append(f"a Python class name ({name})")
    for name in _CAMEL.findall(text):
        if name not in CAMEL_OK:
            found.append(f"a Python class name ({name})")
    own = text.split(QUOTING, 1)[0]  # what an API said is its own words
    plain = _URL_OR_PATH.sub("x", _QUOTED.sub("x", own))
    for before, after in _GLUED.findall(plain):
        if after not in PROPER_NOUNS and not before.isupper():
            found.append(f"two sentences glued without a full stop ({before} {after})")
    for amount in _MONEY.findall(text):
        value = float(amount[1:].replace(",", ""))
        if usd(value) != amount:
            found.append(f"dollars not in the one format ({amount}, not {usd(value)})")
    if _DOUBLE_STOP.search(text):
        found.append("doubled punctuation")
    body = bare(text)
    if not body:
        found.append("nothing after the prefix")
    if whole and body and not body.endswith((".", "?", "!", ")", "…")):
        found.append("no full stop at the end")
    return found
