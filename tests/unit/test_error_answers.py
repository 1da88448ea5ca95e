"""Every error answer as the editor may show it: no class name, no traceback, a sentence."""

from __future__ import annotations

import json
import sys
from typing import Any

from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcInternalError, JsonRpcMethodNotFound

from kimi_lsp.lsp.errors import answer_error, internal_error, request_failed
from kimi_lsp.model.errors import ApiKeyMissing
from kimi_lsp.server import create_server
from kimi_lsp.wording import faults


def pygls_internal_error() -> ResponseError:
    """What pygls answers when a handler raises something unexpected."""
    try:
        {}["uri"]
    except KeyError:
        return JsonRpcInternalError.of(sys.exc_info()).to_response_error()
    raise AssertionError


def test_pygls_internal_error_is_one_sentence_without_its_traceback() -> None:
    raw = pygls_internal_error()
    assert "KeyError" in raw.message  # what pygls would send
    assert "traceback" in raw.data
    answer = answer_error(raw)
    assert answer.code == raw.code
    assert answer.message == (
        "Kimi: an internal error stopped this request; the server log has the details."
    )
    assert answer.data == {"kind": "internal", "status": None}


def test_other_errors_keep_their_words_and_end_as_sentences() -> None:
    answer = answer_error(JsonRpcMethodNotFound.of("kimi/nothing").to_response_error())
    assert answer.message == "Method Not Found: kimi/nothing."
    kept = ResponseError(code=-32803, message="Kimi: No API key is set.", data={"kind": "x"})
    assert answer_error(kept) == kept


def test_a_bug_in_a_command_is_told_without_its_class() -> None:
    error = internal_error(KeyError("uri"))
    assert "KeyError" not in error.message
    assert "uri" not in error.message
    assert faults(error.message) == []


def test_a_model_error_gets_the_prefix_once_and_a_full_stop() -> None:
    error = request_failed(ApiKeyMissing("Kimi: No API key is set for empiriolabs"))
    assert error.message == "Kimi: No API key is set for empiriolabs."


class Writer:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self.sent.append(json.loads(data.decode().split("\r\n\r\n", 1)[1]))

    def close(self) -> None:
        pass


def test_the_server_sends_every_error_through_answer_error() -> None:
    server = create_server()
    writer = Writer()
    server.protocol.set_writer(writer)
    server.protocol._send_response(7, error=pygls_internal_error())
    [message] = writer.sent
    assert message["id"] == 7
    assert "KeyError" not in json.dumps(message)
    assert "traceback" not in json.dumps(message)
    assert faults(message["error"]["message"]) == []
