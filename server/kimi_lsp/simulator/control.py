"""Unauthenticated control endpoints for a standalone simulator process.

``POST /_simulator/script`` appends a JSON list of turns, or loads a cassette object
(see :mod:`.cassette`); ``GET /_simulator/requests`` lists the recorded requests;
``POST /_simulator/reset`` clears all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import TypeAdapter, ValidationError

from .cassette import Cassette
from .errors import ApiError, error_body, invalid
from .http import Connection, HttpRequest, send_json
from .script import Turn
from .validation import parse_body

if TYPE_CHECKING:
    from .server import Simulator

CONTROL_PREFIX = "/_simulator/"
_SCRIPT = TypeAdapter(list[Turn] | Cassette)


def is_control(request: HttpRequest) -> bool:
    """Whether ``request`` targets a control endpoint."""
    return request.path.startswith(CONTROL_PREFIX)


async def handle_control(sim: Simulator, conn: Connection, request: HttpRequest) -> None:
    """Serve the unauthenticated ``/_simulator/`` control endpoints."""
    route = (request.method, request.path.rstrip("/"))
    keep = request.keep_alive
    if route == ("POST", "/_simulator/script"):
        try:
            script = _SCRIPT.validate_python(parse_body(request.body))
        except ApiError as exc:
            await send_json(conn, exc.status, exc.body(), keep_alive=keep)
            return
        except ValidationError as exc:
            error = invalid(f"Invalid turns: {exc}")
            await send_json(conn, 400, error.body(), keep_alive=keep)
            return
        sim.load(script) if isinstance(script, Cassette) else sim.script(*script)
        await send_json(conn, 200, {"queued": sim.queued}, keep_alive=keep)
    elif route == ("GET", "/_simulator/requests"):
        payload = [r.model_dump(mode="json") for r in sim.requests]
        await send_json(conn, 200, payload, keep_alive=keep)
    elif route == ("POST", "/_simulator/reset"):
        sim.reset()
        await send_json(conn, 200, {"ok": True}, keep_alive=keep)
    else:
        body = error_body("not_found", f"Unknown endpoint: {request.method} {request.path}")
        await send_json(conn, 404, body, keep_alive=keep)
