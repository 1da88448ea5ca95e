"""pygls protocol with the fixes every kimi-lsp command relies on.

1. `$/cancelRequest` reaches `workspace/executeCommand` handlers: pygls runs a command as
   a separate task that the cancel never reaches, so commands register their task with
   the session (`lsp/cancellation.py`) and the cancel is passed on to it.
2. pygls#621: a reply to a server->client request whose waiter was cancelled must not turn
   into an "Error in server" popup.
3. `shutdown` while commands run: pygls cancels pending futures while iterating the dict
   that cancelling changes; here the commands are cancelled first and the loop iterates a
   copy, so every request still gets its one answer.
4. A request whose params cannot be read is answered InvalidParams, not dropped, and a
   message is read as a whole: pygls structures every JSON object of a message, innermost
   first, so an object inside params that looks like a request was answered as one.
5. `didChange` is applied with LSP line breaks (`\\n`, `\\r\\n`, `\\r` only). pygls splits
   with `str.splitlines`, which also breaks at form feeds and U+2028, and so corrupts
   documents containing them (`lsp/open_documents.py`). A change for a document that is
   not open is ignored.
6. Client mistakes in notifications are logged and ignored, not raised inside pygls: a
   `$/cancelRequest` or `window/workDoneProgress/cancel` whose id or token is not a number
   or string (lsprotocol lets any JSON through there), a notebook change for a notebook or
   cell that is not open.
7. The end of a session as LSP says: from the moment `shutdown` is received, every other
   request is answered InvalidRequest and notifications other than `exit` are ignored
   (pygls went on serving until its shutdown handler had finished, then dropped requests
   unanswered); `exit` ends the process with 0 after a shutdown, 1 without one (pygls's
   exit code was lost: its own `start_io` swallows the `SystemExit`; `cli.py` returns
   `exit_code()`).
8. Every error answer goes through `lsp/errors.answer_error`: pygls answers a handler's
   unexpected exception with its class name and traceback (`KeyError: 'x'` and
   `data.traceback`); the editor gets one sentence instead, and the log keeps the rest.
9. pygls runs each step of a generator handler (`workspace/executeCommand` calls the
   command's handler that way) under a made-up message id and keeps its future in
   `_request_futures` for ever: every command's result or exception was kept, with the
   frames its traceback holds (a command that failed on an 8 MB stream event kept 8 MB).
   Here such a future is let go as soon as it is done.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import unquote

import cattrs
from lsprotocol import types
from lsprotocol.types import ResponseError
from pygls.exceptions import (
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from kimi_lsp.lsp.errors import answer_error
from kimi_lsp.text import Encoding, LineIndex, encoding_name

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from kimi_lsp.session import Session

log = logging.getLogger(__name__)

MsgId = int | str
_ANSWERED = object()
"""Stands for a request answered while it was being read."""


class _WithSession(Protocol):
    session: Session


class KimiProtocol(LanguageServerProtocol):
    """The language-server protocol with cancellable commands. Its state lives in the
    server's `Session` (running commands, open documents' line indexes)."""

    def __init__(self, server: LanguageServer, converter: cattrs.Converter) -> None:
        super().__init__(server, converter)
        self.session: Session = cast(_WithSession, server).session
        """The session of the server this protocol belongs to (set before the protocol)."""
        self.ready = False
        """Set once `initialize` succeeded; before that, only `initialize`, `shutdown` and
        `exit` are handled."""
        self.shutting_down = False
        """Set when a `shutdown` request arrives; from then on only `exit` is handled."""

    def exit_code(self) -> int:
        """What the process ends with (LSP): 0 after a shutdown request, 1 without one."""
        return 0 if self.shutting_down else 1

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Leaves every object as it is. pygls calls this as the `object_hook` of
        `json.loads`, for each object of a message, innermost first; only the message itself
        is structured, in `handle_message`."""
        return data

    def handle_message(self, message: Any) -> None:
        """Structure the message, then handle it as pygls does."""
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            log.warning("ignored a message that is not JSON-RPC 2.0 (a %s)", type(message).__name__)
            return
        if self.shutting_down and not self._after_shutdown(message):
            return
        if not self.ready and not self._before_initialize(message):
            return
        structured = self._structure(message)
        if structured is not _ANSWERED:
            if message.get("method") == types.SHUTDOWN and "id" in message:
                self.shutting_down = True
            super().handle_message(structured)

    def _after_shutdown(self, data: dict[str, Any]) -> bool:
        """What LSP asks after `shutdown`: requests get InvalidRequest (-32600), notifications
        other than `exit` are ignored. Responses go on (a command cancelled by the shutdown
        may still wait for the client's answer). True when the message goes on."""
        method = data.get("method")
        if not isinstance(method, str) or method == types.EXIT:
            return True
        if "id" in data:
            self._send_data(
                {
                    "jsonrpc": "2.0",
                    "id": data["id"],
                    "error": {
                        "code": JsonRpcInvalidRequest.CODE,
                        "message": f"{method}: the server is shutting down; only exit may follow.",
                    },
                }
            )
        else:
            log.info("%s after shutdown: ignored", method)
        return False

    def _before_initialize(self, data: dict[str, Any]) -> bool:
        """What LSP asks before `initialize`: requests get ServerNotInitialized (-32002),
        notifications other than `exit` are dropped. `shutdown` is let through too, so a
        client whose initialize failed can still stop the server cleanly. True when the
        message goes on."""
        method = data.get("method")
        if not isinstance(method, str) or method in ("initialize", "shutdown", "exit"):
            return True
        if "id" in data:
            self._send_data(
                {
                    "jsonrpc": "2.0",
                    "id": data["id"],
                    "error": {
                        "code": JsonRpcServerNotInitialized.CODE,
                        "message": f"{method}: the server is not initialized; send initialize.",
                    },
                }
            )
        else:
            log.warning("%s before a successful initialize: ignored", method)
        return False

    def _structure(self, data: dict[str, Any]) -> Any:
        """As pygls's `structure_message`, but a request whose params cannot be read is
        answered InvalidParams at once, naming what is wrong (pygls leaves it unanswered
        for ever), and a notification that cannot be read is dropped with a warning."""
        method = data.get("method")
        if not isinstance(method, str) or "error" in data:
            return super().structure_message(data)  # responses
        request = "id" in data
        kind = self.get_message_type(method) or (
            JsonRPCRequestMessage if request else JsonRPCNotification
        )
        try:
            return self._converter.structure(data, kind)
        except Exception as error:
            problems = _problems(error)
            log.warning("%s: params cannot be read: %s", method, "; ".join(problems))
            if request:
                self._send_data(
                    {
                        "jsonrpc": "2.0",
                        "id": data["id"],
                        "error": {
                            "code": JsonRpcInvalidParams.CODE,
                            "message": f"{method}: invalid params: {'; '.join(problems[:3])}.",
                        },
                    }
                )
            return _ANSWERED

    def _execute_handler(
        self,
        msg_id: MsgId,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        """As pygls's, but the future of a generator handler's step is let go when done."""
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None and getattr(callback, "func", None) == self._run_generator:

            def forget(done: Any) -> None:
                if self._request_futures.get(msg_id) is done:
                    del self._request_futures[msg_id]
                if not done.cancelled():
                    done.exception()  # read: pygls skips it when the request was cancelled

            future.add_done_callback(forget)

    def _handle_cancel_notification(self, msg_id: MsgId) -> None:
        if not isinstance(msg_id, int | str):
            log.warning("$/cancelRequest with an id that is not a number or string: ignored")
            return
        self.session.commands.cancel_request(msg_id)
        super()._handle_cancel_notification(msg_id)

    def _send_response(
        self, msg_id: MsgId, result: Any | None = None, error: ResponseError | None = None
    ) -> None:
        """As pygls's, with every error as the editor may show it (`answer_error`)."""
        super()._send_response(msg_id, result, None if error is None else answer_error(error))

    def _handle_response(self, msg_id: MsgId, result: Any = None, error: Any = None) -> None:
        future = self._request_futures.get(msg_id)
        if future is not None and future.cancelled():
            self._request_futures.pop(msg_id, None)
            return
        super()._handle_response(msg_id, result, error)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """As pygls's, but iterating over a copy of the pending requests."""
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current_id = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current_id and not future.done():
                future.cancel()
        self._shutdown = True
        return None

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(
        self, params: types.ExecuteCommandParams
    ) -> Generator[Any, Any, Any]:
        """As pygls's, but an unknown command is answered with the commands there are."""
        if params.command not in self.fm.commands:
            known = ", ".join(sorted(self.fm.commands))
            raise JsonRpcInvalidParams(
                f"kimi-lsp has no command {params.command!r}; its commands are {known}."
            )
        return (yield from super().lsp_workspace__execute_command(params))

    @lsp_method(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def lsp_work_done_progress_cancel(
        self, params: types.WorkDoneProgressCancelParams
    ) -> Generator[Any, Any, None]:
        """As pygls's, but a token that is not a number or string is ignored."""
        if not isinstance(params.token, int | str):
            log.warning("progress cancel with a token that is not a number or string: ignored")
            return None
        yield from super().lsp_work_done_progress_cancel(params)
        return None

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def lsp_notebook_document__did_change(
        self, params: types.DidChangeNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        """As pygls's, but a change to a notebook or cell that is not open is ignored."""
        workspace = self.workspace
        uri = params.notebook_document.uri
        cells = params.change.cells
        texts = [t.document.uri for t in (cells.text_content or [])] if cells else []
        if workspace.get_notebook_document(notebook_uri=uri) is None or any(
            unquote(cell) not in workspace.text_documents for cell in texts
        ):
            log.warning("notebook change for %s, which is not open: ignored", uri)
            return None
        yield from super().lsp_notebook_document__did_change(params)
        return None

    def index_of(self, uri: str) -> LineIndex:
        """The line index of an open document's current text (built once, then kept)."""
        return self.session.documents.index_of(self.workspace.text_documents[uri])

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """Apply the changes with LSP line breaks, in the negotiated position encoding."""
        uri = params.text_document.uri
        document = self.workspace.text_documents.get(uri)
        if document is None:
            log.warning("didChange for %s, which is not open: ignored", uri)
            return None
        encoding = cast(Encoding, encoding_name(self.workspace.position_encoding))
        self.session.documents.apply(
            document, params.content_changes, params.text_document.version, encoding
        )
        if (user_handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield user_handler, (params,), None
        return None


def _problems(error: Exception) -> list[str]:
    """What is wrong with a message, one line per problem (paths, never values)."""
    if isinstance(error, cattrs.BaseValidationError):
        return cattrs.transform_error(error)
    return ["the message does not have the shape LSP gives it"]
