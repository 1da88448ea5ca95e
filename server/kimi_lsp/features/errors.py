"""Model errors as JSON-RPC error responses the editor shows as they are."""

from __future__ import annotations

from pygls.exceptions import JsonRpcException

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
