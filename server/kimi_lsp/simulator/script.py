"""Scripted turns: what the simulator answers to the next valid chat request.

A :class:`Turn` describes one model answer (reasoning, content, tool calls) and how it is
delivered (status, latency, chunking, broken streams, a malformed SSE event). Turns are
pydantic models so tests driving a standalone simulator can send them as JSON to
``POST /_simulator/script``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import default_error_message, default_error_type


class ToolCallSpec(BaseModel):
    """One tool call the scripted model makes.

    ``arguments`` is sent verbatim (streamed in pieces) and may be invalid JSON on purpose.
    ``id`` defaults to ``call_<n>`` with a counter owned by the simulator.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    arguments: str = "{}"
    id: str | None = None


class Turn(BaseModel):
    """One scripted answer of the simulated model; every field is optional.

    A real model cannot call tools the request does not offer: when the request has no
    ``tools`` (or ``tool_choice`` is ``"none"``), ``tool_calls`` are dropped, the answer is
    ``content`` (the default responder's content if empty) and an explicit
    ``finish_reason="tool_calls"`` becomes the computed one (``stop``, or ``length``).

    ``web_search_calls`` is the number of built-in web searches the model invoked; it is
    reported as ``usage.web_search_calls`` only when the request enabled
    ``tool_web_search`` (and is then added to a scripted ``usage`` lacking that key).
    """

    model_config = ConfigDict(extra="forbid")

    reasoning: str = ""
    content: str = ""
    tool_calls: list[ToolCallSpec] = Field(default_factory=list)
    finish_reason: str | None = None

    status: int = Field(default=200, ge=100, le=599)
    error_type: str | None = None
    error_message: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)

    ttft: float = Field(default=0.0, ge=0.0)
    chunk_delay: float = Field(default=0.0, ge=0.0)
    chunk_chars: int = Field(default=8, ge=1)

    drop_after: int | None = Field(default=None, ge=0)
    stall_after: int | None = Field(default=None, ge=0)
    malformed_after: int | None = Field(default=None, ge=0)
    """Insert one non-JSON ``data: {not json`` event before event ``malformed_after``."""

    usage: dict[str, Any] | None = None
    web_search_calls: int = Field(default=0, ge=0)
    usage_in_choice: bool = False
    omit_done: bool = False
    omit_usage: bool = False
    """Report no usage at all: no usage chunk (even with ``include_usage``), none in
    ``choices[0]``, and no ``usage`` key in a non-streamed body."""

    endless: Literal["content", "reasoning"] | None = None
    """Never finish: after the turn's reasoning (and, for ``"content"``, its content) the
    model keeps writing that kind of text (the turn's own, repeated, or a filler) until
    the client stops reading. A non-streamed body never ends either."""
    oversized_line: int | None = Field(default=None, ge=1)
    """Send one SSE event of about this many bytes right after the role chunk: a valid
    chunk whose ``delta.content`` is filler (a non-streamed body gets the filler in front
    of its content)."""

    def resolved_error_type(self) -> str:
        """Return ``error_type`` or the default type for this turn's status."""
        return self.error_type or default_error_type(self.status)

    def resolved_error_message(self) -> str:
        """Return ``error_message`` or the default message for this turn's status."""
        return self.error_message or default_error_message(self.status)
