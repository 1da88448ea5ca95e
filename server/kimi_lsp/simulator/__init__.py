"""An OpenAI-compatible simulator of Moonshot's Kimi K2.7 Code API.

It serves ``POST /v1/chat/completions`` and ``GET /v1/models`` over real HTTP/1.1 on
loopback, imitating the documented API: Bearer auth, validation (including the
``reasoning_content`` replay rule of multi-step tool calling), always-on thinking that
counts toward ``max_tokens``, SSE streaming with reasoning, content and tool-call
fragments, usage, errors, and broken or stalled streams on demand.

Tests script turns with :meth:`Simulator.script`; otherwise a deterministic default
responder answers from the request.
"""

from .chaos import BASIC_FAULT_KINDS, FAULT_KINDS, HOSTILE_FAULT_KINDS, Chaos
from .recording import RecordedRequest
from .script import ToolCallSpec, Turn
from .server import DEFAULT_API_KEY, MODELS, Simulator, run

__all__ = [
    "BASIC_FAULT_KINDS",
    "DEFAULT_API_KEY",
    "FAULT_KINDS",
    "HOSTILE_FAULT_KINDS",
    "MODELS",
    "Chaos",
    "RecordedRequest",
    "Simulator",
    "ToolCallSpec",
    "Turn",
    "run",
]
