"""The providers kimi-lsp knows by name (facts from the providers' own pages)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """Defaults for one provider."""

    name: str
    base_url: str | None
    model: str | None
    key_env: str | None
    """The provider's own key variable (KIMI_LSP_API_KEY works for every provider)."""
    max_output_tokens: int
    accepts_reasoning_effort: bool = False
    accepts_web_search: bool = False


EMPIRIOLABS = Preset(
    name="empiriolabs",
    base_url="https://api.empiriolabs.ai/v1",
    model="kimi-k2-7-code",
    key_env="EMPIRIOLABS_API_KEY",
    max_output_tokens=131_072,
    accepts_web_search=True,
)
AIGATEWAY = Preset(
    name="aigateway",
    base_url="https://api.aigateway.sh/v1",
    model="moonshot/kimi-k2.7-code",
    key_env="AIGATEWAY_API_KEY",
    max_output_tokens=16_384,
    accepts_reasoning_effort=True,
)
OPENAI_COMPATIBLE = Preset(
    name="openai-compatible",
    base_url=None,
    model=None,
    key_env=None,
    max_output_tokens=131_072,
)
SIMULATOR = Preset(
    name="simulator",
    base_url=None,  # None: the server starts the built-in simulator on 127.0.0.1 itself
    model="kimi-k2-7-code",
    key_env=None,
    max_output_tokens=131_072,
)

PRESETS: dict[str, Preset] = {
    p.name: p for p in (EMPIRIOLABS, AIGATEWAY, OPENAI_COMPATIBLE, SIMULATOR)
}
