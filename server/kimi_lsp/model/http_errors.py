"""Turning an error answer into a `ModelError` whose message names the fix.

Error bodies come in many shapes, and each keeps its message: OpenAI's
`{"error": {"type", "message", "code"}}` (LiteLLM's too, with `code` as a string),
`{"error": "text"}`, vLLM's `{"object": "error", "message", "type"}`, FastAPI's
`{"detail": "text"}` or `{"detail": [{"loc", "msg"}]}`, a bare `{"message"}`, and plain
text or an HTML error page. The API's words are redacted first, then cut to length.

An error sent inside a 200 stream (`data: {"error": ...}`, `event: error`) is reported
as such, never with an HTTP status that did not happen (`stream_error`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import (
    AuthenticationFailed,
    BadRequest,
    InsufficientCredits,
    ModelError,
    ModelNotFound,
    PermissionDenied,
    QuotaExceeded,
    RateLimited,
    ServerError,
    quote,
)
from kimi_lsp.model.retry import retry_after_from

_NOT_TRANSIENT_429 = {"exceeded_current_quota_error", "insufficient_quota", "budget_exceeded"}
_LITELLM_PREFIX = re.compile(r"^litellm\.\w+:\s*(?:\w+Error:\s*)?(?:\w+Exception\s*-\s*)?")
_LITELLM_SUFFIX = re.compile(r"\s*LiteLLM: model group .*$", re.S)
_TITLE = re.compile(r"(?is)<title[^>]*>(.*?)</title>")
_TAG = re.compile(r"(?s)<[^>]*>")


def error_detail(body: bytes | str) -> tuple[str, str]:
    """The (type, message) of an error body; empty strings when absent. Not yet redacted."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        return "", _plain(text)
    return detail_of(data)


def detail_of(data: object, depth: int = 0) -> tuple[str, str]:
    """(type, message) of a decoded error payload, whatever its shape."""
    if isinstance(data, list) and data and depth < 3:
        return detail_of(data[0], depth + 1)  # some gateways wrap the error in a list
    if isinstance(data, str):
        return "", data
    if not isinstance(data, dict) or depth > 3:
        return "", ""
    kind = _text(data.get("type") or data.get("code") or "")
    error = data.get("error")
    if isinstance(error, dict):
        inner_kind, message = detail_of(error, depth + 1)
        return inner_kind or kind, message
    if isinstance(error, str) and error:
        said = data.get("message")
        return kind, _text(said) if said else error
    for key in ("message", "msg", "error_message"):
        if data.get(key):
            return kind, _text(data[key])
    detail = data.get("detail")
    if isinstance(detail, list):
        return kind, "; ".join(_fastapi_item(item) for item in detail[:5])
    if detail:
        inner_kind, message = detail_of(detail, depth + 1)
        return inner_kind or kind, message
    return kind, ""


def _fastapi_item(item: object) -> str:
    if not isinstance(item, dict):
        return _text(item)
    where = item.get("loc")
    message = _text(item.get("msg") or item.get("message") or "")
    if isinstance(where, list) and where:
        return f"{'.'.join(str(part) for part in where)}: {message}"
    return message


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _plain(text: str) -> str:
    """A non-JSON body: an HTML page by its title (else its text), anything else as is."""
    if "<" in text and ">" in text:
        title = _TITLE.search(text)
        text = title.group(1) if title else _TAG.sub(" ", text)
    return text.strip()


def _code(value: object) -> int | None:
    """An HTTP-like status code given as a number or a numeric string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def unwrap_litellm(message: str) -> str:
    """A LiteLLM proxy's message without its wrapping: `litellm.RateLimitError:
    RateLimitError: OpenAIException - <the provider's words> LiteLLM: model group ...`."""
    return _LITELLM_SUFFIX.sub("", _LITELLM_PREFIX.sub("", message.strip())) or message


def error_from_response(
    status: int, body: bytes, headers: Mapping[str, str], endpoint: Endpoint
) -> ModelError:
    """The error for a non-2xx answer of `endpoint`."""
    kind, detail = error_detail(body)
    detail = quote(unwrap_litellm(detail), endpoint.secrets())
    said = f" The API said: {_sentence(detail)}" if detail else ""
    proxy = any(name.lower().startswith(("x-litellm-", "llm_provider-")) for name in headers)
    if proxy or kind == "no_db_connection":
        where = f"the LiteLLM proxy at {endpoint.shown_url}"
    else:
        where = f"{endpoint.provider} ({endpoint.shown_url})"
    lowered = detail.lower()
    if kind == "budget_exceeded" or "budget has been exceeded" in lowered:
        return QuotaExceeded(
            f"{where} says the budget of this key is used up: ask whoever runs the proxy to "
            f"raise it.{said}",
            status=status,
        )
    if status in (400, 404) and ("invalid model name" in lowered or kind == "model_not_found"):
        return ModelNotFound(
            f"Model '{endpoint.model}' is not offered by {where}. Check kimi.model (and "
            f"kimi.completion.model for ghost text).{said}",
            status=status,
        )
    if status == 401 or (status == 400 and _litellm_unknown_key(kind, detail)):
        why = (
            " (a LiteLLM proxy without a database answers 'No connected db.' to every key "
            "but its master key: use the key your team's proxy issued to you)"
            if status == 400
            else ""
        )
        return AuthenticationFailed(
            f"The API key was refused by {where}{why}. Check the key: {endpoint.key_hint}.{said}",
            status=status,
        )
    if status == 402:
        return InsufficientCredits(
            f"{endpoint.provider} reports insufficient credits: top up the account.{said}",
            status=status,
        )
    if status == 403:
        return PermissionDenied(
            f"{where} refused access to model '{endpoint.model}' (permission or balance).{said}",
            status=status,
        )
    if status == 404:
        return ModelNotFound(
            f"Model '{endpoint.model}' or its endpoint was not found at {endpoint.shown_url}. "
            f"Check kimi.model and kimi.baseUrl.{said}",
            status=status,
        )
    if status == 429:
        if kind in _NOT_TRANSIENT_429:
            return QuotaExceeded(
                f"{endpoint.provider} says the account's quota is used up.{said}", status=status
            )
        who = where[0].upper() + where[1:] if proxy else endpoint.provider
        return RateLimited(
            f"{who} is rate-limiting requests.{said}", retry_after=retry_after_from(headers)
        )
    if status == 408:
        return ServerError(f"{where} timed out the request (HTTP 408).{said}", status=status)
    if status >= 500:
        return ServerError(f"{where} failed with HTTP {status}.{said}", status=status)
    if 400 <= status < 500:
        return BadRequest(f"{where} rejected the request (HTTP {status}).{said}", status=status)
    return ModelError(f"{where} answered HTTP {status}.{said}", status=status)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _litellm_unknown_key(kind: str, detail: str) -> bool:
    return kind == "no_db_connection" or "no connected db" in detail.lower()


def stream_error(payload: object, endpoint: Endpoint) -> ModelError:
    """The error for one sent inside a successful (200) stream: classified by its type and
    code, and reported without an HTTP status, since none but 200 was sent."""
    kind, detail = detail_of(payload)
    detail = quote(unwrap_litellm(detail), endpoint.secrets())
    said = f": {detail}" if detail else " (it gave no details)"
    error = payload.get("error") if isinstance(payload, dict) else None
    source = error if isinstance(error, dict) else payload if isinstance(payload, dict) else {}
    code = _code(source.get("code")) or _code(source.get("status"))
    lowered = kind.lower()
    where = f"{endpoint.provider} ({endpoint.shown_url})"
    if kind in _NOT_TRANSIENT_429:
        return QuotaExceeded(
            _sentence(f"{endpoint.provider} says the account's quota is used up{said}")
        )
    if code == 429 or "rate_limit" in lowered or "ratelimit" in lowered:
        return RateLimited(
            _sentence(
                f"{endpoint.provider} is rate-limiting requests (said during the answer){said}"
            ),
            status=None,
        )
    message = _sentence(f"{where} reported an error during the answer{said}")
    if code is not None and 400 <= code < 500 and code != 408:
        return BadRequest(message)
    return ServerError(message)
