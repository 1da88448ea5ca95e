"""The frame every model-backed command runs in.

It runs the command as a cancellable task (`lsp/cancellation.py`), with `$/progress` and
a `kimi/stream`. Whatever happens, the stream gets its closing notification and the
progress its `end`. The command answers exactly once: its result; RequestFailed for a model
failure (or `internal` for a bug); RequestCancelled when cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pygls.exceptions import JsonRpcException

from kimi_lsp.features.errors import internal_error, request_failed
from kimi_lsp.features.streaming import StreamNotifier
from kimi_lsp.features.usage import cost_line
from kimi_lsp.lsp.cancellation import run_cancellable
from kimi_lsp.lsp.progress import WorkDone
from kimi_lsp.model.errors import ModelError
from kimi_lsp.server import ActiveCommand, KimiLanguageServer

log = logging.getLogger(__name__)

Body = Callable[[StreamNotifier, WorkDone], Awaitable[dict[str, Any]]]


async def run_model_command(
    ls: KimiLanguageServer,
    *,
    title: str,
    stream: StreamNotifier,
    body: Body,
    uri: str | None = None,
) -> dict[str, Any]:
    """Run `body(stream, progress)` as the command's cancellable work."""

    async def work() -> dict[str, Any]:
        progress = WorkDone(ls, title)
        me = asyncio.current_task()
        if me is not None:
            ls.active[me] = ActiveCommand(stream.kind, uri)
        try:
            await progress.begin("thinking", cancel=asyncio.current_task())
            result = await body(stream, progress)
        except ModelError as error:
            _close(stream, progress, error.message)
            raise request_failed(error) from None
        except asyncio.CancelledError:
            _close(stream, progress, "cancelled")
            raise
        except JsonRpcException as error:
            _close(stream, progress, error.message)
            raise
        except Exception as error:
            log.exception("%s failed", title)
            failure = internal_error(error)
            _close(stream, progress, failure.message)
            raise failure from None
        finally:
            if me is not None:
                ls.active.pop(me, None)
        status = result.get("status", "applied")
        if status == "applied":
            stream.done()
            progress.end(f"done · {cost_line(ls)}")
        else:  # a rewrite that stopped, failed or was cancelled answers with its status
            stream.done(error=str(result.get("message") or status))
            progress.end(f"{status} · {cost_line(ls)}")
        return result

    return await run_cancellable(ls.kimi_protocol, work, title)


def _close(stream: StreamNotifier, progress: WorkDone, why: str) -> None:
    stream.done(error=why)
    progress.end("cancelled" if why == "cancelled" else f"failed: {why}")
