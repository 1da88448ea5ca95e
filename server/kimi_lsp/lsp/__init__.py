"""LSP glue shared by the feature handlers: the server class and the protocol's fixes to
pygls, open documents, cancellation, progress, command arguments, the frame every model
command runs in (streaming, errors, the selection's context), the rewrite pipeline, and
the editor ports for edits and tools. The model layer and the task cores never import this."""
