"""The pygls server with the connection's `Session` attached; `server.create_server()`
registers the features on it.

Feature handlers reach the session as `ls.session`; what the protocol fixes in pygls is in
`lsp/protocol.py`.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from kimi_lsp import __version__
from kimi_lsp.logs import EXPECTED_CODES
from kimi_lsp.lsp.proposal_view import ProposalView
from kimi_lsp.lsp.protocol import KimiProtocol
from kimi_lsp.session import Session
from kimi_lsp.wording import prefixed

log = logging.getLogger(__name__)


class KimiLanguageServer(LanguageServer):
    """The pygls server with the connection's `Session` attached."""

    def __init__(self, session: Session) -> None:
        self.session = session
        """The connection's state (set first: the protocol reads it)."""
        super().__init__("kimi-lsp", __version__, protocol_cls=KimiProtocol)
        self.proposal_view = ProposalView(self)
        """Tells the client about proposals (`kimi/proposal`, code lens refreshes)."""

    @property
    def kimi_protocol(self) -> KimiProtocol:
        """The protocol, typed."""
        return cast(KimiProtocol, self.protocol)

    @property
    def client_name(self) -> str:
        """`clientInfo.name` from initialize (read by `lsp/edit_port.py`)."""
        return self.session.client_name

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors go to the log, not into popups the user cannot act on. Errors that are
        answers (bad arguments, cancellations, failed model calls) are not faults."""
        if getattr(error, "code", None) in EXPECTED_CODES:
            log.debug("answered with an error: %s", error)
            return
        log.error("internal error (%s): %s", getattr(source, "__name__", source), error)

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """A `window/showMessage` notification: `Kimi: ` once, then `message`'s sentences."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=prefixed(message)))
