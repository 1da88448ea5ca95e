"""The server's resources outside LSP: the settings from every source, the model service
with its HTTP client and usage ledger, the level of the log and, for the simulator
provider, the built-in simulator. The session (`session.py`) holds one; the LSP-side
state of the connection is there. No LSP types in here."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from kimi_lsp.config import resolve, sources
from kimi_lsp.config.presets import PRESETS
from kimi_lsp.config.settings import Settings
from kimi_lsp.logs import SECRETS, scrub
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.service import ModelService

if TYPE_CHECKING:  # imported when first used: they are not needed to start
    import httpx

    from kimi_lsp.simulator import Simulator

log = logging.getLogger(__name__)

_KEEP = object()


class Runtime:
    """Settings, and the services they configure."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.env: dict[str, str] = dict(os.environ if env is None else env)
        self._transport = transport
        self._init_options: object = None
        self._workspace: object = None
        self.settings = Settings()
        self.ledger = UsageLedger()
        self._service: ModelService | None = None
        self._simulator: Simulator | None = None
        self._simulator_lock: asyncio.Lock | None = None
        self.log_level_override: str | None = None
        """`--log-level` from the command line wins over `kimi.logLevel`."""
        self.client_name = ""
        """The editor's `clientInfo.name`: what to do about a missing key is said its way."""
        self.reload()

    def reload(self, *, init_options: object = _KEEP, workspace: object = _KEEP) -> list[str]:
        """Re-read every settings source; returns the problems found (already logged)."""
        if init_options is not _KEEP:
            self._init_options = init_options
        if workspace is not _KEEP:
            self._workspace = workspace
        self.settings, problems = sources.load(self.env, self._init_options, self._workspace)
        self.ledger.prices = resolve.prices(self.settings)
        self.ledger.budget_usd = self.settings.budget.session_usd
        preset = resolve.choose_preset(self.settings, self.env)
        if warning := resolve.mismatch(self.settings, self.env):
            problems.append(warning)
        model = self.settings.model or preset.model
        if self.settings.budget.session_usd is not None and model not in self.ledger.prices:
            problems.append(
                f"kimi.budget.sessionUsd cannot be enforced: model {model} has no price; "
                "add it to kimi.prices"
            )
        if self.settings.web_search and not preset.accepts_web_search:
            problems.append(
                f"kimi.webSearch works only with the empiriolabs provider, not {preset.name}; "
                "it is ignored"
            )
        keys = (self.settings.api_key, self.settings.file_api_key, self.settings.completion.api_key)
        SECRETS.add([k.get_secret_value() for k in keys if k is not None])
        SECRETS.add([self.env.get(p.key_env or "") for p in PRESETS.values()])
        SECRETS.add([self.env.get("KIMI_LSP_API_KEY")])
        # A problem may quote a value: a key pasted into the wrong setting is not shown.
        problems = [scrub(problem, SECRETS.secrets) for problem in problems]
        for problem in problems:
            log.warning("settings: %s", problem)
        if self._service is not None:
            self._service.client.retry = resolve.retry_policy(self.settings)
            self._service.client.timeouts = resolve.timeouts(self.settings)
        return problems

    @property
    def service(self) -> ModelService:
        """The model service, created on first use inside the running loop."""
        if self._service is None:
            from kimi_lsp.model.client import ModelClient

            client = ModelClient(
                timeouts=resolve.timeouts(self.settings),
                retry=resolve.retry_policy(self.settings),
                transport=self._transport,
            )
            self._service = ModelService(client, self.ledger)
        return self._service

    @property
    def log_level(self) -> str:
        """The effective log level."""
        return self.log_level_override or self.settings.log_level

    @property
    def max_tokens(self) -> int:
        """The output budget for command answers."""
        return resolve.max_output_tokens(self.settings, self.env)

    async def endpoint(self) -> Endpoint:
        """The endpoint to call now (raises `NotConfigured` when settings are missing)."""
        preset = resolve.choose_preset(self.settings, self.env)
        simulator_url = None
        if preset.name == "simulator" and not self.settings.base_url:
            simulator_url = await self._ensure_simulator()
        return resolve.resolve_endpoint(self.settings, self.env, simulator_url, self.client_name)

    async def completion_endpoint(self) -> Endpoint:
        """The endpoint for ghost text (`kimi.completion.*` over the main one)."""
        preset = resolve.choose_preset(self.settings, self.env)
        simulator_url = None
        if preset.name == "simulator" and not self.settings.base_url:
            simulator_url = await self._ensure_simulator()
        return resolve.completion_endpoint(self.settings, self.env, simulator_url, self.client_name)

    async def _ensure_simulator(self) -> str:
        if self._simulator_lock is None:
            self._simulator_lock = asyncio.Lock()
        async with self._simulator_lock:
            if self._simulator is None:
                from kimi_lsp.simulator import Simulator

                key = self.settings.api_key
                simulator = Simulator(
                    api_key=key.get_secret_value() if key else resolve.SIMULATOR_KEY
                )
                await simulator.start()
                log.info("built-in simulator listening on %s", simulator.base_url)
                self._simulator = simulator
            return self._simulator.base_url

    async def aclose(self) -> None:
        """Close the HTTP client and stop the simulator."""
        if self._service is not None:
            await self._service.aclose()
            self._service = None
        if self._simulator is not None:
            await self._simulator.stop()
            self._simulator = None
