"""Where a model lives: the resolved provider, base URL, model id and key."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from kimi_lsp.model.errors import display_url, url_secrets


@dataclass(frozen=True)
class Timeouts:
    """Network timeouts in seconds. `read` is the longest silence allowed mid-stream."""

    connect: float = 10.0
    read: float = 90.0
    write: float = 30.0


@dataclass(frozen=True)
class Endpoint:
    """A resolved model endpoint (see `kimi_lsp.config` for how it is chosen)."""

    provider: str
    base_url: str
    model: str
    api_key: SecretStr | None
    key_hint: str
    """How the user sets the key, e.g. "set EMPIRIOLABS_API_KEY or kimi.apiKey"."""
    accepts_reasoning_effort: bool = False
    accepts_web_search: bool = False

    @property
    def chat_url(self) -> str:
        """The Chat Completions URL."""
        return self.base_url.rstrip("/") + "/chat/completions"

    @property
    def shown_url(self) -> str:
        """The base URL as messages show it: without credentials written into it."""
        return display_url(self.base_url)

    def secrets(self) -> tuple[str, ...]:
        """Strings that must never appear in logs or messages: the key, and a password
        written into the base URL."""
        key = (self.api_key.get_secret_value(),) if self.api_key else ()
        return key + url_secrets(self.base_url)
