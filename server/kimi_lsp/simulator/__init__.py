"""An OpenAI-compatible simulator of Moonshot's Kimi K2.7 Code API.

It serves ``POST /v1/chat/completions`` and ``GET /v1/models`` over real HTTP/1.1 on
loopback, imitating the documented API: Bearer auth, validation (including the
``reasoning_content`` replay rule of multi-step tool calling), always-on thinking that
counts toward ``max_tokens``, SSE streaming with reasoning, content and tool-call
fragments, usage, errors, and broken or stalled streams on demand.

It analyses no code: answers are chosen, not made up. Tests script turns with
:meth:`Simulator.script` or a responder; a JSON cassette (``kimi-lsp simulator --script
FILE``, :mod:`.cassette`) or ``POST /_simulator/script`` gives them to a standalone
simulator. Anything unscripted gets a short default that says it comes from a simulator.
``response_format``, ``reasoning_effort``, ``tool_choice`` and the output caps behave as
documented; ``profile="kimi"`` answers at Kimi's pace (:mod:`.profile`).
"""

from .cassette import Answer, Cassette, load_cassette
from .chaos import BASIC_FAULT_KINDS, FAULT_KINDS, HOSTILE_FAULT_KINDS, Chaos
from .profile import FAST, KIMI, PROFILES, Profile
from .recording import RecordedRequest
from .request import ChatRequest
from .responder import Responder
from .script import ToolCallSpec, Turn
from .server import DEFAULT_API_KEY, MODELS, Simulator, run

__all__ = [
    "BASIC_FAULT_KINDS",
    "DEFAULT_API_KEY",
    "FAST",
    "FAULT_KINDS",
    "HOSTILE_FAULT_KINDS",
    "KIMI",
    "MODELS",
    "PROFILES",
    "Answer",
    "Cassette",
    "Chaos",
    "ChatRequest",
    "Profile",
    "RecordedRequest",
    "Responder",
    "Simulator",
    "ToolCallSpec",
    "Turn",
    "load_cassette",
    "run",
]
