"""Configuration: presets, the settings model, their sources and their resolution."""

from kimi_lsp.config.resolve import NotConfigured, resolve_endpoint
from kimi_lsp.config.settings import Settings
from kimi_lsp.config.sources import load

__all__ = ["NotConfigured", "Settings", "load", "resolve_endpoint"]
