"""Failures as JSON-RPC error responses the editor can show as they are."""

from __future__ import annotations

from pygls.exceptions import JsonRpcException

from kimi_lsp.logs import SECRETS, scrub
from kimi_lsp.model.errors import ModelError

REQUEST_FAILED = -32803
"""LSP `RequestFailed`: the request was valid but could not be carried out."""


def request_failed(error: ModelError) -> JsonRpcException:
    """The error response for a failed model call; `data.kind` names the failure."""
    return JsonRpcException(
        code=REQUEST_FAILED,
        message=f"Kimi: {error.message}",
        data={"kind": error.kind, "status": error.status},
    )


def internal_error(error: Exception) -> JsonRpcException:
    """The error response for a bug: says what broke, without a traceback or secrets."""
    detail = scrub(f"{type(error).__name__}: {error}", SECRETS.secrets)
    return JsonRpcException(
        code=REQUEST_FAILED,
        message=f"Kimi: internal error ({detail}); the server log has the details.",
        data={"kind": "internal", "status": None},
    )
