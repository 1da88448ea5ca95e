"""One `WorkspaceEdit` for a change across files, shaped by what the client declared:
`documentChanges` with a versioned `TextDocumentEdit` per open file (the version its
edits were placed against) and an unversioned one per file that is not open, `CreateFile`
and `DeleteFile` where `resourceOperations` allows them, and change annotations with
`needsConfirmation` where `changeAnnotationSupport` is declared (VS Code then shows its
refactor preview before anything is written)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lsprotocol import types

from kimi_lsp.edits.workspace import Replacement
from kimi_lsp.text import Encoding, LineIndex

ANNOTATION = "kimi"


@dataclass(frozen=True)
class FileEdits:
    """What to do to one file."""

    uri: str
    operation: Literal["edit", "create", "delete"]
    text: str
    """The file's text the edits are placed in ("" for a file to create)."""
    edits: list[Replacement]
    version: int | None
    """The open document's version, None when it is not open."""
    content: str = ""
    """A new file's text."""


@dataclass(frozen=True)
class Support:
    """What the client declared about workspace edits."""

    document_changes: bool
    create: bool
    delete: bool
    annotations: bool

    @classmethod
    def of(cls, caps: types.ClientCapabilities, client_name: str = "") -> Support:
        """From the client's capabilities. Neovim applies `documentChanges` (and checks
        their versions) without declaring it."""
        workspace = caps.workspace
        edit = workspace.workspace_edit if workspace else None
        operations = set(edit.resource_operations or []) if edit else set()
        return cls(
            document_changes=bool(edit and edit.document_changes) or client_name == "Neovim",
            create=types.ResourceOperationKind.Create in operations,
            delete=types.ResourceOperationKind.Delete in operations,
            annotations=bool(edit and edit.change_annotation_support),
        )


def text_edits(
    text: str, edits: list[Replacement], encoding: Encoding, annotated: bool
) -> list[types.TextEdit | types.AnnotatedTextEdit]:
    """The LSP edits of `edits` in `text`, in the client's position units."""
    index = LineIndex(text)
    out: list[types.TextEdit | types.AnnotatedTextEdit] = []
    for edit in edits:
        a = index.position(edit.start, encoding)
        b = index.position(edit.end, encoding)
        rng = types.Range(
            start=types.Position(line=a[0], character=a[1]),
            end=types.Position(line=b[0], character=b[1]),
        )
        if annotated:
            out.append(
                types.AnnotatedTextEdit(range=rng, new_text=edit.new, annotation_id=ANNOTATION)
            )
        else:
            out.append(types.TextEdit(range=rng, new_text=edit.new))
    return out


def workspace_edit(
    files: list[FileEdits], support: Support, encoding: Encoding, label: str
) -> types.WorkspaceEdit:
    """The whole change as one edit (the caller checked `support` covers its operations)."""
    annotated = support.annotations and support.document_changes
    if not support.document_changes:
        return types.WorkspaceEdit(
            changes={
                f.uri: [
                    types.TextEdit(range=e.range, new_text=e.new_text)
                    for e in text_edits(f.text, f.edits, encoding, False)
                ]
                for f in files
            }
        )
    changes: list[
        types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile
    ] = []
    annotation = ANNOTATION if annotated else None
    for f in files:
        if f.operation == "delete":
            changes.append(
                types.DeleteFile(
                    uri=f.uri,
                    options=types.DeleteFileOptions(ignore_if_not_exists=True),
                    annotation_id=annotation,
                )
            )
            continue
        if f.operation == "create":
            changes.append(
                types.CreateFile(
                    uri=f.uri,
                    options=types.CreateFileOptions(overwrite=False, ignore_if_exists=False),
                    annotation_id=annotation,
                )
            )
            edits = [Replacement(0, 0, "", f.content)]
            text = ""
        else:
            edits, text = f.edits, f.text
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(
                    uri=f.uri, version=f.version
                ),
                edits=text_edits(text, edits, encoding, annotated),
            )
        )
    result = types.WorkspaceEdit(document_changes=changes)
    if annotated:
        result.change_annotations = {
            ANNOTATION: types.ChangeAnnotation(
                label=label, needs_confirmation=True, description="Proposed by Kimi"
            )
        }
    return result


def plain_edits(text: str, edits: list[Replacement], encoding: Encoding) -> list[dict[str, object]]:
    """The edits as JSON for a command's answer: `{range, newText}` in client units."""
    out: list[dict[str, object]] = []
    for edit in text_edits(text, edits, encoding, False):
        rng = edit.range
        out.append(
            {
                "range": {
                    "start": {"line": rng.start.line, "character": rng.start.character},
                    "end": {"line": rng.end.line, "character": rng.end.character},
                },
                "newText": edit.new_text,
            }
        )
    return out
