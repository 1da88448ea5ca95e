"""The simulator's clock and how ``reasoning_effort`` shapes the reasoning.

``fast`` (the default, for tests) answers at once. ``kimi`` imitates Kimi K2.7 Code:

* about 2.8 s to the first answer token and about 38 tokens/s: the third-party
  measurement quoted in the API facts (unverified, a point in time);
* our assumption: the 2.8 s are 0.8 s before the first streamed byte plus 76 tokens of
  reasoning at 38 tokens/s (the medium effort), and reasoning streams at the same rate;
* our assumption: a turn without reasoning gets filler reasoning of 38 (low), 76
  (medium) or 304 (high) tokens, as thinking is always on.

A profile times only turns that set no timing of their own (``ttft`` and ``chunk_delay``
both 0); ``pace`` and ``latency`` override its delay between chunks and its time to the
first byte.

``reasoning_effort`` (none, low, medium, high) is honoured by the AIgateway model id
only, the one provider that documents it: ``none`` removes the reasoning, ``low`` keeps
half of it, ``high`` four times it (our assumption), ``medium`` (also when absent) keeps
it. EmpirioLabs documents no such parameter and says thinking cannot be disabled: there
a valid value is accepted and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .script import Turn
from .tokens import CHARS_PER_TOKEN

EFFORT_MODELS = frozenset({"moonshot/kimi-k2.7-code"})
"""Model ids whose provider honours ``reasoning_effort``."""
EFFORT_SCALE: dict[str, float] = {"none": 0.0, "low": 0.5, "medium": 1.0, "high": 4.0}
THINKING = "Thinking it through before answering. "


@dataclass(frozen=True)
class Profile:
    """First-byte latency, token rate and filler reasoning (tokens) by effort."""

    name: str
    first_byte: float = 0.0
    tokens_per_second: float = 0.0
    """0: no delay between chunks."""
    reasoning_tokens: dict[str, int] = field(default_factory=dict)

    def chunk_delay(self, chunk_chars: int) -> float:
        """Seconds between two chunks of ``chunk_chars`` characters."""
        if self.tokens_per_second <= 0:
            return 0.0
        return chunk_chars / CHARS_PER_TOKEN / self.tokens_per_second


FAST = Profile("fast")
KIMI = Profile("kimi", 0.8, 38.0, {"low": 38, "medium": 76, "high": 304})
PROFILES: dict[str, Profile] = {p.name: p for p in (FAST, KIMI)}


def effort_of(body: dict[str, Any]) -> str:
    """The effort the model applies: the requested one where honoured, else medium."""
    effort = body.get("reasoning_effort")
    if body.get("model") in EFFORT_MODELS and isinstance(effort, str):
        return effort
    return "medium"


def scaled(text: str, factor: float) -> str:
    """``text`` cut to a share of it, or repeated up to ``factor`` times its length."""
    if factor >= 1:
        return (" ".join([text] * int(factor))) if text else text
    return text[: int(len(text) * factor)] if factor > 0 else ""


def shape(
    turn: Turn, body: dict[str, Any], profile: Profile, pace: float = 0.0, latency: float = 0.0
) -> Turn:
    """Apply the effort to the turn's reasoning, and the profile's clock if it has none."""
    effort = effort_of(body)
    reasoning = turn.reasoning
    if not reasoning and profile.reasoning_tokens.get(effort):
        size = profile.reasoning_tokens[effort] * CHARS_PER_TOKEN
        reasoning = (THINKING * (size // len(THINKING) + 1))[:size]
    else:
        reasoning = scaled(reasoning, EFFORT_SCALE.get(effort, 1.0))
    update: dict[str, Any] = {"reasoning": reasoning}
    if turn.ttft == 0 and turn.chunk_delay == 0:
        update["ttft"] = latency or profile.first_byte
        update["chunk_delay"] = pace or profile.chunk_delay(turn.chunk_chars)
    return turn.model_copy(update=update)
