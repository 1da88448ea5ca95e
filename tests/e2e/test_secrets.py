"""The API key never appears in anything the server writes: responses, messages, the
editor's log, or the log file at debug level, even when the API echoes it back."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import Turn

from .conftest import LOG_FILE, SIM_KEY, open_doc, session_of

SOURCE = "def f(x):\n    return x + 1\n"
RANGE = {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}


async def explain(client: LanguageClient, uri: str) -> object:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.explain", arguments=[{"uri": uri, "range": RANGE}])
    )


async def test_echoed_key_is_redacted_everywhere(client: LanguageClient) -> None:
    session = session_of(client)
    echo = f"Incorrect API key provided: {SIM_KEY}. Authorization: Bearer {SIM_KEY}"
    session.sim.script(
        Turn(status=500, error_message=echo),
        Turn(status=401, error_message=echo),
    )
    uri = open_doc(client, "a.py", SOURCE)
    with pytest.raises(JsonRpcException) as caught:
        await explain(client, uri)
    assert "Incorrect API key provided" in str(caught.value)  # the API's words are shown
    assert SIM_KEY not in str(caught.value)
    assert SIM_KEY not in repr(caught.value.data)
    shown = [m.message for m in client.log_messages + client.messages]
    assert any("retry" in m for m in shown)
    assert not [m for m in shown if SIM_KEY in m]
    assert not [s for s in session.streams if SIM_KEY in repr(s)]
    log = LOG_FILE.read_text(encoding="utf-8")
    assert "retry 1" in log  # the file really holds this session's debug log
    assert SIM_KEY not in log
