"""kimi-lsp: a language server for Moonshot's Kimi K2.7 Code model."""

__version__ = "0.1.0"
