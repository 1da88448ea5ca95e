"""Failures as JSON-RPC error responses the editor can show as they are.

Every error answer leaves through `answer_error` (`lsp/protocol.py` calls it for each one,
pygls's own included): an internal error says so in one sentence, without the exception's
class or its traceback (the server log keeps both), and every message ends as a sentence.
"""

from __future__ import annotations

from typing import Any

from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcException

from kimi_lsp.model.errors import ModelError
from kimi_lsp.wording import prefixed, sentence

REQUEST_FAILED = -32803
"""LSP `RequestFailed`: the request was valid but could not be carried out."""
INTERNAL_ERROR = -32603
"""JSON-RPC `InternalError`: pygls's answer when a handler raised something unexpected."""
INTERNAL = "an internal error stopped this request; the server log has the details."
"""What the user reads for a bug in kimi-lsp (never its class name or traceback)."""


def request_failed(error: ModelError) -> JsonRpcException:
    """The error response for a failed model call; `data.kind` names the failure."""
    return JsonRpcException(
        code=REQUEST_FAILED,
        message=prefixed(error.message),
        data={"kind": error.kind, "status": error.status},
    )


def internal_error(error: Exception) -> JsonRpcException:
    """The error response for a bug: one sentence; the log has the exception."""
    return JsonRpcException(
        code=REQUEST_FAILED, message=prefixed(INTERNAL), data={"kind": "internal", "status": None}
    )


def answer_error(error: ResponseError) -> ResponseError:
    """`error` as it is sent: an internal error as one sentence without a traceback, and
    every message ending as a sentence."""
    if error.code == INTERNAL_ERROR:
        return ResponseError(
            code=error.code, message=prefixed(INTERNAL), data={"kind": "internal", "status": None}
        )
    data: Any = error.data
    if isinstance(data, dict) and "traceback" in data:
        data = {k: v for k, v in data.items() if k != "traceback"} or None
    return ResponseError(code=error.code, message=sentence(error.message), data=data)
