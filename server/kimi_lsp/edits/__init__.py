"""Proposals the user can trust: the model's code streams in above the original, which
stays untouched until the user accepts (one edit) or rejects (the original as it was);
versioned edits, rebased over the user's typing, undoable in one step. No LSP types in
here: the editor is reached through the small `EditorPort` protocol (`writer.py`), which
`lsp/edit_port.py` implements.

| module | what it does |
|---|---|
| `reply.py` | the model's reply to code lines: LSP line breaks, CommonMark fences, fitting |
| `block.py` | the proposed text and the original, followed through every change |
| `writer.py` | one versioned, confirmed edit at a time into the block |
| `proposal.py` | a proposal's life: stream, show, accept, reject, undo, withdraw |
| `registry.py` | the session's proposals, one per document |
"""
