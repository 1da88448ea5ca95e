"""Streaming edits the user can trust: versioned, rebased over the user's typing, never
half-applied, undoable in one step. No LSP types in here: the editor is reached through
the small `EditorPort` protocol (`writer.py`), which `lsp/edit_port.py` implements."""
