"""Logging to stderr or a file, never stdout (that is the protocol), with secrets redacted.

Every record passes `SecretFilter`, which removes the API keys the server knows of and
anything shaped like a key, an `Authorization` header or the credentials of a URL
(`https://user:password@host`, `?api_key=...`), at every level.

Once the editor receives the log as `window/logMessage` (`attach_client`), stderr keeps
warnings and errors only: editors file a server's stderr as errors (Neovim's lsp.log
marks every line `[ERROR]`), and the rest reaches the editor's log already. A `--log-file`
keeps everything at the chosen level. The editor gets one line per record, never a
traceback; the file (or stderr) keeps the traceback.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterable

from kimi_lsp.model.errors import redact

_AUTH_HEADER = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?bearer\s+)[^\s'\",}]+")
_KEY_FIELD = re.compile(
    r"(?i)((?:api_?key|apikey|secret|token|password)['\"]?\s*[:=]\s*(?:SecretStr\()?['\"]?)"
    r"(?!\*)[^\s'\",})]+"
)
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CONSOLE = "kimi-lsp stderr"
"""The name of the stderr handler `configure` installs."""


class SecretFilter(logging.Filter):
    """Redacts known secrets from a record's final message."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, secrets: Iterable[str | None]) -> None:
        """Remember more values that must never be written."""
        for secret in secrets:
            for form in {secret, secret.strip()} if secret else ():
                if len(form) >= 4:
                    self.secrets.add(form)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message, self.secrets)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(
                logging.Formatter().formatException(record.exc_info), self.secrets
            )
            record.exc_info = None
        record.msg, record.args = clean, None
        return True


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` without secrets or bearer tokens."""
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + "***", text)
    text = _KEY_FIELD.sub(lambda m: m.group(1) + "***", text)
    return redact(text, tuple(sorted(secrets, key=len, reverse=True)))


SECRETS = SecretFilter()
"""The process-wide filter; the runtime adds the configured keys to it."""


def configure(level: str = "info", log_file: str | None = None) -> None:
    """Send kimi-lsp's and pygls's logs to `log_file` (or stderr) through the filter."""
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8")
        if log_file
        else logging.StreamHandler(sys.stderr)
    )
    if not log_file:
        handler.set_name(_CONSOLE)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(ExpectedErrors())
    handler.addFilter(SECRETS)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    set_level(level)


def set_level(level: str) -> None:
    """Change the level of kimi-lsp's own loggers.

    pygls stays at warnings whatever the level: at info it logs every message it sends
    and receives, settings included. Use `lsp-devtools` to watch the protocol.
    """
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("kimi_lsp").setLevel(level.upper())
    logging.getLogger("pygls").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)


EXPECTED_CODES = {-32601, -32602, -32800, -32803}
"""MethodNotFound, InvalidParams, RequestCancelled, RequestFailed: answers, not server faults."""


class ExpectedErrors(logging.Filter):
    """Drops pygls's tracebacks for errors that are answers to the user, not bugs."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        code = getattr(error, "code", None)
        return not (record.name.startswith("pygls") and code in EXPECTED_CODES)


def attach_client(send: Callable[[int, str], None]) -> None:
    """Mirror kimi-lsp's log to the editor through `send(type, line)` (`window/logMessage`),
    in place of any earlier client; from now on stderr carries warnings and errors only."""
    logger = logging.getLogger("kimi_lsp")
    for handler in list(logger.handlers):
        if isinstance(handler, ClientLogHandler):
            logger.removeHandler(handler)
    logger.addHandler(ClientLogHandler(send))
    for handler in logging.getLogger().handlers:
        if handler.get_name() == _CONSOLE:
            handler.setLevel(logging.WARNING)


class ClientLogHandler(logging.Handler):
    """Mirrors kimi-lsp's log records to the editor as `window/logMessage`, one line each
    (a traceback stays in the server's own log)."""

    def __init__(self, send: Callable[[int, str], None]) -> None:
        super().__init__(level=logging.INFO)
        self._send = send
        self._busy = False
        self.addFilter(SECRETS)

    def format(self, record: logging.LogRecord) -> str:
        """`LEVEL name: message` on one line; a traceback is only pointed at."""
        lines = record.getMessage().strip().splitlines() or [""]
        more = " (more in the server log)" if len(lines) > 1 else ""
        if record.exc_info or record.exc_text:
            more = " (the traceback is in the server log)"
        return f"{record.levelname} {record.name}: {lines[0]}{more}"

    def emit(self, record: logging.LogRecord) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            kind = (
                1
                if record.levelno >= logging.ERROR
                else 2
                if record.levelno >= logging.WARNING
                else 3
            )
            self._send(kind, self.format(record))
        except Exception:  # the client may be gone; logging must never raise
            pass
        finally:
            self._busy = False
