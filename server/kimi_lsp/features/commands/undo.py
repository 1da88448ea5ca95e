"""kimi.undo {uri}: put back what the last Kimi rewrite of the document replaced, in one
edit, however many edits the stream took; refused once the region was changed by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcException

from kimi_lsp.edits.writer import EditorNotResponding, RegionTouched
from kimi_lsp.lsp.arguments import one_object, uri_of
from kimi_lsp.lsp.edit_port import DocumentClosed
from kimi_lsp.lsp.errors import REQUEST_FAILED

if TYPE_CHECKING:
    from kimi_lsp.session import Session

COMMAND = "kimi.undo"


def _refuse(message: str) -> JsonRpcException:
    return JsonRpcException(code=REQUEST_FAILED, message=f"Kimi: {message}")


async def run(session: Session, args: tuple[Any, ...]) -> dict[str, Any]:
    """Undo the last rewrite of the document."""
    uri = uri_of(one_object(args, COMMAND, "{uri}"), COMMAND)
    if uri in session.writing:
        raise _refuse("a rewrite is still being written here; cancel it instead.")
    record = session.undo.get(uri)
    if record is None:
        raise _refuse("there is no Kimi edit to undo in this document.")
    if not record.intact:
        raise _refuse(
            "the text Kimi wrote has been changed since, so undo was refused "
            "(use the editor's undo instead)."
        )
    session.writing.add(uri)  # no rewrite may start while the undo is being written
    try:
        await record.writer.write(record.original)
    except (RegionTouched, EditorNotResponding, DocumentClosed) as error:
        raise _refuse(f"undo failed: {error}") from None
    finally:
        session.writing.discard(uri)
        if session.undo.get(uri) is record:
            session.undo.forget(uri)
    return {"status": "applied", "edits": 1}
