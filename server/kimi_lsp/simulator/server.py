"""The simulator server: lifecycle, routing, scripted turns and request recording.

``Simulator`` serves an OpenAI-compatible ``/v1`` API for Kimi K2.7 Code on loopback,
plus unauthenticated control endpoints under ``/_simulator/`` for standalone use.

Each valid chat request is answered by, in this order: the next queued turn
(:meth:`Simulator.script`, a cassette's ``queue``, ``POST /_simulator/script``), the
``responder`` passed in, the loaded cassette's ``answers``, the default answer
(:mod:`.responder`). The turn is then fitted to the request, shaped by the effort and the
clock (:mod:`.profile`) and perhaps broken by chaos mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from collections import deque
from typing import Any

from .cassette import Cassette
from .chaos import Chaos, ChaosEngine
from .control import handle_control, is_control
from .delivery import send_completion, stream_answer
from .errors import ApiError, default_error_message, error_body
from .http import Connection, HttpError, HttpRequest, read_request, send_json
from .profile import FAST, PROFILES, Profile, shape
from .recording import RecordedRequest, Recorder
from .request import chat_request
from .responder import Responder, default_turn, fit_turn
from .script import Turn
from .stream import ChunkFactory
from .tokens import plan_turn, prompt_tokens
from .validation import check_auth, parse_body, validate_chat

DEFAULT_API_KEY = "sk-simulator"
MODELS: tuple[str, ...] = ("kimi-k2-7-code", "moonshot/kimi-k2.7-code")

logger = logging.getLogger(__name__)


class Simulator:
    """An in-process Kimi K2.7 Code API on ``host:port`` (port 0 picks a free one)."""

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
        models: tuple[str, ...] | list[str] = MODELS,
        pace: float = 0.0,
        latency: float = 0.0,
        chaos: Chaos | None = None,
        *,
        responder: Responder | None = None,
        cassette: Cassette | None = None,
        profile: Profile | str = FAST,
    ) -> None:
        """Configure the simulator; call :meth:`start` or use ``async with``.

        ``profile`` (``"fast"`` or ``"kimi"``, see :mod:`.profile`) times every turn that
        sets no timing of its own; ``pace`` (delay between chunks) and ``latency`` (time to
        the first byte) override it. ``responder`` and ``cassette`` choose answers (see the
        module docstring); ``chaos``: seeded faults.
        """
        self.api_key, self.host, self.models = api_key, host, tuple(models)
        self.pace, self.latency = pace, latency
        self.profile = PROFILES[profile] if isinstance(profile, str) else profile
        self.responder, self.cassette = responder, Cassette()
        self._requested_port = port
        self._port: int | None = None
        self._server: asyncio.Server | None = None
        self._script: deque[Turn] = deque()
        self._recorder = Recorder()
        self._connections: dict[asyncio.Task[Any], Connection] = {}
        self._call_counter = self._completion_counter = 0
        self._chaos = ChaosEngine(chaos)
        self.faults = self._chaos.faults
        """How many chaos faults of each kind were injected (see :class:`Chaos`)."""
        self.connections_accepted = 0
        """How many TCP connections were accepted (keep-alive reuses one)."""
        if cassette is not None:
            self.load(cassette)

    @property
    def port(self) -> int:
        """The bound TCP port (valid after :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("simulator is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """The OpenAI base URL, ``http://HOST:PORT/v1``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every API request received, in order (rejected ones included)."""
        return self._recorder.requests

    @property
    def queued(self) -> int:
        """How many scripted turns are waiting."""
        return len(self._script)

    async def start(self) -> Simulator:
        """Bind and start serving; returns self."""
        if self._server is None:
            self._server = await asyncio.start_server(
                self._serve_connection, self.host, self._requested_port
            )
            self._port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        """Stop accepting, close every connection and wait for the handlers to end."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = list(self._connections)
        for task, conn in self._connections.items():
            conn.writer.close()
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> Simulator:
        """Start the simulator."""
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        """Stop the simulator."""
        await self.stop()

    def script(self, *turns: Turn) -> None:
        """Append turns to the FIFO queue; each valid chat request consumes one."""
        self._script.extend(turns)

    def load(self, cassette: Cassette) -> None:
        """Queue the cassette's ``queue`` and answer from its ``answers`` from now on."""
        self.script(*cassette.queue)
        self.cassette = Cassette(answers=cassette.answers)

    def reset(self) -> None:
        """Clear the scripted turns, the cassette's answers and the recorded requests."""
        self._script.clear()
        self.cassette = Cassette()
        self._recorder.clear()
        self._call_counter = 0
        self.faults.clear()

    async def wait_for_requests(self, n: int, timeout: float = 10.0) -> None:
        """Return once at least ``n`` requests were received; TimeoutError otherwise."""
        await self._recorder.wait_until(lambda: len(self.requests) >= n, timeout)

    async def wait_for_disconnect(self, n: int, timeout: float = 10.0) -> None:
        """Return once the client left while response ``n`` (0-based) was streaming."""
        requests = self.requests
        await self._recorder.wait_until(
            lambda: len(requests) > n and requests[n].client_disconnected, timeout
        )

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Serve requests on one connection until it closes or must close."""
        conn = Connection(reader, writer)
        self.connections_accepted += 1
        task = asyncio.current_task()
        self._connections[task] = conn  # type: ignore[index]
        try:
            while True:
                try:
                    request = await read_request(conn)
                except HttpError as exc:
                    body = error_body("invalid_request_error", exc.message)
                    await send_json(conn, exc.status, body, keep_alive=False)
                    break
                if request is None or not await self._dispatch(conn, request):
                    break
        except ConnectionError:
            pass
        except asyncio.CancelledError:
            if self._server is not None:
                raise  # not our own shutdown
            # Stopping: end quietly. Python 3.11's start_server logs a handler task that
            # ends cancelled as "Exception in callback" (fixed in 3.12).
        finally:
            self._connections.pop(task, None)  # type: ignore[arg-type]
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, asyncio.CancelledError) as exc:
                if isinstance(exc, asyncio.CancelledError) and self._server is not None:
                    raise  # not our own stop (which may strike here too)

    async def _dispatch(self, conn: Connection, request: HttpRequest) -> bool:
        """Answer one request; return whether the connection can serve another."""
        if is_control(request):
            await handle_control(self, conn, request)
            return request.keep_alive
        record = self._recorder.add(
            RecordedRequest(
                method=request.method,
                path=request.path,
                headers=dict(request.headers),
                body=_try_json(request.body),
            )
        )
        watcher = asyncio.create_task(conn.watch_eof())
        try:
            completed = await self._answer(conn, request, record)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        record.completed = completed
        record.client_disconnected = not completed and conn.eof
        self._recorder.changed()
        return completed and request.keep_alive and not conn.eof

    async def _answer(
        self, conn: Connection, request: HttpRequest, record: RecordedRequest
    ) -> bool:
        """Route an API request and write its answer; return whether it was complete."""
        status, headers, route = 200, {}, (request.method, request.path.rstrip("/"))
        try:
            if route == ("POST", "/v1/chat/completions"):
                return await self._chat(conn, request, record)
            if route != ("GET", "/v1/models"):
                raise ApiError(404, f"Unknown endpoint: {request.method} {request.path}")
            check_auth(request.headers, self.api_key)
            owner = {"object": "model", "created": 1781222400, "owned_by": "moonshot"}
            payload: Any = {"object": "list", "data": [{"id": m, **owner} for m in self.models]}
        except ApiError as exc:
            status, payload, headers = exc.status, exc.body(), exc.headers
        except Exception as exc:  # a simulator bug must still answer like a server would
            logger.exception("simulator failed to answer %s %s", request.method, request.path)
            status, payload = 500, error_body("server_error", f"simulator error: {exc}")
        record.status = status
        self._recorder.changed()
        await send_json(conn, status, payload, headers, request.keep_alive)
        return True

    async def _chat(self, conn: Connection, request: HttpRequest, record: RecordedRequest) -> bool:
        """Validate a chat request, take the next turn and deliver it."""
        check_auth(request.headers, self.api_key)
        body = parse_body(request.body)
        params = validate_chat(body, self.models)
        chat = chat_request(params.body)
        turn = self._script.popleft() if self._script else None
        turn = turn or (self.responder(chat) if self.responder else None)
        turn = fit_turn(turn or self.cassette(chat) or default_turn(chat), chat)
        turn = shape(turn, params.body, self.profile, self.pace, self.latency)
        fault = self._chaos.draw(turn, params.stream, record)
        turn = fault.before_plan(turn)
        if turn.status != 200:
            message = turn.error_message or default_error_message(turn.status)
            raise ApiError(turn.status, message, turn.error_type, turn.headers)
        calls = [c.model_copy(update={"id": c.id or self._next_call_id()}) for c in turn.tool_calls]
        turn = turn.model_copy(update={"tool_calls": calls})
        prompt = prompt_tokens(params.messages, params.tools)
        plan = plan_turn(turn, params.max_tokens, params.stop, prompt, params.web_search)
        turn = fault.after_plan(turn, plan, params.stream, params.include_usage)
        self._completion_counter += 1
        factory = ChunkFactory(
            f"chatcmpl-sim{self._completion_counter:08d}", int(time.time()), params.model
        )
        record.status = 200
        self._recorder.changed()
        if params.stream:
            return await stream_answer(
                conn, plan, turn, factory, params.include_usage, request.keep_alive, record
            )
        return await send_completion(conn, plan, turn, factory, request.keep_alive)

    def _next_call_id(self) -> str:
        """Return the next automatic tool call id, ``call_<n>``."""
        self._call_counter += 1
        return f"call_{self._call_counter}"


def _try_json(raw: bytes) -> Any:
    """Return the body parsed as JSON, or None."""
    try:
        return json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError):
        return None


async def serve(
    host: str, port: int, api_key: str, chaos: Chaos | None = None, **options: Any
) -> None:
    """Serve until SIGINT or SIGTERM, after printing the listening line; ``options`` are
    :class:`Simulator` keyword arguments (pace, latency, cassette, profile)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Simulator(api_key=api_key, host=host, port=port, chaos=chaos, **options) as sim:
        print(f"kimi simulator listening on {sim.base_url}", flush=True)  # noqa: T201
        await stop.wait()


def run(host: str, port: int, api_key: str, chaos: Chaos | None = None, **options: Any) -> None:
    """Run a standalone simulator (blocking), for ``kimi-lsp simulator --port P``."""
    asyncio.run(serve(host, port, api_key, chaos, **options))
