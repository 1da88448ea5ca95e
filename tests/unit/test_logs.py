"""Redaction of secrets from every log record, and quiet logs for expected errors."""

from __future__ import annotations

import logging

from pygls.exceptions import JsonRpcInvalidParams

from kimi_lsp.logs import ExpectedErrors, SecretFilter, scrub


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
