"""The HTTP client for the OpenAI-compatible Chat Completions API.

SSE decoding, tool-call accumulation, retries, errors, usage and cost. This package
imports nothing from pygls: it is usable (and tested) without a language server.
"""
