"""The settings users can write, as pydantic models (camelCase on the wire).

Every field has a docstring: they are the reference for `docs/protocol.md`.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, field_validator
from pydantic.alias_generators import to_camel

ProviderName = Literal["empiriolabs", "aigateway", "openai-compatible", "simulator"]


def _strip_key(value: object) -> object:
    """A key pasted with a trailing newline or spaces works (httpx refuses such a header)."""
    return value.strip() if isinstance(value, str) else value


class _Section(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
    )


class BudgetSettings(_Section):
    """Spending limits."""

    session_usd: float | None = Field(default=None, ge=0)
    """Stop making model calls once this many dollars were spent in this server session."""


class RetrySettings(_Section):
    """How failed requests are retried (429, 5xx, dropped connections before content)."""

    max_retries: int = Field(default=3, ge=0, le=10)
    """Retries after the first attempt."""
    base_delay_seconds: float = Field(default=0.5, ge=0, le=30)
    """First backoff delay; doubles with each retry, with jitter."""
    max_delay_seconds: float = Field(default=8.0, ge=0, le=60)
    """Longest backoff delay between two attempts."""
    retry_after_cap_seconds: float = Field(default=30.0, ge=0, le=300)
    """The longest `Retry-After` the server will honour."""


class TimeoutSettings(_Section):
    """Network timeouts."""

    connect_seconds: float = Field(default=10.0, gt=0, le=300)
    """Time allowed to open a connection."""
    read_seconds: float = Field(default=90.0, gt=0, le=900)
    """Longest silence allowed while waiting for the next piece of an answer."""


class PriceSettings(_Section):
    """US dollars per million tokens for one model id."""

    input: float = Field(ge=0)
    """Price of a million prompt tokens."""
    output: float = Field(ge=0)
    """Price of a million output tokens (reasoning included)."""


class ExplainSettings(_Section):
    """The explain command."""

    context_lines: int = Field(default=40, ge=0, le=2000)
    """Lines of surrounding code sent before and after the selection."""
    max_selection_chars: int = Field(default=60_000, ge=100, le=2_000_000)
    """Larger selections are refused with a message instead of being sent."""
    max_context_chars: int = Field(default=20_000, ge=0, le=1_000_000)
    """Characters of surrounding code sent on each side of the selection at most; beyond
    that the context is cut at a line boundary (or inside a line longer than this)."""


class ToolSettings(_Section):
    """The read-only tools the model may call (read_file, list_files, search_text)."""

    enabled: bool = True
    """Offer the tools at all."""
    max_rounds: int = Field(default=8, ge=1, le=50)
    """Tool rounds per request; then the model is told to answer with what it has."""
    deny: list[str] = []
    """More gitignore-style patterns no tool may read, added to the built-in deny list
    (which they can never narrow: a `!pattern` only re-allows what this list denied).
    At most 1,000 patterns of at most 1,000 characters."""
    max_output_chars: int = Field(default=120_000, ge=1_000, le=2_000_000)
    """Total tool output per request; past it the model is told to answer."""
    max_read_chars: int = Field(default=20_000, ge=500, le=1_000_000)
    """Characters one read_file call returns at most (it says where it stopped)."""
    max_file_bytes: int = Field(default=1_000_000, ge=1_000, le=50_000_000)
    """Files larger than this are refused."""
    max_files: int = Field(default=500, ge=1, le=100_000)
    """Paths one list_files call returns at most."""
    max_matches: int = Field(default=100, ge=1, le=10_000)
    """Lines one search_text call returns at most."""
    search_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    """Time one search_text or list_files call may take."""

    @field_validator("deny", mode="before")
    @classmethod
    def _patterns(cls, value: object) -> object:
        """Checked as a whole, so a bad pattern sets aside this setting, not every other."""
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise ValueError("it must be a list of gitignore-style patterns (strings)")
        if len(value) > 1000:
            raise ValueError(f"it has {len(value):,} patterns; at most 1,000")
        for number, pattern in enumerate(value, start=1):
            if len(pattern) > 1000:
                raise ValueError(
                    f"pattern {number} is {len(pattern):,} characters long; at most 1,000"
                )
        return value


class EditsSettings(_Section):
    """How rewrites (refactor, fix) reach the document."""

    review: bool = True
    """Show a whole rewrite as a proposal above the original and wait for kimi.accept or
    kimi.reject; false applies it as soon as it is whole."""
    confirm_seconds: float = Field(default=5.0, gt=0, le=120)
    """How long the editor may take to answer an edit and report it with didChange."""


class EditSettings(_Section):
    """Changes across files (kimi.edit): how big one may get."""

    max_files: int = Field(default=20, ge=1, le=500)
    """Files one change may touch (edited or created)."""
    max_bytes: int = Field(default=200_000, ge=1_000, le=10_000_000)
    """Bytes of new text one change may write."""
    max_rounds: int = Field(default=16, ge=1, le=100)
    """Tool rounds (reading and editing) one change may take."""


class CompletionSettings(_Section):
    """Ghost text (inline completions) and the completion-list fallback."""

    enabled: bool = True
    """Automatic suggestions while typing; explicit requests work either way."""
    languages: dict[str, bool] = {}
    """Per-language override of `enabled`, by language id, e.g. {"markdown": false}."""
    model: str | None = None
    """A model for ghost text only (e.g. a faster one); defaults to kimi.model."""
    base_url: str | None = None
    """Its base URL; defaults to kimi.baseUrl."""
    api_key: SecretStr | None = None
    """Its key; defaults to the main key."""
    _key = field_validator("api_key", mode="before")(_strip_key)
    debounce_ms: int = Field(default=100, ge=0, le=2_000)
    """Pause in typing before an automatic request reaches the model."""
    max_prompt_tokens: int = Field(default=1_500, ge=200, le=32_000)
    """Budget of the context sent (text before and after the cursor, related snippets)."""
    max_tokens: int = Field(default=2_048, ge=64, le=16_384)
    """Output budget; reasoning counts toward it, so it must leave room."""
    reasoning_effort: Literal["none", "low", "medium", "high"] = "low"
    """Sent to providers that accept it (AIgateway)."""
    fallback: Literal["invoked", "always", "off"] = "invoked"
    """textDocument/completion item for clients without inline completion: on explicit
    invocation only, on every request, or never."""
    cache_size: int = Field(default=64, ge=0, le=10_000)
    """Completions remembered by the text around the cursor."""
    neighbours: bool = True
    """Add the most similar snippets of other open documents when the budget allows."""

    @field_validator("base_url")
    @classmethod
    def _completion_url(cls, value: str | None) -> str | None:
        return _check_url(value)


class Settings(_Section):
    """Everything under the `kimi` section."""

    provider: ProviderName | None = None
    """empiriolabs, aigateway, openai-compatible or simulator. Unset: empiriolabs, or
    aigateway when only AIGATEWAY_API_KEY is set, or openai-compatible when a base URL is set."""
    base_url: str | None = None
    """The OpenAI-compatible API base URL, e.g. https://api.moonshot.ai/v1."""
    model: str | None = None
    """The model id; defaults to the provider's Kimi K2.7 Code id."""
    api_key: SecretStr | None = None
    """The API key. Prefer an environment variable or the editor's secret storage."""
    _key = field_validator("api_key", mode="before")(_strip_key)
    max_tokens: int = Field(default=16_384, ge=256, le=131_072)
    """Output budget of a command's answer. Reasoning counts toward it: keep it generous."""
    budget: BudgetSettings = BudgetSettings()
    """Spending limits."""
    retry: RetrySettings = RetrySettings()
    """Retry policy."""
    timeouts: TimeoutSettings = TimeoutSettings()
    """Network timeouts."""
    prices: dict[str, PriceSettings] = {}
    """Prices by model id, overriding the built-in table."""
    explain: ExplainSettings = ExplainSettings()
    """The explain command."""
    completion: CompletionSettings = CompletionSettings()
    """Ghost text."""
    tools: ToolSettings = ToolSettings()
    """The read-only workspace tools."""
    edits: EditsSettings = EditsSettings()
    """Proposals: review before a rewrite lands."""
    edit: EditSettings = EditSettings()
    """Changes across files (kimi.edit)."""
    web_search: bool = False
    """Let the model search the web (EmpirioLabs only; $0.015 per invoked search)."""
    log_level: Literal["error", "warning", "info", "debug"] = "info"
    """How much the server logs to stderr / the log file and `window/logMessage`."""

    _file_api_key: SecretStr | None = PrivateAttr(default=None)
    """`apiKey` from the config file: it yields to the provider's key variable."""

    @property
    def file_api_key(self) -> SecretStr | None:
        """The key written in the config file, if any."""
        return self._file_api_key

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _check_url(value)


def _check_url(value: str | None) -> str | None:
    """An http(s) URL with a host and a valid port, without a trailing slash."""
    if value is None or value == "":
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    try:
        url = urlsplit(value)
        port = url.port
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    if not url.hostname or (port is not None and not 0 < port < 65536):
        raise ValueError("needs a host (and a port from 1 to 65535)")
    return value.rstrip("/")
