"""Settings through the editor: validated on change, reported by name, defaults kept."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient, client_capabilities

from .conftest import CLIENTS, open_doc, session_of


async def test_changed_settings_apply_and_bad_ones_are_named(client: LanguageClient) -> None:
    session = session_of(client)
    uri = open_doc(client, "a.py", "x = 1\n")
    client.set_configuration({"kimi": {"model": "kimi-k9-nonexistent", "maxTokens": -5}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    shown = await client.wait_for_notification(types.WINDOW_SHOW_MESSAGE)
    assert "kimi.maxTokens" in shown.message
    assert shown.type == types.MessageType.Warning
    with pytest.raises(JsonRpcException, match="kimi-k9-nonexistent") as caught:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="kimi.explain",
                arguments=[
                    {
                        "uri": uri,
                        "range": {
                            "start": {"line": 0, "character": 0},
                            "end": {"line": 1, "character": 0},
                        },
                    }
                ],
            )
        )
    assert "kimi.model" in str(caught.value)
    assert session.sim.requests[0].status == 404
    assert len(session.sim.requests) == 1  # 404 is not retried
    assert session.sim.requests[0].body["max_tokens"] == 16384  # the bad value was ignored


async def test_dynamic_registration_of_configuration_changes(client: LanguageClient) -> None:
    session = session_of(client)
    workspace = client_capabilities(CLIENTS[session.client_name]).workspace
    change = workspace.did_change_configuration if workspace else None
    if change and change.dynamic_registration:
        await asyncio.wait_for(session.registered.wait(), 10)
        assert session.registrations == [types.WORKSPACE_DID_CHANGE_CONFIGURATION]
    else:
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kimi.usage", arguments=[])
        )
        assert session.registrations == []
