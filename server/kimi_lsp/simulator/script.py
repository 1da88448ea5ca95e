"""Scripted turns: what the simulator answers to the next valid chat request.

A :class:`Turn` describes one model answer (reasoning, content, tool calls) and how it is
delivered (status, latency, chunking, broken streams, a malformed SSE event). Turns are
pydantic models so tests driving a standalone simulator can send them as JSON to
``POST /_simulator/script``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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
    """One answer of the simulated model; every field is optional.

    The answer is fitted to the request first (tools, ``tool_choice``, ``response_format``:
    see :mod:`.responder`). ``finish_reason`` overrides the computed one (any string, e.g.
    ``"error"``). ``web_search_calls`` (built-in searches invoked) is reported as
    ``usage.web_search_calls`` only when the request enabled ``tool_web_search``.
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
    """Report no usage anywhere (not even with ``include_usage``)."""

    endless: Literal["content", "reasoning"] | None = None
    """Never finish: after the turn's reasoning (and, for ``"content"``, its content) keep
    writing that kind of text (the turn's own, or a filler) until the client stops reading
    (a non-streamed body too)."""
    oversized_line: int | None = Field(default=None, ge=1)
    """One SSE event of this many characters after the role chunk: ``delta.content`` of
    filler (a non-streamed body gets it in front of its content)."""
