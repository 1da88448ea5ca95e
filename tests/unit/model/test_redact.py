"""redact(): keys never reach a message, also where a library quoted them."""

from __future__ import annotations

from kimi_lsp.model.errors import redact


def test_a_key_with_a_newline_is_hidden_in_the_header_error_httpx_raises() -> None:
    # found by tests/e2e/test_fuzz.py: httpx refuses the header and quotes it as bytes
    key = "kimiSecretKey123456789\n"
    text = "Illegal header value b'Bearer kimiSecretKey123456789\\n'"
    assert "kimiSecret" not in redact(text, (key,))


def test_any_bearer_token_is_hidden() -> None:
    assert (
        redact("Illegal header value b'Bearer abc\\x00def'") == "Illegal header value b'Bearer ***'"
    )
