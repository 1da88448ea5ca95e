"""pygls keeps the future of each step of a generator handler (how
`workspace/executeCommand` runs a command) under a made-up id for ever; with it every
command's result or exception, and the frames its traceback holds. KimiProtocol lets it
go once done."""

from __future__ import annotations

import asyncio
from typing import Any

from kimi_lsp.server import create_server


async def test_a_generator_step_future_is_let_go_when_done() -> None:
    protocol: Any = create_server().protocol
    result: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    async def step() -> str:
        raise RuntimeError("x" * 1_000_000)  # a big failure, kept by nobody

    def handler() -> Any:
        value = yield step, (), {}
        return value

    protocol._run_generator(None, gen=handler(), result_future=result)
    await asyncio.wait([result])
    for _ in range(3):
        await asyncio.sleep(0)
    assert isinstance(result.exception(), RuntimeError)
    assert protocol._request_futures == {}


async def test_the_sse_decoder_forgets_a_given_up_line() -> None:
    from kimi_lsp.model.sse import SseDecoder

    decoder = SseDecoder()
    list(decoder.feed(b"data: " + b"x" * 100_000))
    decoder.reset()
    assert list(decoder.feed(b"\n\ndata: ok\n\n"))[-1].data == "ok"


async def test_a_step_of_a_cancelled_request_leaves_no_unread_exception() -> None:
    """When the request itself was cancelled, pygls never reads its step's outcome: once
    the future was let go, asyncio would log "Task exception was never retrieved"."""
    import gc

    protocol: Any = create_server().protocol
    result: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    reported: list[Any] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    started = asyncio.Event()

    async def step() -> str:
        started.set()
        await asyncio.sleep(0)
        raise RuntimeError("cancelled underneath")

    def handler() -> Any:
        value = yield step, (), {}
        return value

    protocol._run_generator(None, gen=handler(), result_future=result)
    await started.wait()
    result.cancel()
    for _ in range(5):
        await asyncio.sleep(0)
    gc.collect()
    loop.set_exception_handler(None)
    assert reported == []
