"""initialize, initialized, workspace/didChangeConfiguration and shutdown.

Settings are validated at `initialize` (initializationOptions) and again whenever the
client's `kimi` section may have changed; problems are shown once, by name.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from kimi_lsp.logs import attach_client, set_level
from kimi_lsp.text import encoding_name
from kimi_lsp.wording import sentences

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

log = logging.getLogger(__name__)


def register(server: KimiLanguageServer) -> None:
    """Register the lifecycle handlers."""

    @server.feature(types.INITIALIZE)
    def initialize(ls: KimiLanguageServer, params: types.InitializeParams) -> None:
        runtime = ls.session.runtime
        problems = runtime.reload(init_options=params.initialization_options)
        set_level(runtime.log_level)
        _attach_client_log(ls)
        _show_problems(ls, problems)
        client = params.client_info.name if params.client_info else "unknown client"
        ls.session.client_name = params.client_info.name if params.client_info else ""
        encoding = encoding_name(ls.workspace.position_encoding)
        log.info("kimi-lsp initialized for %s (positions in %s)", client, encoding)
        ls.kimi_protocol.ready = True

    @server.feature(types.INITIALIZED)
    async def initialized(ls: KimiLanguageServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace  # initialize succeeded (see KimiProtocol)
        change = caps.did_change_configuration if caps else None
        if change and change.dynamic_registration:
            registration = types.Registration(
                id=str(uuid.uuid4()), method=types.WORKSPACE_DID_CHANGE_CONFIGURATION
            )
            try:
                await ls.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                )
            except Exception as exc:
                log.info("didChangeConfiguration not registered: %s", exc)
        await _pull_settings(ls, None)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: KimiLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        await _pull_settings(ls, params.settings)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: KimiLanguageServer, params: Any) -> None:
        await ls.session.aclose()


async def _pull_settings(ls: KimiLanguageServer, pushed: object) -> None:
    """Ask the client for section `kimi` when it can answer; else use what it pushed."""
    caps = ls.client_capabilities.workspace
    workspace: object = pushed
    if caps and caps.configuration:
        try:
            answer = await ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="kimi")])
            )
            workspace = answer[0] if answer else None
        except Exception as exc:
            log.warning("workspace/configuration failed, keeping the settings: %s", exc)
            return
    elif pushed is None:
        return
    runtime = ls.session.runtime
    problems = runtime.reload(workspace=workspace)
    set_level(runtime.log_level)
    _show_problems(ls, problems)


def _show_problems(ls: KimiLanguageServer, problems: list[str]) -> None:
    """Show settings problems, once for each distinct set."""
    if problems and problems != ls.session.shown_problems:
        ls.session.shown_problems = problems
        lead = "a problem with the settings" if len(problems) == 1 else "problems with the settings"
        ls.show(f"{lead}: {sentences(*problems)}", types.MessageType.Warning)


def _attach_client_log(ls: KimiLanguageServer) -> None:
    def send(kind: int, message: str) -> None:
        ls.window_log_message(types.LogMessageParams(type=types.MessageType(kind), message=message))

    attach_client(send)
