"""What a workspace file holds, as the tools see it, and which paths a tool may write.

Text comes from the editor's buffer when the file is open (unsaved edits included), else
from the disk: a regular file (`files.py`: no FIFO, device or socket is ever opened), at
most `max_file_bytes`, with no NUL byte in its first 8 KB, decoded as UTF-8. The
configured keys in it read as `***` (`scrub.py`) before anything cuts it.
"""

from __future__ import annotations

from kimi_lsp.agent.clock import Deadline
from kimi_lsp.agent.files import NotAFile, TooLarge, read_bytes
from kimi_lsp.agent.limits import ToolLimits
from kimi_lsp.agent.sandbox import Refused, Sandbox, Target
from kimi_lsp.agent.scrub import scrub


def read_text(sandbox: Sandbox, target: Target, limits: ToolLimits) -> str:
    """The text of a file, scrubbed of secrets; Refused when it is not readable text."""
    return scrub(raw_text(sandbox, target, limits), sandbox.secret_forms)


def raw_text(sandbox: Sandbox, target: Target, limits: ToolLimits) -> str:
    """The text of a file as it is (for matching an edit against it; never send this to
    the model without `scrub`)."""
    name = sandbox.display(target)
    buffer = sandbox.buffers.get(str(target.path))
    if buffer is not None:
        if len(buffer) > limits.max_file_bytes:
            raise Refused(_too_large(name, len(buffer), limits, "characters"))
        return buffer
    try:
        data = read_bytes(target.path, limits.max_file_bytes)
    except NotAFile:
        raise Refused(f"'{name}' is not a file") from None
    except TooLarge as exc:
        raise Refused(_too_large(name, exc.size, limits, "bytes")) from None
    except FileNotFoundError:
        raise Refused(f"'{name}' does not exist") from None
    except OSError as exc:
        raise Refused(f"'{name}' cannot be read ({exc.strerror or 'error'})") from None
    if b"\0" in data[:8192]:
        raise Refused(f"'{name}' is a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"'{name}' is not UTF-8 text") from None


def _too_large(name: str, size: int, limits: ToolLimits, unit: str) -> str:
    return (
        f"'{name}' is too large to read ({size:,} {unit}; "
        f"the limit is {limits.max_file_bytes:,} bytes)"
    )


def writable_target(
    sandbox: Sandbox,
    path: str | None,
    limits: ToolLimits,
    *,
    create: bool,
    deadline: Deadline | None = None,
) -> Target:
    """The file a writing tool may change (`create=False`: it exists and is text) or
    create (`create=True`: it does not exist yet). Refused: outside the workspace, on the
    deny list, ignored by `.gitignore`, a folder, binary, too large, or (for `create`) a
    path that exists; everything `resolve` refuses."""
    target = sandbox.resolve_one(path)
    name = sandbox.display(target)
    if not target.rel:
        raise Refused("name a file inside a workspace folder")
    if sandbox.ignored(target, False, deadline):
        raise Refused(f"'{name}' is ignored by .gitignore")
    exists = target.path.exists() or target.path.is_symlink()
    if create:
        if exists or str(target.path) in sandbox.buffers:
            raise Refused(f"'{name}' exists already; edit it instead")
        return target
    if target.path.is_dir():
        raise Refused(f"'{name}' is a folder, not a file")
    if not exists and str(target.path) not in sandbox.buffers:
        raise Refused(f"'{name}' does not exist; create it instead")
    raw_text(sandbox, target, limits)  # refuses binary, too large, not UTF-8, FIFOs
    return target
