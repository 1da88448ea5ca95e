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
from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcException

from kimi_lsp.lsp.cancellation import ActiveCommand
from kimi_lsp.lsp.errors import internal_error, request_failed
from kimi_lsp.lsp.progress import WorkDone
from kimi_lsp.lsp.streaming import StreamNotifier
from kimi_lsp.model.errors import ModelError
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.wording import bare, usd

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

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
    commands = ls.session.commands
    ledger = ls.session.runtime.ledger

    async def work() -> dict[str, Any]:
        progress = WorkDone(ls, title)
        me = asyncio.current_task()
        if me is not None:
            commands.started(me, ActiveCommand(stream.kind, uri))
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
            _close(stream, progress, bare(error.message))
            raise
        except Exception as error:
            log.exception("%s failed", title)
            failure = internal_error(error)
            _close(stream, progress, bare(failure.message))
            raise failure from None
        finally:
            if me is not None:
                commands.finished(me)
        status = result.get("status", "applied")
        if status in ("applied", "proposed"):
            stream.done()
            progress.end(f"done · {cost_line(ledger)}")
        else:  # a rewrite that stopped, failed or was cancelled answers with its status
            stream.done(error=str(result.get("message") or status))
            progress.end(f"{status} · {cost_line(ledger)}")
        return result

    return await commands.run(ls.protocol.msg_id, work, title)


def cost_line(ledger: UsageLedger) -> str:
    """A short summary for progress and messages, e.g. `session $0.0123 · 4 requests`."""
    cost = ledger.cost_usd
    spent = "cost unknown" if cost is None else usd(cost)
    plural = "" if ledger.requests == 1 else "s"
    return f"session {spent} · {ledger.requests} request{plural}"


def _close(stream: StreamNotifier, progress: WorkDone, why: str) -> None:
    stream.done(error=why)
    progress.end("cancelled" if why == "cancelled" else f"failed: {why}")
