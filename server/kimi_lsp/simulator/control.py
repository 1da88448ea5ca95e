"""Unauthenticated control endpoints for a standalone simulator process.

``POST /_simulator/script`` appends a JSON list of turns, or loads a cassette object
(see :mod:`.cassette`); ``GET /_simulator/requests`` lists the recorded requests;
``POST /_simulator/reset`` clears all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from .cassette import Cassette
from .errors import ApiError, error_body, invalid
from .http import Connection, HttpRequest, send_json
from .script import Turn
from .validation import parse_body

if TYPE_CHECKING:
    from .server import Simulator

_SCRIPT = TypeAdapter(list[Turn] | Cassette)


def is_control(request: HttpRequest) -> bool:
    """Whether ``request`` targets a control endpoint."""
    return request.path.startswith("/_simulator/")


async def handle_control(sim: Simulator, conn: Connection, request: HttpRequest) -> None:
    """Serve the unauthenticated ``/_simulator/`` control endpoints."""
    route = (request.method, request.path.rstrip("/"))
    payload: Any
    status = 200
    if route == ("POST", "/_simulator/script"):
        try:
            script = _SCRIPT.validate_python(parse_body(request.body))
            sim.load(script) if isinstance(script, Cassette) else sim.script(*script)
            payload = {"queued": sim.queued}
        except (ApiError, ValidationError) as exc:
            error = exc if isinstance(exc, ApiError) else invalid(f"Invalid turns: {exc}")
            status, payload = error.status, error.body()
    elif route == ("GET", "/_simulator/requests"):
        payload = [r.model_dump(mode="json") for r in sim.requests]
    elif route == ("POST", "/_simulator/reset"):
        sim.reset()
        payload = {"ok": True}
    else:
        status = 404
        payload = error_body("not_found", f"Unknown endpoint: {request.method} {request.path}")
    await send_json(conn, status, payload, keep_alive=request.keep_alive)
