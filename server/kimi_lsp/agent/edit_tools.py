"""The two tools only `kimi.edit` offers: `edit_file` and `create_file`. They write
nothing: each accepted call becomes part of the pending change (`edits/workspace.py`),
which the user reviews before anything lands. Both obey the sandbox (a path outside the
workspace, denied, ignored, binary or too large is refused) and the change's limits; a
refusal is an answer the model reads and can act on."""

from __future__ import annotations

from kimi_lsp.agent import arguments, contents
from kimi_lsp.agent.limits import ToolLimits
from kimi_lsp.agent.sandbox import Refused, Sandbox
from kimi_lsp.agent.tools import Args, Tool, shown
from kimi_lsp.edits.reply import eol_of, native
from kimi_lsp.edits.workspace import ChangeRefused, WorkspaceChange

NOTHING_WRITTEN = "Nothing is written until the user accepts the whole change."


def edit_tools(change: WorkspaceChange) -> tuple[Tool, Tool]:
    """`edit_file` and `create_file`, adding to `change`."""

    def edit_file(sandbox: Sandbox, args: Args, limits: ToolLimits) -> str:
        path = arguments.string(args, "path", required=True)
        old = arguments.string(args, "old_text", required=True) or ""
        new = arguments.string(args, "new_text", required=True) or ""
        target = sandbox.resolve_one(path)
        if change.created(str(target.path)):  # a new file of this change: revise it
            current = ""
        else:
            target = contents.writable_target(sandbox, path, limits, create=False)
            current = contents.raw_text(sandbox, target, limits)
        name = sandbox.display(target)
        eol = eol_of(current)
        if eol != "\n" and old not in current:  # quoted with \n in a \r\n file
            old, new = native(old, eol), native(new, eol)
        elif eol != "\n":
            new = native(new, eol)
        try:
            file = change.edit(str(target.path), name, current, old, new)
        except ChangeRefused as error:
            raise Refused(str(error)) from None
        count = len(file.edits)
        return f"Proposed edit {count} of '{name}'. {NOTHING_WRITTEN}"

    def create_file(sandbox: Sandbox, args: Args, limits: ToolLimits) -> str:
        path = arguments.string(args, "path", required=True)
        content = arguments.string(args, "content", required=True) or ""
        target = sandbox.resolve_one(path)
        if not change.created(str(target.path)):
            target = contents.writable_target(sandbox, path, limits, create=True)
        name = sandbox.display(target)
        try:
            change.create(str(target.path), name, content)
        except ChangeRefused as error:
            raise Refused(str(error)) from None
        return f"Proposed new file '{name}' ({content.count(chr(10)) + 1} lines). {NOTHING_WRITTEN}"

    return (
        Tool(
            name="edit_file",
            description=(
                "Propose replacing text in an existing workspace file. old_text must occur "
                "exactly once in the file (as your earlier edits of it left it): quote it "
                "exactly, with enough surrounding lines to be unique. Edits of one file "
                "may not overlap. Read the file first."
            ),
            parameters={
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "workspace-relative"},
                    "old_text": {"type": "string", "description": "the exact text to replace"},
                    "new_text": {"type": "string", "description": "what replaces it"},
                },
                "required": ["path", "old_text", "new_text"],
            },
            run=edit_file,
            doing=lambda args: f"editing {shown(args.get('path'), 'a file')}",
        ),
        Tool(
            name="create_file",
            description=(
                "Propose a new file inside the workspace with the given content. Refused "
                "if the file exists (edit it instead)."
            ),
            parameters={
                "type": "object",
                "properties": {
                    "path": {"type": "string", "description": "workspace-relative"},
                    "content": {"type": "string", "description": "the whole file"},
                },
                "required": ["path", "content"],
            },
            run=create_file,
            doing=lambda args: f"creating {shown(args.get('path'), 'a file')}",
        ),
    )
