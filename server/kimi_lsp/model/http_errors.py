"""Turning an HTTP error response into a `ModelError` whose message names the fix."""

from __future__ import annotations

import json

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
    redact,
)
from kimi_lsp.model.retry import parse_retry_after

_NOT_TRANSIENT_429 = {"exceeded_current_quota_error", "insufficient_quota"}


def error_detail(body: bytes) -> tuple[str, str]:
    """The (type, message) of an OpenAI-style error body; empty strings when absent."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "", body[:300].decode("utf-8", "replace").strip()
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        kind = error.get("type") or error.get("code") or ""
        message = error.get("message") or ""
        return str(kind), str(message)
    if isinstance(error, str):
        return "", error
    return "", ""


def error_from_response(
    status: int, body: bytes, retry_after: str | None, endpoint: Endpoint
) -> ModelError:
    """The error for a non-2xx answer of `endpoint`."""
    kind, detail = error_detail(body)
    detail = redact(detail, endpoint.secrets())
    said = f" The API said: {detail}" if detail else ""
    where = f"{endpoint.provider} ({endpoint.base_url})"
    if status == 401:
        return AuthenticationFailed(
            f"The API key was refused by {where}. Check the key: {endpoint.key_hint}.{said}",
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
            f"Model '{endpoint.model}' or its endpoint was not found at {endpoint.base_url}. "
            f"Check kimi.model and kimi.baseUrl.{said}",
            status=status,
        )
    if status == 429:
        if kind in _NOT_TRANSIENT_429:
            return QuotaExceeded(
                f"{endpoint.provider} says the account's quota is used up.{said}", status=status
            )
        return RateLimited(
            f"{endpoint.provider} is rate-limiting requests.{said}",
            retry_after=parse_retry_after(retry_after),
        )
    if status >= 500:
        return ServerError(f"{where} failed with HTTP {status}.{said}", status=status)
    if 400 <= status < 500:
        return BadRequest(f"{where} rejected the request (HTTP {status}).{said}", status=status)
    return ModelError(f"{where} answered HTTP {status}.{said}", status=status)
