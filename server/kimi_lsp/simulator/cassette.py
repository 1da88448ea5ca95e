"""Cassettes: the simulator's answers written down in a JSON file.

A cassette is a JSON object with two optional lists of :class:`~.script.Turn` objects::

    {"queue": [{"content": "first answer"}],
     "answers": [{"kind": "explain", "contains": "def restock_cost",
                  "turns": [{"tool_calls": [{"name": "read_file", "arguments": "{}"}]},
                            {"content": "It restocks."}]}]}

``queue`` turns answer the next requests in order, once each, whatever they ask (like
``Simulator.script``). Otherwise the first entry of ``answers`` that matches answers:
``kind`` (``explain``, ``rewrite``, ``ghost_text`` or ``chat``, see :mod:`.request`) must
equal the request's and ``contains`` must occur in its last user message (either may be
left out). Entries never wear out: ``turns[i]`` answers the request that carries ``i``
assistant messages (round ``i`` of a tool loop); later rounds get the last turn.
Unmatched requests get the simulator's default answer.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .request import ChatRequest, Kind
from .script import Turn


class Answer(BaseModel):
    """One entry of ``answers``: a rule and the turns it answers with, by round."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind | None = None
    contains: str | None = None
    turns: list[Turn] = Field(min_length=1)

    def matches(self, request: ChatRequest) -> bool:
        """Whether this entry answers ``request``."""
        if self.kind is not None and self.kind != request.kind:
            return False
        return self.contains is None or self.contains in request.text


class Cassette(BaseModel):
    """Queued turns and matched answers; calling it is a responder."""

    model_config = ConfigDict(extra="forbid")

    queue: list[Turn] = Field(default_factory=list)
    answers: list[Answer] = Field(default_factory=list)

    def __call__(self, request: ChatRequest) -> Turn | None:
        """The turn of the first matching entry for the request's round, or None."""
        for answer in self.answers:
            if answer.matches(request):
                return answer.turns[min(request.round, len(answer.turns) - 1)]
        return None


def load_cassette(path: str | Path) -> Cassette:
    """Read a cassette file; ValueError with a readable sentence if it is not one."""
    try:
        return Cassette.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
    except OSError as exc:
        raise ValueError(f"Cannot read the cassette {path}: {exc.strerror}.") from exc
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"The cassette {path} is not valid ({where}).") from exc
    except ValueError as exc:
        raise ValueError(f"The cassette {path} is not valid JSON ({exc}).") from exc
