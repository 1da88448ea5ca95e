"""OpenAI-style API errors: the exception raised by validation and the JSON body it becomes."""

from __future__ import annotations

from typing import Any

ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request"),
    401: ("authentication_error", "Invalid or missing API key"),
    402: ("insufficient_credits", "Insufficient credits: wallet empty"),
    403: ("permission_error", "Permission denied"),
    404: ("not_found", "Unknown model or endpoint"),
    429: ("rate_limit_error", "Rate limit reached: over per-minute limit"),
    500: ("server_error", "Upstream provider failed"),
    503: ("service_unavailable", "Upstream saturated, please retry later"),
}
"""The documented ``error.type`` and a default message for each status."""


def default_error_type(status: int) -> str:
    """The documented ``error.type`` for ``status`` (a generic one if unknown)."""
    if status in ERRORS:
        return ERRORS[status][0]
    return "invalid_request_error" if 400 <= status < 500 else "server_error"


def default_error_message(status: int) -> str:
    """A default human-readable error message for ``status``."""
    return ERRORS[status][1] if status in ERRORS else f"HTTP error {status}"


class ApiError(Exception):
    """An error the simulated API answers with ``{"error": {...}}`` and an HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        error_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Build an error for ``status``; ``error_type`` defaults to the documented one."""
        super().__init__(message)
        self.status, self.message, self.headers = status, message, dict(headers or {})
        self.error_type = error_type or default_error_type(status)

    def body(self) -> dict[str, Any]:
        """Return the JSON error body, ``{"error": {"type", "message", "code"}}``."""
        return error_body(self.error_type, self.message)


def error_body(error_type: str, message: str) -> dict[str, Any]:
    """Return an OpenAI-compatible error body."""
    return {"error": {"type": error_type, "message": message, "code": None}}


def invalid(message: str) -> ApiError:
    """Return a 400 ``invalid_request_error`` with ``message``."""
    return ApiError(400, message, "invalid_request_error")
