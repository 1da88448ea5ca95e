"""OpenAI-style API errors: the exception raised by validation and the JSON body it becomes."""

from __future__ import annotations

from typing import Any

from .script import default_error_type


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
        self.status = status
        self.message = message
        self.error_type = error_type or default_error_type(status)
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """Return the JSON error body, ``{"error": {"type", "message", "code"}}``."""
        return error_body(self.error_type, self.message)


def error_body(error_type: str, message: str) -> dict[str, Any]:
    """Return an OpenAI-compatible error body."""
    return {"error": {"type": error_type, "message": message, "code": None}}


def invalid(message: str) -> ApiError:
    """Return a 400 ``invalid_request_error`` with ``message``."""
    return ApiError(400, message, "invalid_request_error")
