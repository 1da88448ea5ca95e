"""kimi.explain {uri, range, streamId?}: stream an explanation of the selection.

Progress (`$/progress`) says what the model is doing, `kimi/stream` carries the text, the
result is `{markdown, streamId}`. Cancelling (`$/cancelRequest` or the progress cancel
button) closes the model stream at once. A blank line under the cursor, or a selection of
whitespace only, is refused (RequestFailed, `empty-selection`) without a model call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kimi_lsp.lsp.arguments import one_object, optional_str, range_of, uri_of
from kimi_lsp.lsp.documents import snapshot
from kimi_lsp.lsp.errors import request_failed
from kimi_lsp.lsp.model_command import run_model_command
from kimi_lsp.lsp.progress import WorkDone
from kimi_lsp.lsp.selection import selection_context
from kimi_lsp.lsp.streaming import StreamNotifier
from kimi_lsp.lsp.toolbox import make_toolbox
from kimi_lsp.tasks.explain import NothingToExplain, explain, require_code

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

COMMAND = "kimi.explain"


async def run(ls: KimiLanguageServer, args: tuple[Any, ...]) -> dict[str, Any]:
    """Check the arguments, snapshot the document, then explain."""
    obj = one_object(args, COMMAND, "{uri, range}")
    uri, rng = uri_of(obj, COMMAND), range_of(obj, COMMAND)
    stream = StreamNotifier(ls, "explain", optional_str(obj, "streamId", COMMAND))
    doc = snapshot(ls, uri)
    start, end = doc.offsets(rng)
    data = selection_context(ls, doc, start, end)
    try:
        require_code(data, selected=start != end)
    except NothingToExplain as error:
        raise request_failed(error) from None

    runtime = ls.session.runtime

    async def body(stream: StreamNotifier, progress: WorkDone) -> dict[str, Any]:
        markdown = await explain(
            runtime.service,
            await runtime.endpoint(),
            data,
            max_tokens=runtime.max_tokens,
            toolbox=make_toolbox(ls, runtime.settings.tools),
            web_search=runtime.settings.web_search,
            on_delta=stream.delta,
            on_status=progress.report,
        )
        return {"markdown": markdown, "streamId": stream.id}

    return await run_model_command(ls, title="Kimi: explain", stream=stream, body=body, uri=uri)
