"""What one request has streamed, attempt by attempt, and the bounds on it.

The client updates a `StreamMeter` after every chunk. It stops an answer that goes on
past its `max_tokens` (a server that ignores it, endless reasoning) and a stream that
goes on sending bytes without writing (endless keep-alives, empty deltas), and it calls
the caller's guard (the session budget) with the characters written so far. The caller
bills each attempt from it: a retried attempt that streamed was billed all the same.

Tokens are estimated from characters in two ways, on purpose:
- **the bound** assumes the most characters a token plausibly holds on average
  (`BOUND_CHARS_PER_TOKEN`, 32: eight times the usual 4), so an answer the API itself
  would allow is never cut; only a server that goes far past `max_tokens` is stopped;
- **cost** uses the usual 4 characters per token (`CHARS_PER_TOKEN`), for estimates when
  the API reports no usage and for the budget while an answer streams.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kimi_lsp.model.errors import AnswerTooLong
from kimi_lsp.model.types import Usage

CHARS_PER_TOKEN = 4
"""For cost estimates: a request the API reported no usage for, and the budget."""
BOUND_CHARS_PER_TOKEN = 32
"""For the output bound: eight times the usual, so an honest answer is never cut (long runs
of indentation, a tokenizer that packs more into a token)."""
DEFAULT_MAX_TOKENS = 131_072
"""The bound of a request that sets no `max_tokens` (the largest any preset allows)."""
WIRE_BYTES_PER_TOKEN = 2048
MIN_WIRE_BYTES = 32 * 1024 * 1024
"""A stream may carry this many bytes (at least 32 MiB, else 2 KiB per allowed token:
ten times what a chunk of one token with all its JSON fields weighs) before it is
stopped as one that sends without writing."""


def estimate_tokens(chars: int) -> int:
    """Tokens in `chars` characters, for cost (rounded up)."""
    return -(-chars // CHARS_PER_TOKEN)


@dataclass
class Attempt:
    """One HTTP attempt of a request."""

    chars: int = 0
    """Characters of reasoning, content and tool-call arguments it streamed."""
    usage: Usage | None = None
    """The usage the API reported for it, when it did (and it was believable)."""
    wire_bytes: int = 0
    completed: bool = False
    """It ended in a finished turn."""


Guard = Callable[[int], None]
"""Called with the characters the current attempt has written; raises to stop it."""


class StreamMeter:
    """The attempts of one request and the bounds they are held to."""

    def __init__(self, max_tokens: int | None, guard: Guard | None = None) -> None:
        self.max_tokens = max_tokens if max_tokens and max_tokens > 0 else DEFAULT_MAX_TOKENS
        self.max_chars = self.max_tokens * BOUND_CHARS_PER_TOKEN
        self.max_wire_bytes = max(MIN_WIRE_BYTES, self.max_tokens * WIRE_BYTES_PER_TOKEN)
        self.attempts: list[Attempt] = []
        self._guard = guard

    def begin(self) -> Attempt:
        """A new attempt starts."""
        self.attempts.append(Attempt())
        return self.attempts[-1]

    @property
    def current(self) -> Attempt:
        """The attempt under way (one is begun if none was)."""
        return self.attempts[-1] if self.attempts else self.begin()

    def received(self, size: int) -> None:
        """`size` more bytes arrived; raises `AnswerTooLong` past the stream's bound."""
        attempt = self.current
        attempt.wire_bytes += size
        if attempt.wire_bytes > self.max_wire_bytes:
            raise AnswerTooLong(
                f"The stream went on for more than {self.max_wire_bytes // 2**20} MiB with "
                f"{attempt.chars:,} characters of answer and was stopped: the server does not "
                "end it. Check the server behind kimi.baseUrl."
            )

    def update(self, chars: int, usage: Usage | None) -> None:
        """The attempt has written `chars` characters in all; raises `AnswerTooLong` past
        the output bound, and whatever the guard raises."""
        attempt = self.current
        attempt.chars = chars
        if usage is not None:
            attempt.usage = usage
        if chars > self.max_chars:
            raise AnswerTooLong(
                f"The model wrote {chars:,} characters, far more than its max_tokens of "
                f"{self.max_tokens:,} allows, and the answer was stopped: the server did not "
                "end it. Raise kimi.maxTokens (kimi.completion.maxTokens for ghost text) if "
                "the answer needs more, or check the server behind kimi.baseUrl."
            )
        if self._guard is not None:
            self._guard(chars)
