"""Redaction of secrets from every log record, and quiet logs for expected errors."""

from __future__ import annotations

import logging

from pygls.exceptions import JsonRpcInvalidParams

from kimi_lsp.logs import ClientLogHandler, ExpectedErrors, SecretFilter, scrub


def record(
    message: str, *args: object, exc: BaseException | None = None, name: str = "kimi_lsp"
) -> logging.LogRecord:
    info = (type(exc), exc, None) if exc else None
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, args, info)


def test_configured_secrets_and_key_fields_are_scrubbed() -> None:
    text = scrub(
        "key=plainkey123 {'apiKey': 'Zq8uV3nR5tW1'} Authorization: Bearer abc.def "
        "sk-live-12345678 plainkey123",
        {"plainkey123"},
    )
    assert "plainkey123" not in text
    assert "Zq8uV3nR5tW1" not in text
    assert "abc.def" not in text
    assert "sk-live-12345678" not in text


def test_filter_rewrites_message_and_arguments() -> None:
    secrets = SecretFilter()
    secrets.add(["hunter2-hunter2", None, ""])
    rec = record("connecting with %s to %s", "hunter2-hunter2", "host")
    assert secrets.filter(rec)
    assert rec.getMessage() == "connecting with *** to host"


def test_filter_scrubs_tracebacks() -> None:
    secrets = SecretFilter()
    secrets.add(["hunter2-hunter2"])
    try:
        raise ValueError("bad key hunter2-hunter2")
    except ValueError as exc:
        rec = record("failed", exc=exc)
    secrets.filter(rec)
    assert rec.exc_text is not None
    assert "hunter2" not in rec.exc_text


def test_expected_errors_from_pygls_are_dropped() -> None:
    flt = ExpectedErrors()
    assert not flt.filter(
        record("Exception occurred", exc=JsonRpcInvalidParams("x"), name="pygls.protocol")
    )
    assert flt.filter(record("Exception occurred", exc=RuntimeError("bug"), name="pygls.protocol"))
    assert flt.filter(record("ours", exc=JsonRpcInvalidParams("x"), name="kimi_lsp.x"))


def test_credentials_in_any_url_are_scrubbed_from_every_record() -> None:
    secrets = SecretFilter()
    rec = record(
        "POST %s failed; retrying %s",
        "https://alice:pa55-w0rd-XyZ@proxy.example.test/v1/chat/completions",
        "http://TOKENONLY123456@h.test/v1?api_key=q1w2e3r4t5&x=1",
    )
    assert secrets.filter(rec)
    message = rec.getMessage()
    assert "pa55-w0rd-XyZ" not in message
    assert "TOKENONLY123456" not in message
    assert "q1w2e3r4t5" not in message
    assert "proxy.example.test/v1/chat/completions" in message


def test_messages_sent_to_the_editor_are_scrubbed_too() -> None:
    sent: list[str] = []
    handler = ClientLogHandler(lambda kind, text: sent.append(text))
    logger = logging.getLogger("kimi_lsp.test_logs")
    logger.addHandler(handler)
    try:
        logger.warning("kimi.baseUrl is %s", "https://bob:hunter2-hunter2@x.test/v1")
    finally:
        logger.removeHandler(handler)
    assert sent
    assert "hunter2" not in sent[0]
