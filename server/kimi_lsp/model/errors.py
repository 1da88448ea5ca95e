"""Errors of the model client, each with a message that names the fix.

Messages are shown to users as they are, so they never contain the API key: the client
passes every text that came from the network through `redact` first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from kimi_lsp.model.types import Usage
from kimi_lsp.wording import sentence

_KEY_PATTERN = re.compile(r"\b(sk|key|tok)-[A-Za-z0-9_\-]{6,}")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s'\"]+")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]{0,30}://)[^/\s'\"<>]+@")
_URL_SECRET_PARAM = re.compile(
    r"(?i)([?&](?:api[_\-]?key|key|token|access[_\-]?token|password|secret|sig|signature)=)"
    r"[^&#\s'\"<>]+"
)
SHOWN_CHARS = 300
"""How much of an API's own words a message quotes at most."""


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove every known secret, also as Python escapes it (httpx quotes a header it
    refuses, e.g. a key ending in a newline, as bytes), any bearer token, the credentials
    of any URL (`https://user:key@host` and `?key=...`), and anything shaped like an API
    key, from `text`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
            text = text.replace(repr(secret)[1:-1], "***")
    text = _BEARER.sub(lambda m: f"{m.group(1)}***", text)
    text = _URL_USERINFO.sub(lambda m: f"{m.group(1)}***@", text)
    text = _URL_SECRET_PARAM.sub(lambda m: f"{m.group(1)}***", text)
    return _KEY_PATTERN.sub(lambda m: f"{m.group(1)}-***", text)


def quote(text: str, secrets: tuple[str, ...] = (), limit: int = SHOWN_CHARS) -> str:
    """Text from the network, fit to show: redacted first, then cut to `limit` characters
    (cutting first could leave the start of a key that redaction no longer recognises)."""
    text = " ".join(redact(text, secrets).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def display_url(url: str) -> str:
    """`url` as it may be shown: without user, password or secret query parameters."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
        if host != parts.netloc:
            url = urlunsplit(parts._replace(netloc="***@" + host))
    except ValueError:
        pass
    return redact(url)


def url_secrets(url: str | None) -> tuple[str, ...]:
    """The credentials written into a URL: the password, or a user name that stands alone
    (`https://TOKEN@host`); an ordinary short user name is not a secret."""
    if not url:
        return ()
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return ()
    found = [password] if password else [user] if user and len(user) >= 8 else []
    return tuple(s for s in found if s and len(s) >= 4)


class ModelError(Exception):
    """A model request failed. `message` is meant for the user: one line of whole
    sentences, ended with a full stop here when its author left it out."""

    retryable = False
    kind = "error"

    def __init__(
        self, message: str, *, status: int | None = None, usage: Usage | None = None
    ) -> None:
        message = sentence(_URL_USERINFO.sub(lambda m: f"{m.group(1)}***@", message))
        super().__init__(message)
        self.message = message
        self.status = status
        self.usage = usage
        """Usage billed for the failed request, when the API reported it."""


class ApiKeyMissing(ModelError):
    """No key is configured for the chosen provider."""

    kind = "no-api-key"


class BudgetExceeded(ModelError):
    """The session budget is spent; no further model calls are made."""

    kind = "budget"


class BadRequest(ModelError):
    """400: the request was invalid (also context too long, content filter)."""

    kind = "bad-request"


class AuthenticationFailed(ModelError):
    """401: the key was refused."""

    kind = "auth"


class InsufficientCredits(ModelError):
    """402: the account has no credits left."""

    kind = "credits"


class PermissionDenied(ModelError):
    """403: the key may not use this model, or the balance is insufficient."""

    kind = "permission"


class ModelNotFound(ModelError):
    """404: unknown model id or wrong base URL."""

    kind = "not-found"


class RateLimited(ModelError):
    """429: too many requests; `retry_after` is the advised delay in seconds, if any."""

    retryable = True
    kind = "rate-limit"

    def __init__(
        self, message: str, *, status: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class QuotaExceeded(ModelError):
    """429 `exceeded_current_quota_error`: not transient, so never retried."""

    kind = "quota"


class ServerError(ModelError):
    """5xx: the provider failed or is saturated."""

    retryable = True
    kind = "server"


class ConnectionFailed(ModelError):
    """The connection failed, timed out or dropped before any content arrived."""

    retryable = True
    kind = "connection"


class StreamCutOff(ModelError):
    """The stream ended without `finish_reason` or `[DONE]`, or dropped mid-answer."""

    retryable = True
    kind = "cut-off"


class AnswerTooLong(StreamCutOff):
    """The answer went on past its output bound (`max_tokens`, estimated from characters)
    or the stream past its size bound, and was stopped."""

    retryable = False


class AbnormalFinish(StreamCutOff):
    """The stream ended with a `finish_reason` that is not a finished answer (`error`, ...)."""


class BadResponse(ModelError):
    """The server answered 200 with something that is not a chat completion."""

    retryable = True
    kind = "bad-response"


class ReasoningExhausted(ModelError):
    """`finish_reason: length` with no content: reasoning used the whole budget."""

    kind = "reasoning-exhausted"


class ContentFiltered(ModelError):
    """The provider's content filter stopped the answer."""

    kind = "content-filter"
