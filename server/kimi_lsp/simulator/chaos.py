"""Seeded chaos mode: random faults injected into otherwise normal answers.

A :class:`Chaos` configuration gives one rate per fault kind. For each valid chat
request a :class:`ChaosEngine` draws, from a RNG seeded with ``Chaos.seed``, at most one
fault and applies it by transforming the chosen :class:`~.script.Turn`:

* ``429`` (with ``Retry-After: 0``), ``429_no_retry_after``, ``500``, ``503``: an error
  answer with the documented JSON body;
* ``drop_before_content``: the connection is cut just before the first content (or
  tool-call) delta; ``drop_during_content``: cut after some content was sent;
* ``stall``: the stream stops; the connection stays open until the client leaves;
* ``malformed_sse``: one ``data: {not json`` event inserted mid-stream (streaming only);
* ``bad_tool_json``: the first tool call's arguments are invalid JSON (only when the turn
  has tool calls);
* ``endless_content``, ``endless_reasoning``: the answer never ends (``Turn.endless``);
* ``oversized_line``: one SSE event of ``Chaos.oversized_bytes`` (streaming only);
* ``no_usage``: no usage anywhere in the answer.

:meth:`Chaos.uniform` spreads a rate over :data:`BASIC_FAULT_KINDS` unless given other
kinds: the last four (:data:`HOSTILE_FAULT_KINDS`) are opt-in.

Every request draws two random numbers whatever its answer, so the faults depend only on
the seed and on which apply to each request. A fault that does not apply (``malformed_sse``
or ``oversized_line`` not streaming, ``bad_tool_json`` without tool calls, any fault on a
scripted error turn) leaves the request untouched.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .recording import RecordedRequest
from .script import Turn
from .stream import ChunkFactory, Payload, content_delta, stream_payloads
from .tokens import Plan

_ERRORS = ("429", "429_no_retry_after", "500", "503")
_BROKEN = ("drop_before_content", "drop_during_content", "stall", "malformed_sse", "bad_tool_json")
BASIC_FAULT_KINDS: tuple[str, ...] = _ERRORS + _BROKEN
"""Errors and broken streams: what :meth:`Chaos.uniform` spreads its rate over by default."""
HOSTILE_FAULT_KINDS = ("endless_content", "endless_reasoning", "oversized_line", "no_usage")
"""Answers only a client that bounds its output survives: opt-in in :meth:`Chaos.uniform`."""
FAULT_KINDS: tuple[str, ...] = BASIC_FAULT_KINDS + HOSTILE_FAULT_KINDS
"""Every fault kind, in the order the RNG draw maps onto them."""
DEFAULT_OVERSIZED_BYTES = 8 * 1024 * 1024

STATUS_FAULTS: dict[str, int] = {"429": 429, "429_no_retry_after": 429, "500": 500, "503": 503}
"""The fault kinds answered with an error status."""

_Rate = Field(default=0.0, ge=0.0, le=1.0)


class Chaos(BaseModel):
    """Fault rates (probability per valid chat request, at most 1 in all) and the seed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    rate_429: float = _Rate
    rate_429_no_retry_after: float = _Rate
    rate_500: float = _Rate
    rate_503: float = _Rate
    drop_before_content: float = _Rate
    drop_during_content: float = _Rate
    stall: float = _Rate
    malformed_sse: float = _Rate
    bad_tool_json: float = _Rate
    endless_content: float = _Rate
    endless_reasoning: float = _Rate
    oversized_line: float = _Rate
    no_usage: float = _Rate
    oversized_bytes: int = Field(default=DEFAULT_OVERSIZED_BYTES, ge=1)
    """The size of the event an ``oversized_line`` fault sends."""

    @model_validator(mode="after")
    def _at_most_one_fault(self) -> Chaos:
        """Reject rates whose total exceeds 1."""
        if sum(self.rates().values()) > 1.0 + 1e-9:
            raise ValueError("chaos rates must sum to at most 1")
        return self

    @classmethod
    def uniform(
        cls, total_rate: float, seed: int = 0, kinds: tuple[str, ...] = BASIC_FAULT_KINDS
    ) -> Chaos:
        """Spread ``total_rate`` evenly over ``kinds`` (the basic ones by default;
        :data:`FAULT_KINDS` for all)."""
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown or not kinds:
            raise ValueError(f"unknown chaos fault kinds: {sorted(unknown)}")
        share = total_rate / len(kinds)
        return cls.model_validate({"seed": seed, **{RATE_FIELDS[kind]: share for kind in kinds}})

    def rates(self) -> dict[str, float]:
        """Return the rate of each fault kind, in :data:`FAULT_KINDS` order."""
        return {kind: float(getattr(self, RATE_FIELDS[kind])) for kind in FAULT_KINDS}

    @property
    def enabled(self) -> bool:
        """Whether any rate is non-zero."""
        return any(self.rates().values())


RATE_FIELDS: dict[str, str] = {k: f"rate_{k}" if k[0].isdigit() else k for k in FAULT_KINDS}
"""The :class:`Chaos` field holding each fault kind's rate."""


@dataclass(frozen=True)
class Injection:
    """The fault drawn for one request (``kind`` None for none) and where it strikes."""

    kind: str | None = None
    position: float = 0.0
    """A uniform number in [0, 1) choosing the event a stream fault strikes at."""
    oversized_bytes: int = DEFAULT_OVERSIZED_BYTES

    def before_plan(self, turn: Turn) -> Turn:
        """Apply the faults that change the answer itself: error statuses, bad tool JSON,
        endless and oversized answers, missing usage."""
        if self.kind in HOSTILE_FAULT_KINDS:
            hostile: dict[str, dict[str, Any]] = {
                "endless_content": {"endless": "content"},
                "endless_reasoning": {"endless": "reasoning"},
                "oversized_line": {"oversized_line": self.oversized_bytes},
                "no_usage": {"omit_usage": True},
            }
            return turn.model_copy(update=hostile[self.kind])
        if self.kind in STATUS_FAULTS:
            headers = {k: v for k, v in turn.headers.items() if k.lower() != "retry-after"}
            if self.kind == "429":
                headers["Retry-After"] = "0"
            errors = {"error_type": None, "error_message": None, "headers": headers}
            return turn.model_copy(update={"status": STATUS_FAULTS[self.kind], **errors})
        if self.kind == "bad_tool_json":
            first, *rest = turn.tool_calls
            broken = first.model_copy(update={"arguments": break_json(first.arguments)})
            return turn.model_copy(update={"tool_calls": [broken, *rest]})
        return turn

    def after_plan(self, turn: Turn, plan: Plan, stream: bool, include_usage: bool) -> Turn:
        """Apply the delivery faults (drop, stall, malformed event) at an event index."""
        if self.kind not in ("drop_before_content", "drop_during_content", "stall"):
            if self.kind == "malformed_sse":
                count = len(_payloads(turn, plan, include_usage))
                return turn.model_copy(update={"malformed_after": self._pick(1, count - 1)})
            return turn
        if not stream:  # a non-streamed body is cut (or stalls) half-way
            key = "stall_after" if self.kind == "stall" else "drop_after"
            return turn.model_copy(update={key: 0})
        payloads = _payloads(turn, plan, include_usage)
        marked = [i for i, p in enumerate(payloads) if _carries_output(p)]
        last = len(payloads) - 1  # never past the last event, or nothing would break
        first = marked[0] if marked else last
        if self.kind == "drop_before_content":
            return turn.model_copy(update={"drop_after": min(first, last)})
        if self.kind == "drop_during_content":
            end = marked[-1] if marked else last
            return turn.model_copy(update={"drop_after": self._pick(min(first + 1, last), end)})
        return turn.model_copy(update={"stall_after": self._pick(min(1, last), last)})

    def _pick(self, low: int, high: int) -> int:
        """Return an index in ``[low, max(low, high)]`` chosen by ``position``."""
        high = max(low, high)
        return low + int(self.position * (high - low + 1))


def break_json(arguments: str) -> str:
    """Return ``arguments`` made invalid JSON (an unterminated key after a comma)."""
    stripped = arguments.rstrip()
    return stripped.removesuffix("}") + ', "'


def _payloads(turn: Turn, plan: Plan, include_usage: bool) -> list[Payload]:
    """The SSE payloads a stream of ``plan`` will carry, to locate events in it."""
    return stream_payloads(plan, ChunkFactory("chaos", 0, "chaos"), turn, include_usage)


def _carries_output(payload: Payload) -> bool:
    """Whether a payload carries answer content or a tool-call fragment."""
    choices = payload.get("choices") if isinstance(payload, dict) else None
    return bool(choices and (content_delta(payload) or choices[0]["delta"].get("tool_calls")))


class ChaosEngine:
    """Draws the faults of a :class:`Chaos` configuration and counts them."""

    def __init__(self, chaos: Chaos | None = None) -> None:
        """Seed the RNG; with no configuration (or all rates 0) nothing is injected."""
        self.chaos = chaos or Chaos()
        self._rng = random.Random(self.chaos.seed)
        self.faults: dict[str, int] = {}
        """How many faults of each kind were injected."""

    def draw(self, turn: Turn, stream: bool, record: RecordedRequest) -> Injection:
        """Draw this request's fault, record it on ``record`` and count it."""
        if not self.chaos.enabled:
            return Injection()
        roll, position = self._rng.random(), self._rng.random()
        rates = self.chaos.rates()  # the roll falls among their running totals, or past them
        totals = zip(rates, itertools.accumulate(rates.values()), strict=True)
        kind = next((kind for kind, total in totals if roll < total), None)
        if kind is None or not _applies(kind, turn, stream):
            return Injection()
        record.fault = kind
        self.faults[kind] = self.faults.get(kind, 0) + 1
        return Injection(kind, position, self.chaos.oversized_bytes)


def _applies(kind: str, turn: Turn, stream: bool) -> bool:
    """Whether fault ``kind`` can strike this answer."""
    if turn.status != 200:
        return False
    if kind in ("malformed_sse", "oversized_line"):
        return stream
    if kind == "bad_tool_json":
        return bool(turn.tool_calls)
    return True
