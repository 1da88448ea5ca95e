"""From settings and environment to the endpoint the model client calls."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from pydantic import SecretStr

from kimi_lsp.config.key_hint import key_hint as editor_key_hint
from kimi_lsp.config.presets import PRESETS, Preset
from kimi_lsp.config.settings import Settings
from kimi_lsp.model.endpoint import Endpoint, Timeouts
from kimi_lsp.model.errors import ModelError, display_url
from kimi_lsp.model.pricing import DEFAULT_PRICES, Price
from kimi_lsp.model.retry import RetryPolicy

SIMULATOR_KEY = "sk-simulator"


class NotConfigured(ModelError):
    """A setting the chosen provider needs is missing."""

    kind = "not-configured"


def choose_preset(settings: Settings, env: Mapping[str, str]) -> Preset:
    """The provider named in settings, else inferred from what is configured."""
    if settings.provider:
        return PRESETS[settings.provider]
    if settings.base_url:
        return PRESETS["openai-compatible"]
    if env.get("EMPIRIOLABS_API_KEY") or not env.get("AIGATEWAY_API_KEY"):
        return PRESETS["empiriolabs"]
    return PRESETS["aigateway"]


def key_hint(
    preset: Preset, own_host: bool = True, editor: str = "", env: Mapping[str, str] | None = None
) -> str:
    """Where the user puts the key for this provider, in the way of `editor` (the client's
    `clientInfo.name`; `config/key_hint.py`)."""
    key_env = preset.key_env if own_host else None
    return editor_key_hint(key_env, editor, {} if env is None else env)


def mismatch(settings: Settings, env: Mapping[str, str]) -> str | None:
    """A warning when a named provider is pointed at another host (its key is then not sent)."""
    preset = choose_preset(settings, env)
    if preset.base_url and settings.base_url and settings.base_url != preset.base_url:
        return (
            f"kimi.provider is {preset.name} but kimi.baseUrl is {display_url(settings.base_url)}; "
            f"{preset.key_env} is not sent to another host, so set KIMI_LSP_API_KEY or "
            "kimi.apiKey for it (or remove kimi.baseUrl)"
        )
    return None


def resolve_endpoint(
    settings: Settings,
    env: Mapping[str, str],
    simulator_url: str | None = None,
    editor: str = "",
) -> Endpoint:
    """The endpoint to call. Raises `NotConfigured` when a required setting is missing.

    `simulator_url` is where the built-in simulator listens, for the simulator provider;
    `editor` the client's name, which the key hint is worded for.
    """
    preset = choose_preset(settings, env)
    base_url = settings.base_url or preset.base_url
    if preset.name == "simulator":
        base_url = settings.base_url or simulator_url
    if not base_url:
        raise NotConfigured(
            f"The {preset.name} provider needs a base URL: set KIMI_LSP_BASE_URL or kimi.baseUrl."
        )
    model = settings.model or preset.model
    if not model:
        raise NotConfigured(
            f"The {preset.name} provider needs a model id: set KIMI_LSP_MODEL or kimi.model."
        )
    key = settings.api_key
    own_host = preset.base_url is None or base_url.rstrip("/") == preset.base_url
    if key is None and preset.key_env and env.get(preset.key_env) and own_host:
        key = SecretStr(env[preset.key_env].strip())
    if key is None:
        key = settings.file_api_key
    if key is None and preset.name == "simulator":
        key = SecretStr(SIMULATOR_KEY)
    return Endpoint(
        provider=preset.name,
        base_url=base_url,
        model=model,
        api_key=key,
        key_hint=key_hint(preset, own_host, editor, env),
        accepts_reasoning_effort=preset.accepts_reasoning_effort,
        accepts_web_search=preset.accepts_web_search,
    )


def max_output_tokens(settings: Settings, env: Mapping[str, str]) -> int:
    """`kimi.maxTokens`, capped at what the provider allows."""
    return min(settings.max_tokens, choose_preset(settings, env).max_output_tokens)


def prices(settings: Settings) -> dict[str, Price]:
    """The built-in price table with the user's overrides."""
    table = dict(DEFAULT_PRICES)
    for model, price in settings.prices.items():
        table[model] = Price(price.input, price.output)
    return table


def retry_policy(settings: Settings) -> RetryPolicy:
    """The retry policy from settings."""
    r = settings.retry
    return RetryPolicy(
        max_retries=r.max_retries,
        base_delay=r.base_delay_seconds,
        max_delay=r.max_delay_seconds,
        retry_after_cap=r.retry_after_cap_seconds,
    )


def timeouts(settings: Settings) -> Timeouts:
    """The network timeouts from settings."""
    t = settings.timeouts
    return Timeouts(connect=t.connect_seconds, read=t.read_seconds)


def same_origin(a: str, b: str) -> bool:
    """True when two URLs name the same scheme, host and port (where a key may go)."""
    try:
        x, y = urlsplit(a), urlsplit(b)
        return (x.scheme.lower(), x.hostname, x.port) == (y.scheme.lower(), y.hostname, y.port)
    except ValueError:
        return False


def completion_endpoint(
    settings: Settings,
    env: Mapping[str, str],
    simulator_url: str | None = None,
    editor: str = "",
) -> Endpoint:
    """The endpoint for ghost text: the main one, with `kimi.completion.*` overrides.

    A key goes only where it belongs: `kimi.completion.apiKey` if set; else, for a
    `kimi.completion.baseUrl` that is a known provider's address, that provider's key
    variable; else the main key, but only when `kimi.completion.baseUrl` is on the same
    host as the main endpoint (another host never receives it).
    """
    c = settings.completion
    if c.base_url and c.model is None and settings.model is None:
        raise NotConfigured("kimi.completion.baseUrl is set: set kimi.completion.model too.")
    main = resolve_endpoint(settings, env, simulator_url, editor)
    base_url = c.base_url or main.base_url
    gateway = PRESETS["aigateway"].base_url
    key, hint = c.api_key, "set kimi.completion.apiKey"
    if key is None and c.base_url:
        owner = next((p for p in PRESETS.values() if p.base_url == c.base_url), None)
        if owner is not None and owner.key_env and env.get(owner.key_env, "").strip():
            key = SecretStr(env[owner.key_env].strip())
        elif same_origin(c.base_url, main.base_url):
            key, hint = main.api_key, main.key_hint
        else:
            hint = (
                "set kimi.completion.apiKey (kimi.completion.baseUrl is on another host than "
                "the main endpoint, so the main key is not sent to it)"
            )
    elif key is None:
        key, hint = main.api_key, main.key_hint
    return Endpoint(
        provider=main.provider if not c.base_url else "completion",
        base_url=base_url,
        model=c.model or main.model,
        api_key=key,
        key_hint=hint,
        accepts_reasoning_effort=base_url == gateway
        or (main.accepts_reasoning_effort and not c.base_url),
        accepts_web_search=False,
    )
