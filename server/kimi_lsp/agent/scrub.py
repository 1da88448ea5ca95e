"""Keys never travel in a tool result: a key the server knows of, found in a workspace
file, would otherwise be sent on to the model (and to whoever runs it).

What is replaced by `***`: every configured key (as written and as Python escapes it),
`Bearer` tokens, and strings shaped like provider keys (`sk-` and the like, 20 characters
or more with a digit). The log filter's `name = value` rule is left out on purpose: in
code it would turn `token = tokens[i]` into `token = ***` and mislead the model about
ordinary code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9\-._~+/]{16,}=*")
_KEY_SHAPED = re.compile(r"\b(sk|key|tok)-(?=[A-Za-z_\-]*\d)[A-Za-z0-9_\-]{20,}")


def secret_forms(secrets: Iterable[str | None]) -> tuple[str, ...]:
    """The forms to look for, longest first (so a key containing another goes whole);
    values under 8 characters are not keys and would mask ordinary words."""
    forms: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        for form in (secret, secret.strip(), repr(secret)[1:-1]):
            if len(form) >= 8:
                forms.add(form)
    return tuple(sorted(forms, key=len, reverse=True))


def scrub(text: str, forms: tuple[str, ...]) -> str:
    """`text` with the secrets (as given by `secret_forms`) and key-shaped strings masked."""
    for form in forms:
        if form in text:
            text = text.replace(form, MASK)
    # The regexes scan slowly; a substring test (C speed) tells when they can match.
    if "bearer" in text.lower():
        text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    if "sk-" in text or "key-" in text or "tok-" in text:
        text = _KEY_SHAPED.sub(lambda m: f"{m.group(1)}-{MASK}", text)
    return text
