"""The log as the editor gets it: one line per record, and stderr quiet once it gets it."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from kimi_lsp import logs


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """`logs.configure()` writing to a captured stderr; the logging set-up restored after."""
    root, own = logging.getLogger(), logging.getLogger("kimi_lsp")
    saved = (list(root.handlers), root.level, list(own.handlers), own.level)
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    logs.configure("info")
    yield stream
    root.handlers[:], own.handlers[:] = saved[0], saved[2]
    root.setLevel(saved[1])
    own.setLevel(saved[3])


def test_before_a_client_stderr_gets_every_level_asked(stderr: io.StringIO) -> None:
    logging.getLogger("kimi_lsp.test").info("before initialize")
    assert "INFO kimi_lsp.test: before initialize" in stderr.getvalue()


def test_once_the_editor_gets_the_log_stderr_keeps_warnings_and_errors(
    stderr: io.StringIO,
) -> None:
    sent: list[tuple[int, str]] = []
    logs.attach_client(lambda kind, line: sent.append((kind, line)))
    log = logging.getLogger("kimi_lsp.test")
    log.info("an info line")
    log.warning("a warning line")
    log.error("an error line")
    written = stderr.getvalue()
    assert "an info line" not in written
    assert "WARNING kimi_lsp.test: a warning line" in written
    assert "ERROR kimi_lsp.test: an error line" in written
    assert sent == [
        (3, "INFO kimi_lsp.test: an info line"),
        (2, "WARNING kimi_lsp.test: a warning line"),
        (1, "ERROR kimi_lsp.test: an error line"),
    ]


def test_a_second_client_replaces_the_first(stderr: io.StringIO) -> None:
    first: list[str] = []
    second: list[str] = []
    logs.attach_client(lambda kind, line: first.append(line))
    logs.attach_client(lambda kind, line: second.append(line))
    logging.getLogger("kimi_lsp.test").warning("once")
    assert (first, len(second)) == ([], 1)


def test_a_log_file_keeps_every_level(tmp_path: Path, stderr: io.StringIO) -> None:
    path = f"{tmp_path}/server.log"
    logs.configure("debug", path)
    logs.attach_client(lambda kind, line: None)
    logging.getLogger("kimi_lsp.test").debug("a debug line")
    logging.getLogger().handlers[0].flush()
    with open(path, encoding="utf-8") as file:
        assert "DEBUG kimi_lsp.test: a debug line" in file.read()


def test_the_editor_gets_one_line_and_the_log_the_traceback(stderr: io.StringIO) -> None:
    sent: list[str] = []
    logs.attach_client(lambda kind, line: sent.append(line))
    try:
        raise KeyError("uri")
    except KeyError:
        logging.getLogger("kimi_lsp.test").exception("explain failed")
    assert sent == ["ERROR kimi_lsp.test: explain failed (the traceback is in the server log)"]
    written = stderr.getvalue()
    assert "Traceback (most recent call last)" in written
    assert "KeyError: 'uri'" in written


def test_a_message_of_many_lines_reaches_the_editor_as_one() -> None:
    handler = logs.ClientLogHandler(lambda kind, line: None)
    record = logging.LogRecord("kimi_lsp.x", logging.INFO, __file__, 1, "one\ntwo", None, None)
    assert handler.format(record) == "INFO kimi_lsp.x: one (more in the server log)"
