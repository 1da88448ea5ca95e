"""An OpenAI-compatible simulator of Moonshot's Kimi K2.7 Code API.

It serves ``POST /v1/chat/completions`` and ``GET /v1/models`` over real HTTP/1.1 on
loopback as the documented API does: Bearer auth, validation (the ``reasoning_content``
replay rule included), always-on thinking that counts toward ``max_tokens``, SSE with
reasoning, content and tool-call fragments, usage, errors, ``response_format``,
``reasoning_effort``, ``tool_choice``, output caps, and broken streams on demand.

It analyses no code: answers are chosen, not made up. Tests script turns
(:meth:`Simulator.script`) or pass a responder; a JSON cassette (:mod:`.cassette`, also
``kimi-lsp simulator --script FILE`` and ``POST /_simulator/script``) scripts a standalone
one. Anything unscripted gets a short default that says it comes from a simulator.
``profile="kimi"`` answers at Kimi's pace (:mod:`.profile`).
"""

from .cassette import Cassette, load_cassette
from .chaos import BASIC_FAULT_KINDS, FAULT_KINDS, HOSTILE_FAULT_KINDS, Chaos
from .profile import Profile
from .recording import RecordedRequest
from .request import ChatRequest
from .responder import Responder
from .script import ToolCallSpec, Turn
from .server import DEFAULT_API_KEY, MODELS, Simulator, run

__all__ = [
    "BASIC_FAULT_KINDS",
    "DEFAULT_API_KEY",
    "FAULT_KINDS",
    "HOSTILE_FAULT_KINDS",
    "MODELS",
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
